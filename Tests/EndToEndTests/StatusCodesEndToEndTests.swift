import DevTenant
import EphemCore
import Foundation
import TestSupport
import Testing

/// Every row of SPEC 6.4, each produced by a real request through the host emulator.
@Suite struct StatusCodesEndToEndTests {
    @Test func everyStatusAndCodeOfTheContract() async throws {
        try await withTapStack(seed: TestDirectory.seed, helpdeskSettings: ["RATE_LIMIT_PER_AGENT_PER_HOUR": "2"],
                               selfServiceSettings: ["SELF_SERVICE_LIMIT_PER_DAY": "1"]) { stack in
            let agent = try stack.token("helpdesk", TestDirectory.agent)
            let viewer = try stack.token("helpdesk", TestDirectory.viewer)
            let helpdesk = stack.helpdesk
            var seen: [String: Int] = [:]
            func expect(_ reply: TapStack.Reply, _ status: Int, _ code: String, sourceLocation: SourceLocation = #_sourceLocation) {
                #expect(reply.status == status, "\(code): \(reply.text)", sourceLocation: sourceLocation)
                #expect(reply.code == code, "\(code): \(reply.text)", sourceLocation: sourceLocation)
                #expect(reply.json?["error"] is String, sourceLocation: sourceLocation)
                seen[code] = reply.status
            }

            expect(try await stack.call(helpdesk, "PUT", "/api/generate-tap/\(TestDirectory.user(1))", token: agent, body: #"{"reason":7}"#), 400, "invalid_request")
            expect(try await stack.call(helpdesk, "PUT", "/api/generate-tap/\(TestDirectory.user(1))", token: agent, body: #"{"userId":"x"}"#), 400, "invalid_request")
            expect(try await stack.call(helpdesk, "PUT", "/api/generate-tap/\(TestDirectory.user(1))", token: agent, body: "{\"ticketId\":\"\(String(repeating: "1", count: 65))\"}"), 400, "invalid_request")
            expect(try await stack.call(helpdesk, "PUT", "/api/generate-tap/user1@contoso.example", token: agent), 400, "invalid_user_id")
            expect(try await stack.call(helpdesk, "GET", "/api/search-user?q=u", token: agent), 400, "invalid_query")
            expect(try await stack.call(helpdesk, "GET", "/api/search-user?q=\(String(repeating: "u", count: 101))", token: agent), 400, "invalid_query")
            // Control characters, C0 and C1 (U+0085), in the search text or a stored field.
            expect(try await stack.call(helpdesk, "GET", "/api/search-user?q=us%01er", token: agent), 400, "invalid_query")
            expect(try await stack.call(helpdesk, "GET", "/api/search-user?q=us%C2%85er", token: agent), 400, "invalid_query")
            expect(try await stack.call(helpdesk, "PUT", "/api/generate-tap/\(TestDirectory.user(1))", token: agent, body: #"{"ticketId":"INC\u0085"}"#), 400, "invalid_request")
            expect(try await stack.call(helpdesk, "PUT", "/api/generate-tap/\(TestDirectory.disabled)", token: agent), 400, "target_not_eligible")
            expect(try await stack.call(helpdesk, "PUT", "/api/generate-tap/\(TestDirectory.externalGuest)", token: agent), 400, "target_not_eligible")
            expect(try await stack.call(helpdesk, "PUT", "/api/generate-tap/\(TestDirectory.outsidePolicy)", token: agent), 400, "target_not_eligible")

            let unauthenticated = try await stack.call(helpdesk, "PUT", "/api/generate-tap/\(TestDirectory.user(1))", token: nil)
            expect(unauthenticated, 401, "invalid_token")
            #expect(unauthenticated.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
            let appOnly = try stack.token("selfservice", TestDirectory.user(1), ["idtyp": .string("app"), "scp": .null])
            expect(try await stack.call(stack.selfService, "PUT", "/api/generate-tap", token: appOnly), 401, "invalid_token")

            expect(try await stack.call(helpdesk, "PUT", "/api/generate-tap/\(TestDirectory.user(1))", token: viewer), 403, "missing_role")
            expect(try await stack.call(helpdesk, "GET", "/api/search-user?q=user", token: viewer), 403, "missing_role")
            expect(try await stack.call(helpdesk, "PUT", "/api/generate-tap/\(TestDirectory.agent)", token: agent), 403, "self_target")
            expect(try await stack.call(helpdesk, "PUT", "/api/generate-tap/\(TestDirectory.Protected.directRole.rawValue)", token: agent), 403, "target_privileged")
            expect(try await stack.call(helpdesk, "PUT", "/api/generate-tap/12345678-1234-4234-8234-123456789012", token: agent), 404, "user_not_found")
            expect(try await stack.call(helpdesk, "DELETE", "/api/users/\(TestDirectory.user(1))/tap", token: agent), 404, "no_active_tap")
            let huge = "{\"reason\":\"\(String(repeating: "a", count: 17 * 1024))\"}"
            expect(try await stack.call(helpdesk, "PUT", "/api/generate-tap/\(TestDirectory.user(1))", token: agent, body: huge), 413, "payload_too_large")

            #expect(try await stack.call(helpdesk, "PUT", "/api/generate-tap/\(TestDirectory.user(1))", token: agent).status == 200)
            expect(try await stack.call(helpdesk, "PUT", "/api/generate-tap/\(TestDirectory.user(1))", token: agent), 429, "tap_active")
            #expect(try await stack.call(helpdesk, "PUT", "/api/generate-tap/\(TestDirectory.user(2))", token: agent).status == 200)
            let limited = try await stack.call(helpdesk, "PUT", "/api/generate-tap/\(TestDirectory.user(3))", token: agent)
            expect(limited, 429, "rate_limited")
            let retryAfter = Int(limited.header("Retry-After") ?? "") ?? 0
            #expect(retryAfter > 3000 && retryAfter <= 3600)

            let me = try stack.token("selfservice", TestDirectory.user(10))
            #expect(try await stack.call(stack.selfService, "PUT", "/api/generate-tap", token: me).status == 200)
            #expect(try await stack.call(stack.selfService, "DELETE", "/api/my-tap", token: me).status == 204)
            let daily = try await stack.call(stack.selfService, "PUT", "/api/generate-tap", token: me)
            expect(daily, 429, "rate_limited")
            #expect((Int(daily.header("Retry-After") ?? "") ?? 0) > 80_000)

            stack.tenant.faults.add(Fault(target: .graph, pathPrefix: "/v1.0/users/\(TestDirectory.user(4))", status: 503))
            let unavailable = try await stack.call(helpdesk, "DELETE", "/api/users/\(TestDirectory.user(4))/tap", token: agent)
            expect(unavailable, 503, "upstream_unavailable")
            #expect(!unavailable.text.contains("503") && !unavailable.text.lowercased().contains("graph"))
            stack.tenant.faults.clear()

            #expect(Set(seen.keys) == ["invalid_request", "invalid_user_id", "invalid_query", "target_not_eligible", "invalid_token", "missing_role",
                                       "self_target", "target_privileged", "user_not_found", "no_active_tap", "payload_too_large", "rate_limited",
                                       "tap_active", "upstream_unavailable"])
        }
    }

    /// SPEC 6.4's claims challenge on an issuing route when an authentication context is required.
    @Test func authContextIsRequiredWhenConfigured() async throws {
        try await withTapStack(seed: TestDirectory.seed, apps: .selfService, selfServiceSettings: ["ENTRA_REQUIRED_AUTH_CONTEXT": "c1"]) { stack in
            let plain = try await stack.call(stack.selfService, "PUT", "/api/generate-tap", token: try stack.token("selfservice", TestDirectory.user(1)))
            #expect(plain.status == 401 && plain.code == "auth_context_required")
            #expect(plain.header("WWW-Authenticate")?.contains(#"error="insufficient_claims""#) == true)
            let stepped = try stack.token("selfservice", TestDirectory.user(1), ["acrs": .array([.string("c1")])])
            #expect(try await stack.call(stack.selfService, "PUT", "/api/generate-tap", token: stepped).status == 200)
        }
    }

    /// Every issuing or revoking request by an authenticated caller leaves exactly one row, and no
    /// row is left `PENDING`.
    @Test func oneAuditRowPerIssuingOrRevokingRequest() async throws {
        try await withTapStack(seed: TestDirectory.seed, apps: .helpdesk) { stack in
            let agent = try stack.token("helpdesk", TestDirectory.agent)
            let viewer = try stack.token("helpdesk", TestDirectory.viewer)
            let requests: [(String, String, String, String?)] = [
                ("PUT", "/api/generate-tap/\(TestDirectory.user(1))", agent, nil),
                ("PUT", "/api/generate-tap/\(TestDirectory.user(1))", agent, nil),
                ("DELETE", "/api/users/\(TestDirectory.user(1))/tap", agent, nil),
                ("DELETE", "/api/users/\(TestDirectory.user(1))/tap", agent, nil),
                ("PUT", "/api/generate-tap/\(TestDirectory.user(2))", viewer, nil),
                ("DELETE", "/api/users/\(TestDirectory.user(2))/tap", viewer, nil),
                ("PUT", "/api/generate-tap/not-an-id", agent, nil),
                ("PUT", "/api/generate-tap/\(TestDirectory.user(2))", agent, "[1]"),
                ("PUT", "/api/generate-tap/\(TestDirectory.agent)", agent, nil),
                ("PUT", "/api/generate-tap/\(TestDirectory.disabled)", agent, nil),
                ("PUT", "/api/generate-tap/\(TestDirectory.Protected.eligibleRole.rawValue)", agent, nil),
                ("PUT", "/api/generate-tap/12345678-1234-4234-8234-123456789012", agent, nil),
            ]
            for (method, path, token, body) in requests {
                _ = try await stack.call(stack.helpdesk, method, path, token: token, body: body)
            }
            // Requests without a valid token and reads leave none.
            _ = try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(TestDirectory.user(3))", token: nil)
            _ = try await stack.call(stack.helpdesk, "GET", "/api/users/\(TestDirectory.user(3))/tap", token: agent)
            let rows = try await stack.auditRows(.helpdesk)
            #expect(rows.count == requests.count)
            #expect(!rows.contains { $0["Action"]?.stringValue == "PENDING" })
            #expect(Set(rows.compactMap { $0["CorrelationId"]?.stringValue }).count == requests.count)
        }
    }
}
