import DevTenant
import EphemCore
import Foundation
import TestSupport
import Testing

/// SPEC 7.6's races through the real binaries: every transition is a conditional write, so of
/// racing pick-ups, approvals and cancels exactly one wins and a handover yields at most one pass.
@Suite struct HandoverRaceEndToEndTests {
    @Test func twentyConcurrentPickUpsOfOneHandoverYieldExactlyOnePass() async throws {
        try await withTapStack(seed: TestDirectory.seed) { stack in
            let target = TestDirectory.user(42)
            let id = try await HandoverEndToEndTests.create(stack, target: target)
            let token = try HandoverEndToEndTests.userToken(stack, HandoverEndToEndTests.manager)
            let replies = try await withThrowingTaskGroup(of: TapStack.Reply.self) { group in
                for _ in 0..<20 { group.addTask { try await stack.call(stack.selfService, "PUT", "/api/handovers/\(id)/tap", token: token) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let winners = replies.filter { $0.status == 200 }
            #expect(winners.count == 1, "\(replies.map { "\($0.status) \($0.code ?? "")" })")
            #expect(replies.filter { $0.status != 200 }.allSatisfy { ($0.status == 409 && $0.code == "handover_closed") || ($0.status == 429 && $0.code == "issuance_in_progress") },
                    "\(replies.map { "\($0.status) \($0.code ?? "")" })")
            #expect(stack.tenant.graph.temporaryAccessPassesCreated(forUser: target) == 1)
            let secret = try #require(winners.first?.json?["temporaryAccessPass"] as? String)
            #expect(replies.filter { $0.text.contains(secret) }.count == 1)
            let rows = try await HandoverEndToEndTests.rows(stack, handover: id)
            #expect(rows.count == 21, "REQUESTED + one row per pick-up request")
            #expect(rows.filter { $0["Action"]?.stringValue == "SUCCESS" }.count == 1)
            #expect(try await HandoverEndToEndTests.handoverRows(stack).first { $0.rowKey == id }?["State"]?.stringValue == "ISSUED")
            try await HandoverEndToEndTests.expectNoSecret(secret, stack)
        }
    }

    @Test func approvalRacingACancelHasExactlyOneWinner() async throws {
        try await withTapStack(seed: TestDirectory.seed, apps: .helpdesk, helpdeskSettings: ["APPROVAL_REQUIRED": "always"]) { stack in
            let hannah = try HandoverEndToEndTests.agentToken(stack)
            let omar = try HandoverEndToEndTests.agentToken(stack, second: true)
            for number in 40...44 {
                let id = try await HandoverEndToEndTests.create(stack, target: TestDirectory.user(number))
                async let approve = stack.call(stack.helpdesk, "POST", "/api/handovers/\(id)/approve", token: omar)
                async let cancel = stack.call(stack.helpdesk, "DELETE", "/api/handovers/\(id)", token: hannah)
                let (approved, cancelled) = try await (approve, cancel)
                let state = try await HandoverEndToEndTests.handoverRows(stack).first { $0.rowKey == id }?["State"]?.stringValue
                let actions = try await HandoverEndToEndTests.rows(stack, handover: id).map { $0["Action"]?.stringValue ?? "" }.sorted()
                // Racing from REQUESTED exactly one write lands first. A cancel that lands first ends
                // it (the approval is 409); an approval that lands first may still be cancelled after
                // it (nobody picked it up) but never the reverse, and nothing is ever lost.
                #expect([200, 409].contains(approved.status) && [204, 409].contains(cancelled.status), "\(approved.text) \(cancelled.text)")
                #expect(approved.status == 200 || cancelled.status == 204, "one of them always wins")
                if approved.status == 409 { #expect(approved.code == "handover_closed") }
                if cancelled.status == 409 { #expect(cancelled.code == "handover_closed") }
                if cancelled.status == 204 {
                    #expect(state == "CANCELLED")
                    #expect(actions == (approved.status == 200 ? ["APPROVED", "CANCELLED", "REQUESTED"] : ["CANCELLED", "REQUESTED"]))
                } else {
                    #expect(state == "APPROVED" && actions == ["APPROVED", "REQUESTED"])
                }
            }
            // Two racing approvals: exactly one lands.
            for number in 45...47 {
                let id = try await HandoverEndToEndTests.create(stack, target: TestDirectory.user(number))
                let replies = try await withThrowingTaskGroup(of: TapStack.Reply.self) { group in
                    for _ in 0..<2 { group.addTask { try await stack.call(stack.helpdesk, "POST", "/api/handovers/\(id)/approve", token: omar) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(replies.map(\.status).sorted() == [200, 409] && replies.contains { $0.code == "handover_closed" })
                #expect(try await HandoverEndToEndTests.rows(stack, handover: id).filter { $0["Action"]?.stringValue == "APPROVED" }.count == 1)
            }
        }
    }

    @Test func pickUpRacingACancelHasExactlyOneWinnerAndACancelledHandoverYieldsNoPass() async throws {
        try await withTapStack(seed: TestDirectory.seed) { stack in
            let hannah = try HandoverEndToEndTests.agentToken(stack)
            let manager = try HandoverEndToEndTests.userToken(stack, HandoverEndToEndTests.manager)
            for number in 40...44 {
                let target = TestDirectory.user(number)
                let id = try await HandoverEndToEndTests.create(stack, target: target)
                async let pickUp = stack.call(stack.selfService, "PUT", "/api/handovers/\(id)/tap", token: manager)
                async let cancel = stack.call(stack.helpdesk, "DELETE", "/api/handovers/\(id)", token: hannah)
                let (picked, cancelled) = try await (pickUp, cancel)
                let state = try await HandoverEndToEndTests.handoverRows(stack).first { $0.rowKey == id }?["State"]?.stringValue
                if picked.status == 200 {
                    #expect(cancelled.status == 409 && cancelled.code == "handover_closed")
                    #expect(state == "ISSUED" && stack.tenant.graph.temporaryAccessPassesCreated(forUser: target) == 1)
                } else {
                    #expect(cancelled.status == 204, "\(cancelled.text)")
                    #expect(picked.status == 409 && picked.code == "handover_closed", "\(picked.text)")
                    #expect(state == "CANCELLED" && stack.tenant.graph.temporaryAccessPassesCreated(forUser: target) == 0)
                }
            }
        }
    }

    /// SPEC 7.4 at pick-up: the pass is shown only once its SUCCESS row is durable. When that write
    /// fails the pass is deleted, the answer is 503, and the handover is open again for a retry.
    @Test func aPickUpWhoseSuccessRowIsNotDurableShowsNothingAndLeavesTheHandoverOpen() async throws {
        try await withTapStack(seed: TestDirectory.seed) { stack in
            let target = TestDirectory.user(47)
            let id = try await HandoverEndToEndTests.create(stack, target: target)
            let manager = try HandoverEndToEndTests.userToken(stack, HandoverEndToEndTests.manager)
            stack.tenant.faults.add(Fault(target: .table, pathPrefix: "/devstoreaccount1/TapAuditSelfService", method: "PUT", status: 503))
            let failed = try await stack.call(stack.selfService, "PUT", "/api/handovers/\(id)/tap", token: manager)
            stack.tenant.faults.clear()
            #expect(failed.status == 503 && failed.code == "upstream_unavailable", "\(failed.text)")
            #expect(failed.json?["temporaryAccessPass"] == nil)
            #expect(stack.tenant.graph.temporaryAccessPassesCreated(forUser: target) == 1)
            #expect(stack.tenant.graph.temporaryAccessPass(forUser: target) == nil, "the pass nobody saw was deleted")
            let row = try #require(try await HandoverEndToEndTests.handoverRows(stack).first { $0.rowKey == id })
            #expect(row["State"]?.stringValue == "REQUESTED" && row["PickupId"] == nil)

            let retried = try await stack.call(stack.selfService, "PUT", "/api/handovers/\(id)/tap", token: manager)
            #expect(retried.status == 200, "\(retried.text)")
            #expect(stack.tenant.graph.temporaryAccessPass(forUser: target)?.temporaryAccessPass == retried.json?["temporaryAccessPass"] as? String)
        }
    }
}
