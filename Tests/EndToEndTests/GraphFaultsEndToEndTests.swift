import DevTenant
import EphemCore
import Foundation
import TestSupport
import Testing

/// Graph misbehaving during an issuance: throttling honoured, failures fail closed and are audited,
/// a failed mail does not fail the issuance.
@Suite struct GraphFaultsEndToEndTests {
    @Test func throttlingWithRetryAfterIsWaitedOutThenTheIssuanceSucceeds() async throws {
        try await withTapStack(seed: TestDirectory.seed, apps: .helpdesk) { stack in
            let token = try stack.token("helpdesk", TestDirectory.agent)
            let target = TestDirectory.user(1)
            stack.tenant.faults.add(Fault(target: .graph, pathPrefix: "/v1.0/users/\(target)/authentication/temporaryAccessPassMethods",
                                          method: "POST", status: 429, retryAfterSeconds: 1, count: 1))
            let started = Date()
            let reply = try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(target)", token: token)
            #expect(reply.status == 200)
            #expect(Date().timeIntervalSince(started) >= 1)
            let posts = stack.tenant.requests.all.filter { $0.method == "POST" && $0.path.contains("temporaryAccessPassMethods") }
            #expect(posts.map(\.status) == [429, 201])
            if posts.count == 2, let first = ISO8601.parse(posts[0].endedAt), let second = ISO8601.parse(posts[1].startedAt) {
                #expect(second.timeIntervalSince(first) >= 0.95)
            }
        }
    }

    @Test func graphFailingToCreateThePassIs503AndAuditedAsError() async throws {
        try await withTapStack(seed: TestDirectory.seed, apps: .helpdesk) { stack in
            let token = try stack.token("helpdesk", TestDirectory.agent)
            let target = TestDirectory.user(1)
            stack.tenant.faults.add(Fault(target: .graph, pathPrefix: "/v1.0/users/\(target)/authentication/temporaryAccessPassMethods", method: "POST", status: 503))
            let reply = try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(target)", token: token)
            #expect(reply.status == 503 && reply.code == "upstream_unavailable")
            #expect(reply.json?["temporaryAccessPass"] == nil)
            let rows = try await stack.auditRows(.helpdesk)
            #expect(rows.count == 1 && rows.first?["Action"]?.stringValue == "ERROR")
            #expect(stack.tenant.graph.temporaryAccessPass(forUser: target) == nil)
        }
    }

    @Test func graphDownDuringTheGuardIs503AndNoPassIsCreated() async throws {
        for path in ["/v1.0/roleManagement", "/v1.0/identityGovernance", "/v1.0/users/\(TestDirectory.user(1))/transitiveMemberOf",
                     "/v1.0/users/\(TestDirectory.user(1))/ownedObjects", "/v1.0/users/\(TestDirectory.user(1))/checkMemberGroups"] {
            try await withTapStack(seed: TestDirectory.seed, apps: .helpdesk, helpdeskSettings: ["BLOCKED_GROUP_IDS": TestDirectory.blockedGroup]) { stack in
                stack.tenant.faults.add(Fault(target: .graph, pathPrefix: path, status: 500))
                let reply = try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(TestDirectory.user(1))", token: try stack.token("helpdesk", TestDirectory.agent))
                #expect(reply.status == 503 && reply.code == "upstream_unavailable", "\(path)")
                #expect(stack.tenant.graph.temporaryAccessPassesCreated(forUser: TestDirectory.user(1)) == 0, "\(path)")
                #expect(!stack.tenant.requests.all.contains { $0.method == "POST" && $0.path.contains("temporaryAccessPassMethods") }, "\(path)")
                let rows = try await stack.auditRows(.helpdesk)
                #expect(rows.count == 1 && rows.first?["Action"]?.stringValue == "ERROR", "\(path)")
            }
        }
    }

    @Test func aFailingMailStillIssuesAndSaysSo() async throws {
        try await withTapStack(seed: TestDirectory.seed, apps: .helpdesk, helpdeskSettings: ["NOTIFICATION_SENDER": TestDirectory.sender]) { stack in
            stack.tenant.faults.add(Fault(target: .graph, pathPrefix: "/v1.0/users/\(TestDirectory.sender)/sendMail", status: 500))
            let reply = try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(TestDirectory.user(1))", token: try stack.token("helpdesk", TestDirectory.agent))
            #expect(reply.status == 200)
            #expect(reply.json?["notificationSent"] as? Bool == false)
            #expect(reply.json?["temporaryAccessPass"] is String)
            let rows = try await stack.auditRows(.helpdesk)
            #expect(rows.count == 1 && rows.first?["Action"]?.stringValue == "SUCCESS")
        }
    }

    /// The Table service failing before the PENDING row exists means no TAP at all.
    @Test func noPendingRowMeansNoPass() async throws {
        try await withTapStack(seed: TestDirectory.seed, apps: .helpdesk) { stack in
            stack.tenant.faults.add(Fault(target: .table, pathPrefix: "/devstoreaccount1/TapAuditHelpdesk", method: "POST", status: 503))
            let reply = try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(TestDirectory.user(1))", token: try stack.token("helpdesk", TestDirectory.agent))
            #expect(reply.status == 503 && reply.code == "upstream_unavailable")
            #expect(stack.tenant.graph.temporaryAccessPassesCreated(forUser: TestDirectory.user(1)) == 0)
            stack.tenant.faults.clear()
            // The slot and the lock were given back: the agent and the target are free again.
            #expect(try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(TestDirectory.user(1))", token: try stack.token("helpdesk", TestDirectory.agent)).status == 200)
        }
    }
}

enum ISO8601 {
    static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }
}
