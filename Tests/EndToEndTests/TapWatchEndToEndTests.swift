import AsyncHTTPClient
import DevTenant
import EphemCore
import Foundation
import NIOCore
import TestSupport
import Testing

/// Issue 16 (SPEC 7.7): the ledger, `tap-watch`, out-of-band detection and the history, through
/// the real binaries, the host emulator and the dev tenant's `/dev/…` simulation routes.
@Suite struct TapWatchEndToEndTests {
    /// `POST /admin/functions/tap-watch` on an app: the invocation's answer (with its `Logs`).
    static func watch(_ stack: TapStack, _ app: String) async throws -> String {
        let host = app == "helpdesk" ? stack.helpdesk : stack.selfService
        let reply = try await stack.call(host, "POST", "/admin/functions/tap-watch", token: nil, body: "{}")
        #expect(reply.status == 202, "\(reply.text)")
        return reply.text
    }

    /// `POST` to one of the dev tenant's `/dev/…` routes; the status.
    static func dev(_ stack: TapStack, _ path: String, _ body: String) async throws -> Int {
        var request = HTTPClientRequest(url: stack.tenant.baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 16)
        return Int(response.status.code)
    }

    static func ledger(_ stack: TapStack, _ user: String) async throws -> [TableEntity] {
        try await stack.tableClient.query(TapLedger.table, filter: "PartitionKey eq '\(user)'", top: 100).entities
    }

    static func actions(_ stack: TapStack, _ portal: Portal, _ user: String) async throws -> [String] {
        try await stack.auditRows(portal).filter { $0["TargetId"]?.stringValue == user }.compactMap { $0["Action"]?.stringValue }.sorted()
    }

    static func issueSelf(_ stack: TapStack, _ user: String) async throws {
        let reply = try await stack.call(stack.selfService, "PUT", "/api/generate-tap", token: try stack.token("selfservice", user))
        #expect(reply.status == 200, "\(reply.text)")
    }

    static func issueHelpdesk(_ stack: TapStack, _ user: String) async throws {
        let token = try stack.token("helpdesk", TestDirectory.agent, ["upn": .string("hannah.agent@contoso.example")])
        let reply = try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(user)", token: token)
        #expect(reply.status == 200, "\(reply.text)")
    }

    static func methodCalls(_ stack: TapStack, _ user: String) -> Int {
        stack.tenant.requests.all.filter { $0.path.hasPrefix("/v1.0/users/\(user)/authentication/methods") }.count
    }

    /// The ledger row is written with the SUCCESS row; a one-time pass used to sign in becomes
    /// `USED` (ledger, audit row, log line, history); later runs make no call for it.
    @Test func aPassUsedForSignInBecomesUsedAndIsNotReadAgain() async throws {
        try await withTapStack(seed: TestDirectory.seed, apps: .selfService) { stack in
            let user = TestDirectory.user(11)
            try await Self.issueSelf(stack, user)
            let issued = try #require(try await Self.ledger(stack, user).first)
            #expect(issued["State"]?.stringValue == "ISSUED" && issued["InForce"]?.boolValue == true)
            #expect(issued.rowKey == stack.tenant.graph.temporaryAccessPass(forUser: user)?.id)
            #expect(issued["Portal"]?.stringValue == "selfservice" && issued["ExpiresDateTime"] != nil)

            let unchanged = try await Self.watch(stack, "selfservice")
            #expect(unchanged.contains("examined 1 passes in force with 1 Graph calls"), "\(unchanged)")

            #expect(try await Self.dev(stack, "/dev/sign-in", #"{"userId":"\#(user)"}"#) == 204)
            let logs = try await Self.watch(stack, "selfservice")
            #expect(logs.contains("1 used"), "\(logs)")
            let used = try #require(try await Self.ledger(stack, user).first)
            #expect(used["State"]?.stringValue == "USED" && used["InForce"]?.boolValue == false)
            #expect(try await Self.actions(stack, .selfService, user) == ["SUCCESS", "USED"])
            #expect(stack.handlerOutput.contains("\"audit.action\":\"USED\""))

            // No longer in force: the next runs make no Graph call for it and record nothing more.
            stack.tenant.requests.clear()
            for _ in 0..<2 {
                let again = try await Self.watch(stack, "selfservice")
                #expect(again.contains("examined 0 passes"), "\(again)")
            }
            #expect(Self.methodCalls(stack, user) == 0)
            #expect(try await Self.actions(stack, .selfService, user) == ["SUCCESS", "USED"])

            let history = try await stack.call(stack.selfService, "GET", "/api/my-history", token: try stack.token("selfservice", user))
            #expect(history.status == 200)
            let passes = history.json?["passes"] as? [[String: Any]] ?? []
            #expect(passes.count == 1 && passes.first?["state"] as? String == "USED" && passes.first?["portal"] as? String == "selfservice")
            #expect(passes.first?["temporaryAccessPass"] == nil)
        }
    }

