import DevTenant
import EphemCore
import Foundation
import Glibc
import TestSupport
import Testing

/// Issue 12, finding 4 and its kill test: SIGKILL one of two helpdesk handlers during 50
/// issuances (the emulator restarts it), then run `audit-reconcile`. Afterwards no `PENDING` row
/// remains, every pass in Graph has a `SUCCESS` row, and every `SUCCESS` row's pass exists.
@Suite struct KillDuringIssuanceEndToEndTests {
    @Test func killingAHandlerMidBurstLeavesNoPendingRowAndNoUnrecordedPass() async throws {
        try await withTapStack(seed: TestDirectory.seed, apps: .helpdesk, helpdeskSettings: ["RATE_LIMIT_PER_AGENT_PER_HOUR": "1000"],
                               helpdeskInstances: 2) { stack in
            let host = try #require(stack.helpdesk)
            let token = try stack.token("helpdesk", TestDirectory.agent)
            // Every create answers 300 ms late, so the kill lands while many creates are in flight.
            stack.tenant.faults.add(Fault(target: .graph, pathPrefix: "/v1.0/users/", method: "POST", answerDelayMs: 300))
            let victim = try #require(await host.workers[0].pid)
            let replies = try await withThrowingTaskGroup(of: TapStack.Reply.self) { group in
                for number in 1...50 {
                    group.addTask { try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(TestDirectory.user(number))", token: token) }
                }
                // Kill once the first creates have reached Graph.
                while stack.tenant.requests.all.filter({ $0.method == "POST" && $0.path.hasSuffix("temporaryAccessPassMethods") }).count < 3 {
                    try await Task.sleep(for: .milliseconds(5))
                }
                kill(victim, SIGKILL)
                return try await group.reduce(into: [TapStack.Reply]()) { $0.append($1) }
            }
            try await host.workers[0].readyAfterRestarts(1)
            stack.tenant.faults.clear()
            #expect(replies.contains { $0.status == 502 }, "the kill cut some requests: \(replies.map(\.status))")
            #expect(replies.allSatisfy { $0.status != 200 || $0.json?["temporaryAccessPass"] is String })
            try await CreateOnceEndToEndTests.agePendingRows(stack)
            let logs = try await CreateOnceEndToEndTests.reconcile(stack)
            #expect(logs.contains("0 deferred"), "\(logs)")
            let rows = try await stack.auditRows(.helpdesk)
            #expect(!rows.contains { $0["Action"]?.stringValue == "PENDING" }, "\(rows.filter { $0["Action"]?.stringValue == "PENDING" })")
            let succeeded = Set(rows.filter { $0["Action"]?.stringValue == "SUCCESS" }.compactMap { $0["TargetId"]?.stringValue })
            for number in 1...50 {
                let user = TestDirectory.user(number)
                let pass = stack.tenant.graph.temporaryAccessPass(forUser: user)
                #expect((pass != nil) == succeeded.contains(user), "user \(number): pass \(pass != nil), SUCCESS row \(succeeded.contains(user))")
            }
            // Every pass shown is the one in Graph.
            for reply in replies where reply.status == 200 {
                let id = (reply.json?["targetUser"] as? [String: Any])?["id"] as? String ?? ""
                #expect(stack.tenant.graph.temporaryAccessPass(forUser: id)?.temporaryAccessPass == reply.json?["temporaryAccessPass"] as? String)
            }
            // Reconciled rows carry the target's UPN.
            for row in rows where row["DenialReason"]?.stringValue?.hasPrefix("reconciled:") == true {
                #expect(row["TargetUPN"]?.stringValue?.hasSuffix("@contoso.example") == true)
            }
        }
    }
}
