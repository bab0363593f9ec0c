import EphemCore
import Testing

/// Every paging loop stops on a repeated token and within its page budget (issue 13, finding 1).
struct PagingBudgetTests {
    @Test func repeatedTokenStops() throws {
        var budget = PagingBudget()
        try budget.admit(next: "a")
        try budget.admit(next: "b")
        #expect(throws: PagingBudget.Stop.repeatedToken) { try budget.admit(next: "a") }
    }

    @Test func pageBudgetStops() throws {
        var budget = PagingBudget(maxPages: 3)
        try budget.admit(next: "2")
        try budget.admit(next: "3")
        #expect(throws: PagingBudget.Stop.pageBudget(3)) { try budget.admit(next: "4") }
    }

    @Test func timeBudgetStops() async throws {
        var budget = PagingBudget(maxDuration: .milliseconds(1))
        try await Task.sleep(for: .milliseconds(5))
        #expect(throws: PagingBudget.Stop.timeBudget(.milliseconds(1))) { try budget.admit(next: "x") }
    }

    @Test func errorsMapTo502And503() {
        #expect(PagingBudget.Stop.repeatedToken.asEphemError("q") == .upstreamRefused(requestId: nil, detail: "q: the upstream repeated a continuation token"))
        #expect(PagingBudget.Stop.pageBudget(3).asEphemError("q") == .upstreamUnavailable(detail: "q: more than 3 pages"))
    }
}
