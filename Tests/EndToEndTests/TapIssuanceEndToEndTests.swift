import DevTenant
import EphemCore
import Foundation
import TestSupport
import Testing

/// Both portals' TAP flows through the real binaries, the host emulator and the dev tenant's Graph.
@Suite struct TapIssuanceEndToEndTests {
    @Test func selfServiceUserSeesMethodsIssuesReadsAndRevokesTheirOwnPass() async throws {
        try await withTapStack(seed: TestDirectory.seed, apps: .selfService) { stack in
            let me = TestDirectory.user(1)
            let token = try stack.token("selfservice", me)
            let app = stack.selfService

            let methods = try await stack.call(app, "GET", "/api/my-auth-methods", token: token)
            #expect(methods.status == 200)
            let types = (methods.json?["methods"] as? [[String: Any]] ?? []).compactMap { $0["type"] as? String }
            #expect(types.contains("fido2AuthenticationMethod") && types.contains("passwordAuthenticationMethod"))

            #expect(try await stack.call(app, "GET", "/api/my-tap", token: token).text == #"{"tap":null}"#)

            // A body naming someone else changes nothing: the target is the token's oid.
            let issued = try await stack.call(app, "PUT", "/api/generate-tap", token: token, body: #"{"userId":"\#(TestDirectory.user(9))"}"#)
            #expect(issued.status == 200)
            #expect(issued.header("Cache-Control") == "no-store")
            let secret = try #require(issued.json?["temporaryAccessPass"] as? String)
            #expect(secret == stack.tenant.graph.temporaryAccessPass(forUser: me)?.temporaryAccessPass)
            #expect(stack.tenant.graph.temporaryAccessPass(forUser: TestDirectory.user(9)) == nil)
            #expect(issued.json?["lifetimeInMinutes"] as? Int == 60)
            #expect(issued.json?["isUsableOnce"] as? Bool == true)
            #expect(issued.json?["displayTimeoutSeconds"] as? Int == 300)
            for key in ["createdDateTime", "startDateTime", "expiresDateTime"] { #expect(issued.json?[key] is String, "\(key)") }
            #expect(issued.json?["targetUser"] == nil)

            let status = try await stack.call(app, "GET", "/api/my-tap", token: token)
            let tap = try #require(status.json?["tap"] as? [String: Any])
            #expect(tap["isUsable"] as? Bool == true && tap["methodUsabilityReason"] as? String == "EnabledByPolicy")
            #expect(!status.text.contains(secret))
            #expect(tap["temporaryAccessPass"] == nil)

            let again = try await stack.call(app, "PUT", "/api/generate-tap", token: token)
            #expect(again.status == 429 && again.code == "tap_active")
            #expect(stack.tenant.graph.temporaryAccessPassesCreated(forUser: me) == 1)

            #expect(try await stack.call(app, "DELETE", "/api/my-tap", token: token).status == 204)
            #expect(stack.tenant.graph.temporaryAccessPass(forUser: me) == nil)
            let none = try await stack.call(app, "DELETE", "/api/my-tap", token: token)
            #expect(none.status == 404 && none.code == "no_active_tap")

            // One row per issuing or revoking request: SUCCESS, DENIED (tap_active), REVOKED, DENIED (no_active_tap).
            let rows = try await stack.auditRows(.selfService)
            #expect(rows.map { $0["Action"]?.stringValue ?? "" }.sorted() == ["DENIED", "DENIED", "REVOKED", "SUCCESS"])
            #expect(rows.allSatisfy { $0["TargetId"]?.stringValue == me && $0["AgentId"]?.stringValue == me })
            #expect(rows.allSatisfy { $0["TargetUPN"]?.stringValue == "user1@contoso.example" })
            #expect(!stack.handlerOutput.contains(secret))
            #expect(!stack.handlerOutput.contains(token))
        }
    }

    @Test func agentSearchesIssuesWithReasonAndTheTargetIsNotifiedInTheirLanguage() async throws {
        try await withTapStack(seed: TestDirectory.seed, apps: .helpdesk, helpdeskSettings: ["NOTIFICATION_SENDER": TestDirectory.sender]) { stack in
            let token = try stack.token("helpdesk", TestDirectory.agent, ["upn": .string("hannah.agent@contoso.example")])
            let app = stack.helpdesk
            let target = TestDirectory.user(2)

            let search = try await stack.call(app, "GET", "/api/search-user?q=user2", token: token)
            #expect(search.status == 200)
            let users = search.json?["users"] as? [[String: Any]] ?? []
            #expect(users.count <= 20 && !users.isEmpty)
            let found = try #require(users.first { $0["id"] as? String == target })
            #expect(found["upn"] as? String == "user2@contoso.example" && found["accountEnabled"] as? Bool == true)
            for key in ["displayName", "givenName", "surname", "mail", "jobTitle", "department"] { #expect(found[key] is String, "\(key)") }
            // Quotes and OData syntax in the query are only characters.
            let hostile = try await stack.call(app, "GET", "/api/search-user?q=\(URLQuery.encode("x') or startswith(displayName,'"))", token: token)
            #expect(hostile.status == 200 && (hostile.json?["users"] as? [Any])?.isEmpty == true)

            let issued = try await stack.call(app, "PUT", "/api/generate-tap/\(target)", token: token,
                                              body: #"{"reason":"Lost phone","ticketId":"INC-42"}"#,
                                              headers: [("User-Agent", "e2e-test"), ("X-Forwarded-For", "203.0.113.9:50123")])
            #expect(issued.status == 200)
            #expect(issued.header("Cache-Control") == "no-store")
            let secret = try #require(issued.json?["temporaryAccessPass"] as? String)
            #expect(issued.json?["lifetimeInMinutes"] as? Int == 120)
            #expect(issued.json?["displayTimeoutSeconds"] as? Int == 120)
            #expect(issued.json?["notificationSent"] as? Bool == true)
            let targetUser = try #require(issued.json?["targetUser"] as? [String: Any])
            #expect(targetUser["id"] as? String == target && targetUser["upn"] as? String == "user2@contoso.example")

            let mail = try #require(stack.tenant.graph.sentMail.last)
            #expect(mail.to == ["user2.mail@contoso.example"])
            #expect(mail.subject.contains("Zugriffspass"))
            #expect(mail.content.contains("hannah.agent@contoso.example"))
            #expect(!mail.content.contains(secret) && !mail.subject.contains(secret))

            let status = try await stack.call(app, "GET", "/api/users/\(target)/tap", token: token)
            #expect((status.json?["tap"] as? [String: Any])?["isUsable"] as? Bool == true)
            #expect(try await stack.call(app, "DELETE", "/api/users/\(target)/tap", token: token).status == 204)
            #expect(try await stack.call(app, "GET", "/api/users/\(target)/tap", token: token).text == #"{"tap":null}"#)

            let rows = try await stack.auditRows(.helpdesk)
            #expect(rows.count == 2)
            let success = try #require(rows.first { $0["Action"]?.stringValue == "SUCCESS" })
            #expect(success["Reason"]?.stringValue == "Lost phone" && success["TicketId"]?.stringValue == "INC-42")
            // The platform appends the address it saw; a client's own X-Forwarded-For entry is not trusted.
            #expect(success["ClientIp"]?.stringValue == "127.0.0.1" && success["UserAgent"]?.stringValue?.hasPrefix("e2e-test") == true)
            #expect(success["AgentUPN"]?.stringValue == "hannah.agent@contoso.example" && success["TargetUPN"]?.stringValue == "user2@contoso.example")
            #expect(success["TapLifetimeMinutes"]?.int64Value == 120)
            #expect(rows.contains { $0["Action"]?.stringValue == "REVOKED" })
            #expect(!stack.handlerOutput.contains(secret))
            #expect(!stack.handlerOutput.contains(token))
        }
    }

    /// SPEC 7.5: English when the target has no German preference, and no mail without a sender.
    @Test func notificationFallsBackToEnglishAndIsSkippedWithoutASender() async throws {
        try await withTapStack(seed: TestDirectory.seed, apps: .helpdesk, helpdeskSettings: ["NOTIFICATION_SENDER": TestDirectory.sender]) { stack in
            let token = try stack.token("helpdesk", TestDirectory.agent)
            let issued = try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(TestDirectory.user(5))", token: token)
            #expect(issued.json?["notificationSent"] as? Bool == true)
            let mail = try #require(stack.tenant.graph.sentMail.last)
            #expect(mail.subject == "A Temporary Access Pass was issued for your account")
            #expect(mail.content.contains("(UTC)") && mail.content.contains("contact your IT helpdesk"))
        }
        try await withTapStack(seed: TestDirectory.seed, apps: .selfService) { stack in
            let issued = try await stack.call(stack.selfService, "PUT", "/api/generate-tap", token: try stack.token("selfservice", TestDirectory.user(5)))
            #expect(issued.status == 200)
            #expect(stack.tenant.graph.sentMail.isEmpty)
        }
    }
}
