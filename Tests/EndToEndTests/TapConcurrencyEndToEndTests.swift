import DevTenant
import EphemCore
import Foundation
import TestSupport
import Testing

/// SPEC 7.3 under real concurrency: two helpdesk processes sharing one Table service.
@Suite struct TapConcurrencyEndToEndTests {
    @Test func fiftyParallelIssuancesByOneAgentThroughTwoInstancesGrantExactlyTen() async throws {
        try await withTapStack(seed: TestDirectory.seed, apps: .helpdesk, helpdeskInstances: 2) { stack in
            let token = try stack.token("helpdesk", TestDirectory.agent)
            let replies = try await withThrowingTaskGroup(of: TapStack.Reply.self) { group in
                for number in 1...50 {
                    group.addTask { try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(TestDirectory.user(number))", token: token) }
                }
                return try await group.reduce(into: [TapStack.Reply]()) { $0.append($1) }
            }
            let granted = replies.filter { $0.status == 200 }
            let limited = replies.filter { $0.status == 429 && $0.code == "rate_limited" }
            #expect(granted.count == 10, "\(replies.map { "\($0.status) \($0.code ?? "")" })")
            #expect(limited.count == 40, "\(replies.filter { $0.status != 200 && $0.code != "rate_limited" }.map(\.text)) \(stack.handlerOutput.split(separator: "\n").filter { $0.contains("error") || $0.contains("failed") }.prefix(8))")
            #expect(limited.allSatisfy { Int($0.header("Retry-After") ?? "") ?? 0 > 0 })
            let created = (1...50).map { stack.tenant.graph.temporaryAccessPassesCreated(forUser: TestDirectory.user($0)) }.reduce(0, +)
            #expect(created == 10)
            let rows = try await stack.auditRows(.helpdesk)
            #expect(rows.filter { $0["Action"]?.stringValue == "SUCCESS" }.count == 10)
            #expect(rows.filter { $0["Action"]?.stringValue == "RATE_LIMITED" }.count == 40)
            #expect(rows.count == 50)
            // No pass and no token in any log line of either instance.
            let output = stack.handlerOutput
            #expect(!output.isEmpty)
            for reply in granted { #expect(!output.contains(reply.json?["temporaryAccessPass"] as? String ?? "missing")) }
            #expect(!output.contains(token) && !output.contains(String(token.split(separator: ".")[2])))
        }
    }

    @Test func twoAgentsRacingForOneTargetLeaveExactlyOnePass() async throws {
        try await withTapStack(seed: TestDirectory.seed, apps: .helpdesk, helpdeskInstances: 2) { stack in
            let tokens = [try stack.token("helpdesk", TestDirectory.agent), try stack.token("helpdesk", TestDirectory.secondAgent)]
            for round in 1...5 {
                let target = TestDirectory.user(20 + round)
                let replies = try await withThrowingTaskGroup(of: TapStack.Reply.self) { group in
                    for token in tokens {
                        group.addTask { try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(target)", token: token) }
                    }
                    return try await group.reduce(into: [TapStack.Reply]()) { $0.append($1) }
                }
                #expect(replies.filter { $0.status == 200 }.count == 1, "round \(round): \(replies.map(\.text))")
                // The loser meets the winner's lock (issuance_in_progress, issue 12) or, if the winner
                // already finished, its pass (tap_active).
                #expect(replies.filter { $0.status == 429 && ($0.code == "tap_active" || $0.code == "issuance_in_progress") }.count == 1, "round \(round)")
                #expect(stack.tenant.graph.temporaryAccessPassesCreated(forUser: target) == 1, "round \(round)")
                // The pass that exists is the one the winner was shown.
                let shown = replies.compactMap { $0.json?["temporaryAccessPass"] as? String }
                #expect(shown == [stack.tenant.graph.temporaryAccessPass(forUser: target)?.temporaryAccessPass ?? "none"])
            }
        }
    }

    /// A revoked pass frees the target at once: the lock's tombstone makes the next issuance read
    /// the TAPs again rather than trust a read from before the release.
    @Test func issueRevokeIssueAgainForTheSameTarget() async throws {
        try await withTapStack(seed: TestDirectory.seed, apps: .helpdesk, helpdeskInstances: 2) { stack in
            let token = try stack.token("helpdesk", TestDirectory.agent)
            let target = TestDirectory.user(30)
            for _ in 1...3 {
                #expect(try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(target)", token: token).status == 200)
                #expect(try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(target)", token: token).code == "tap_active")
                #expect(try await stack.call(stack.helpdesk, "DELETE", "/api/users/\(target)/tap", token: token).status == 204)
            }
            #expect(stack.tenant.graph.temporaryAccessPassesCreated(forUser: target) == 3)
        }
    }

    /// The race the lock's tombstone exists for: another issuance creates its pass after our read of
    /// the target's TAPs, then releases the lock before we take it over. A takeover of a lock released
    /// moments ago reads the TAPs again, so we refuse instead of replacing the other pass.
    @Test func aLockReleasedAfterOurTapReadMakesTheFlowReadTheTapsAgain() async throws {
        try await withTapStack(seed: TestDirectory.seed, apps: .helpdesk) { stack in
            let token = try stack.token("helpdesk", TestDirectory.agent)
            let target = TestDirectory.user(31)
            let targetId = try #require(GUID(target))
            // The other issuance holds the lock, and our read of the lock row is held back long
            // enough for it to finish.
            let other = TargetLock(client: stack.tableClient)
            let held = try #require(try await other.acquire(targetId))
            let lockRow = "/devstoreaccount1/\(RateLimiter.table)(PartitionKey=\(URLQuery.encode("'lock_\(target)'"))"
            stack.tenant.faults.add(Fault(target: .table, pathPrefix: lockRow, method: "GET", delayMs: 3000, count: 1))
            let tapList = "/v1.0/users/\(target)/authentication/temporaryAccessPassMethods"
            let tapReads = { stack.tenant.requests.all.filter { $0.method == "GET" && $0.path == tapList } }

            let ours = Task { try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(target)", token: token) }
            // Once our first read of the target's TAPs has answered (none), the other issuance
            // creates its pass and releases the lock.
            var polls = 0
            while tapReads().isEmpty, polls < 2000 {
                polls += 1
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(tapReads().map(\.status) == [200], "our round 1 read the TAPs")
            let otherPass = try await stack.graphClient.createTemporaryAccessPass(user: targetId, lifetimeInMinutes: 60, isUsableOnce: true)
            #expect(await other.release(held))
            let released = Date()

            let reply = try await ours.value
            #expect(reply.status == 429 && reply.code == "tap_active", "\(reply.text)")
            #expect(reply.json?["temporaryAccessPass"] == nil)
            #expect(stack.tenant.graph.temporaryAccessPassesCreated(forUser: target) == 1, "the other pass was not replaced")
            #expect(stack.tenant.graph.temporaryAccessPass(forUser: target)?.temporaryAccessPass == otherPass.secret)
            #expect(tapReads().count == 2, "read again after the takeover")
            // The race happened as staged: our read of the lock row ended after the release.
            let lockReads = stack.tenant.requests.all.filter { $0.method == "GET" && $0.path.hasPrefix(lockRow) }
            #expect(lockReads.count == 1)
            #expect(lockReads.first.flatMap { ISO8601.parse($0.endedAt) }.map { $0 > released } == true)
            let rows = try await stack.auditRows(.helpdesk)
            #expect(rows.map { $0["Action"]?.stringValue } == ["DENIED"])
            #expect(rows.first?["DenialReason"]?.stringValue == "tap_active")
        }
    }
}