    /// A passkey registered after issuance gets the still-usable pass deleted (`AUTO_REVOKED`);
    /// one registered before issuance does not.
    @Test func aPasskeyRegisteredAfterIssuanceRevokesThePassOneRegisteredBeforeDoesNot() async throws {
        try await withTapStack(seed: TestDirectory.seed, apps: .helpdesk) { stack in
            let after = TestDirectory.user(12), before = TestDirectory.user(13)
            #expect(try await Self.dev(stack, "/dev/methods", #"{"userId":"\#(before)","type":"fido2AuthenticationMethod","displayName":"Old key"}"#) == 201)
            _ = try await Self.dev(stack, "/dev/clock", #"{"advanceSeconds": 60}"#)
            try await Self.issueHelpdesk(stack, after)
            try await Self.issueHelpdesk(stack, before)
            _ = try await Self.dev(stack, "/dev/clock", #"{"advanceSeconds": 60}"#)
            #expect(try await Self.dev(stack, "/dev/methods", #"{"userId":"\#(after)","type":"windowsHelloForBusinessAuthenticationMethod","displayName":"Laptop"}"#) == 201)

            let logs = try await Self.watch(stack, "helpdesk")
            #expect(logs.contains("1 auto-revoked") && logs.contains("1 unchanged"), "\(logs)")
            #expect(stack.tenant.graph.temporaryAccessPass(forUser: after) == nil)
            #expect(stack.tenant.graph.temporaryAccessPass(forUser: before) != nil)
            #expect(try await Self.ledger(stack, after).first?["State"]?.stringValue == "AUTO_REVOKED")
            #expect(try await Self.ledger(stack, before).first?["State"]?.stringValue == "ISSUED")
            #expect(try await Self.actions(stack, .helpdesk, after) == ["AUTO_REVOKED", "SUCCESS"])
            #expect(try await Self.actions(stack, .helpdesk, before) == ["SUCCESS"])
            let row = try #require(try await stack.auditRows(.helpdesk).first { $0["Action"]?.stringValue == "AUTO_REVOKED" })
            #expect(row["DenialReason"]?.stringValue?.contains("windowsHelloForBusinessAuthenticationMethod 'Laptop'") == true)

            let viewer = try stack.token("helpdesk", TestDirectory.viewer)
            let history = try await stack.call(stack.helpdesk, "GET", "/api/users/\(after)/history", token: viewer)
            #expect(history.status == 200)
            let pass = try #require((history.json?["passes"] as? [[String: Any]])?.first)
            #expect(pass["state"] as? String == "AUTO_REVOKED" && pass["issuedBy"] as? String == "hannah.agent@contoso.example")
            let bad = try await stack.call(stack.helpdesk, "GET", "/api/users/not-a-guid/history", token: viewer)
            #expect(bad.status == 400 && bad.code == "invalid_user_id")
            let nobody = try await stack.call(stack.helpdesk, "GET", "/api/users/\(after)/history", token: try stack.token("helpdesk", TestDirectory.user(1)))
            #expect(nobody.status == 403)
        }
    }

    @Test func withAutoRevokeOffAPasskeyDoesNotDeleteThePass() async throws {
        try await withTapStack(seed: TestDirectory.seed, apps: .helpdesk, helpdeskSettings: ["AUTO_REVOKE_AFTER_REGISTRATION": "false"]) { stack in
            let user = TestDirectory.user(14)
            try await Self.issueHelpdesk(stack, user)
            _ = try await Self.dev(stack, "/dev/clock", #"{"advanceSeconds": 60}"#)
            #expect(try await Self.dev(stack, "/dev/methods", #"{"userId":"\#(user)","type":"fido2AuthenticationMethod"}"#) == 201)
            let logs = try await Self.watch(stack, "helpdesk")
            #expect(logs.contains("0 auto-revoked") && logs.contains("1 unchanged"), "\(logs)")
            #expect(stack.tenant.graph.temporaryAccessPass(forUser: user) != nil)
        }
    }

    /// A pass deleted in the admin center (not by our revoke) becomes `REMOVED`; one we revoked
    /// is `REVOKED` in the ledger and never `REMOVED`; one that ran out becomes `EXPIRED`.
    @Test func aPassDeletedElsewhereIsRemovedOursIsRevokedAndAnOldOneExpired() async throws {
        try await withTapStack(seed: TestDirectory.seed, apps: .helpdesk) { stack in
            let deleted = TestDirectory.user(15), revoked = TestDirectory.user(16), expiring = TestDirectory.user(17)
            for user in [deleted, revoked] { try await Self.issueHelpdesk(stack, user) }
            let pass = try #require(stack.tenant.graph.temporaryAccessPass(forUser: deleted))
            try await stack.graphClient.deleteTemporaryAccessPass(user: GUID(deleted)!, methodId: pass.id)
            let token = try stack.token("helpdesk", TestDirectory.agent, ["upn": .string("hannah.agent@contoso.example")])
            #expect(try await stack.call(stack.helpdesk, "DELETE", "/api/users/\(revoked)/tap", token: token).status == 204)

            let logs = try await Self.watch(stack, "helpdesk")
            #expect(logs.contains("examined 1 passes") && logs.contains("1 removed"), "\(logs)")
            #expect(try await Self.ledger(stack, deleted).first?["State"]?.stringValue == "REMOVED")
            #expect(try await Self.ledger(stack, revoked).first?["State"]?.stringValue == "REVOKED")
            #expect(try await Self.actions(stack, .helpdesk, deleted) == ["REMOVED", "SUCCESS"])
            #expect(try await Self.actions(stack, .helpdesk, revoked) == ["REVOKED", "SUCCESS"])

            try await Self.issueHelpdesk(stack, expiring)
            _ = try await Self.dev(stack, "/dev/clock", #"{"advanceSeconds": 10800}"#)
            let later = try await Self.watch(stack, "helpdesk")
            #expect(later.contains("1 expired"), "\(later)")
            #expect(try await Self.actions(stack, .helpdesk, expiring) == ["EXPIRED", "SUCCESS"])
        }
    }

    /// An admin-center pass is reported `OUT_OF_BAND` exactly once across repeated and concurrent
    /// runs on two instances, naming the initiator, target and time; a pass this product issued is
    /// never reported.
    @Test func anAdminCenterPassIsReportedOnceAndOursNever() async throws {
        try await withTapStack(seed: TestDirectory.seed, apps: .helpdesk, helpdeskSettings: ["OUT_OF_BAND_DETECTION": "true"], helpdeskInstances: 2,
                               extraGraphPermissions: ["AuditLog.Read.All", "Directory.Read.All"]) { stack in
            let ours = TestDirectory.user(18), theirs = TestDirectory.user(19)
            try await Self.issueHelpdesk(stack, ours)
            #expect(try await Self.dev(stack, "/dev/admin-center/tap", #"{"userId":"\#(theirs)","lifetimeInMinutes":120}"#) == 201)

            async let first = Self.watch(stack, "helpdesk")
            async let second = Self.watch(stack, "helpdesk")
            let (a, b) = try await (first, second)
            for _ in 0..<3 { _ = try await Self.watch(stack, "helpdesk") }
            #expect((a + b).contains("1 reported OUT_OF_BAND"), "\(a)\n\(b)")
            // The product's own create is in the directory audit too, and was recognised as ours.
            #expect((a + b).contains("1 made here"), "\(a)\n\(b)")

            let rows = try await stack.auditRows(.helpdesk).filter { $0["Action"]?.stringValue == "OUT_OF_BAND" }
            #expect(rows.count == 1)
            let row = try #require(rows.first)
            #expect(row["TargetId"]?.stringValue == theirs && row["TargetUPN"]?.stringValue == "user19@contoso.example")
            #expect(row["AgentUPN"]?.stringValue == "admin.center@contoso.example")
            #expect(row["DenialReason"]?.stringValue?.contains("created outside EphemGate by admin.center@contoso.example at 20") == true)
            #expect(try await Self.actions(stack, .helpdesk, ours) == ["SUCCESS"])
            #expect(stack.handlerOutput.components(separatedBy: "\"audit.action\":\"OUT_OF_BAND\"").count - 1 == 1)
            let history = try await stack.call(stack.helpdesk, "GET", "/api/users/\(theirs)/history", token: try stack.token("helpdesk", TestDirectory.viewer))
            let pass = try #require((history.json?["passes"] as? [[String: Any]])?.first)
            #expect(pass["state"] as? String == "OUT_OF_BAND" && pass["portal"] as? String == "external")
        }
    }

    /// Without `Directory.Read.All` (docs/graph-calls.md #22) Graph refuses the read: the run says
    /// so in its `Logs` and the log, and the watch itself still runs.
    @Test func outOfBandDetectionWithoutDirectoryReadAllSaysItFailed() async throws {
        try await withTapStack(seed: TestDirectory.seed, apps: .helpdesk, helpdeskSettings: ["OUT_OF_BAND_DETECTION": "true"],
                               extraGraphPermissions: ["AuditLog.Read.All"]) { stack in
            #expect(try await Self.dev(stack, "/dev/admin-center/tap", #"{"userId":"\#(TestDirectory.user(20))"}"#) == 201)
            let logs = try await Self.watch(stack, "helpdesk")
            #expect(logs.contains("out-of-band detection failed") && logs.contains("examined 0 passes"), "\(logs)")
            #expect(try await stack.auditRows(.helpdesk).filter { $0["Action"]?.stringValue == "OUT_OF_BAND" }.isEmpty)
        }
    }

    /// Each app watches its own passes; when Graph throttles past the client's budget the run
    /// starts no further call, defers the rest, and the next run finishes the work.
    @Test func eachAppWatchesItsOwnPassesAndThrottlingDefersTheRest() async throws {
        try await withTapStack(seed: TestDirectory.seed) { stack in
            let users = (21...24).map(TestDirectory.user)
            for user in users { try await Self.issueHelpdesk(stack, user) }
            try await Self.issueSelf(stack, TestDirectory.user(25))
            for user in users + [TestDirectory.user(25)] { _ = try await Self.dev(stack, "/dev/sign-in", #"{"userId":"\#(user)"}"#) }

            // Retry-After longer than the client's 10 s budget: the call fails at once.
            stack.tenant.faults.add(Fault(target: .graph, pathPrefix: "/v1.0/users/", status: 429, retryAfterSeconds: 60))
            stack.tenant.requests.clear()
            let throttled = try await Self.watch(stack, "helpdesk")
            #expect(throttled.contains("examined 4 passes") && throttled.contains("0 used") && throttled.contains("4 deferred"), "\(throttled)")
            #expect(throttled.contains("more remain for the next run"), "\(throttled)")
            // At most one window of calls was started (8 at a time), never a retry storm.
            #expect(stack.tenant.requests.all.filter { $0.target == .graph }.count <= 4)
            for user in users { #expect(try await Self.ledger(stack, user).first?["State"]?.stringValue == "ISSUED") }

            stack.tenant.faults.clear()
            let next = try await Self.watch(stack, "helpdesk")
            #expect(next.contains("examined 4 passes") && next.contains("4 used"), "\(next)")
            // The self-service pass is the self-service app's: untouched by the helpdesk watch.
            #expect(try await Self.ledger(stack, TestDirectory.user(25)).first?["State"]?.stringValue == "ISSUED")
            let own = try await Self.watch(stack, "selfservice")
            #expect(own.contains("examined 1 passes") && own.contains("1 used"), "\(own)")
        }
    }
}
