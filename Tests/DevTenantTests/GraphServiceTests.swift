import DevTenant
import EphemCore
import Foundation
import Testing

/// Authentication, unsupported calls, faults, the request log and mail (SPEC 8; graph-contracts.md 6, 7).
@Suite struct GraphServiceTests {
    @Test func everyCallNeedsAGraphTokenFromTheTenant() async throws {
        try await withGraph { client in
            let path = "/v1.0/users/\(Demo.lena)"
            let none = try await client.send(.GET, path, authorization: "")
            #expect(none.status == 401 && none.errorCode == "InvalidAuthenticationToken")
            #expect(none.header("WWW-Authenticate")?.hasPrefix("Bearer realm=\"\"") == true)
            #expect(none.header("request-id") != nil)
            #expect(try await client.send(.GET, path, authorization: "Bearer not.a.token").status == 401)
            #expect(try await client.send(.GET, path, authorization: "Basic \(client.token)").status == 401)

            let storage = try await TableTestClient.managedIdentityToken(tenant: client.tenant, resource: "https://storage.azure.com/")
            let wrongAudience = try await client.send(.GET, path, authorization: "Bearer \(storage)")
            #expect(wrongAudience.status == 401 && wrongAudience.errorMessage?.contains("Invalid audience") == true)

            let now = Date().timeIntervalSince1970
            var claims: [String: JSONValue] = [
                "aud": .string("https://graph.microsoft.com"), "iss": .string("https://sts.windows.net/\(client.tenant.seed.tenantId)/"),
                "tid": .string(client.tenant.seed.tenantId), "nbf": .number(now - 7200), "exp": .number(now - 3600), "idtyp": .string("app"),
                "roles": .array([.string("User.Read.All")]),
            ]
            #expect(try await client.send(.GET, path, authorization: "Bearer \(try client.tenant.signer.sign(claims: claims))").status == 401)
            claims["exp"] = .number(now + 3600)
            #expect(try await client.send(.GET, path, authorization: "Bearer \(try client.tenant.signer.sign(claims: claims))").status == 200)
            claims["iss"] = .string("https://sts.windows.net/00000000-0000-0000-0000-000000000000/")
            #expect(try await client.send(.GET, path, authorization: "Bearer \(try client.tenant.signer.sign(claims: claims))").status == 401)

            // The token must also grant the call's permission (docs/graph-calls.md #1): an app
            // token's `roles`, a delegated token's `scp`.
            claims["iss"] = .string("https://sts.windows.net/\(client.tenant.seed.tenantId)/")
            claims["roles"] = .array([.string("Mail.Send")])
            let unprivileged = try await client.send(.GET, path, authorization: "Bearer \(try client.tenant.signer.sign(claims: claims))")
            #expect(unprivileged.status == 403 && unprivileged.errorCode == "Authorization_RequestDenied")
            #expect(unprivileged.errorMessage == "Insufficient privileges to complete the operation.")
            let devToken = try client.tenant.devToken(["aud": .string("https://graph.microsoft.com"), "scp": .string("User.Read.All")])
            #expect(try await client.send(.GET, path, authorization: "Bearer \(devToken)").status == 200)
            let noScope = try client.tenant.devToken(["aud": .string("https://graph.microsoft.com")])
            #expect(try await client.send(.GET, path, authorization: "Bearer \(noScope)").status == 403)
            let appToken = try client.tenant.devToken([:])
            #expect(try await client.send(.GET, path, authorization: "Bearer \(appToken)").status == 401)
        }
    }

    @Test func callsTheSimulationLacksAreVisible400s() async throws {
        try await withGraph { client in
            for (method, path) in [("GET", "/v1.0/me"), ("GET", "/v1.0/users/\(Demo.lena)/directReports"), ("PATCH", "/v1.0/users/\(Demo.lena)"),
                                   ("GET", "/beta/applications"), ("DELETE", "/v1.0/users/\(Demo.lena)/authentication/methods"), ("GET", "/v1.0")] {
                let answer = try await client.send(.init(rawValue: method), path)
                #expect(answer.status == 400 && answer.errorCode == "Request_BadRequest", "\(method) \(path)")
                #expect(answer.errorMessage?.hasPrefix("Unsupported in the dev tenant") == true, "\(method) \(path)")
            }
            #expect(try await client.get("/beta/users/\(Demo.lena)?$select=id").status == 200)
        }
    }

    @Test func injectedFaultsAnswerInGraphsShapeAndAreLogged() async throws {
        try await withGraph { client in
            let faults = "\(client.tenant.baseURL)/dev/faults"
            let added = try await plainCall(.POST, faults, body: #"{"target": "graph", "pathPrefix": "/v1.0/users", "status": 429, "retryAfterSeconds": 7, "count": 1}"#)
            #expect(added.status == 204)
            let throttled = try await client.send(.GET, "/v1.0/users/\(Demo.lena)", headers: [("client-request-id", "11112222-0000-4000-8000-000000000001")])
            #expect(throttled.status == 429 && throttled.errorCode == "TooManyRequests")
            #expect(throttled.header("Retry-After") == "7")
            #expect(throttled.header("client-request-id") == "11112222-0000-4000-8000-000000000001")
            let inner = try #require(throttled.json?.member("error")?.member("innerError"))
            #expect(inner.member("request-id")?.stringValue == throttled.header("request-id"))
            #expect(inner.member("client-request-id")?.stringValue == "11112222-0000-4000-8000-000000000001")
            #expect(try await client.get("/v1.0/users/\(Demo.lena)").status == 200)

            _ = try await plainCall(.POST, faults, body: #"{"target": "graph", "method": "POST", "status": 503, "count": 1}"#)
            let unavailable = try await client.send(.POST, "/v1.0/users/\(Demo.lena)/authentication/temporaryAccessPassMethods", body: "{}")
            #expect(unavailable.status == 503 && unavailable.errorCode == "serviceNotAvailable" && unavailable.header("Retry-After") == nil)
            #expect(client.graph.temporaryAccessPassesCreated(forUser: Demo.lena) == 0)

            _ = try await plainCall(.POST, faults, body: #"{"target": "graph", "delayMs": 300, "count": 1}"#)
            let started = ContinuousClock.now
            let delayed = try await client.get("/v1.0/users/\(Demo.sam)?$select=id")
            #expect(delayed.status == 200 && ContinuousClock.now - started >= .milliseconds(300))

            let log = try await plainCall(.GET, "\(client.tenant.baseURL)/dev/requests")
            let records = try #require(try StrictJSON.parse(Array(log.body.utf8)).arrayValue)
            let graph = records.filter { $0.member("target")?.stringValue == "graph" }
            #expect(graph.compactMap { $0.member("status")?.doubleValue } == [429, 200, 503, 200])
            #expect(graph.first?.member("path")?.stringValue == "/v1.0/users/\(Demo.lena)")
        }
    }

    @Test func mailIsAcceptedStoredAndCleared() async throws {
        try await withGraph { client in
            let body = #"""
            {"message": {"subject": "A Temporary Access Pass was issued", "body": {"contentType": "Text", "content": "Hello Lena"},
                         "toRecipients": [{"emailAddress": {"address": "lena.user@contoso.example"}}]}, "saveToSentItems": false}
            """#
            let sent = try await client.send(.POST, "/v1.0/users/\(GraphTestClient.encode(Seed.demoNotificationSender))/sendMail", body: body)
            #expect(sent.status == 202 && sent.body.isEmpty)
            let mail = try #require(client.graph.sentMail.first)
            #expect(mail.from == Seed.demoNotificationSender && mail.to == ["lena.user@contoso.example"])
            #expect(mail.subject == "A Temporary Access Pass was issued" && mail.contentType == "Text" && mail.content == "Hello Lena")

            let listed = try await plainCall(.GET, "\(client.tenant.baseURL)/dev/mail")
            let entries = try #require(try StrictJSON.parse(Array(listed.body.utf8)).arrayValue)
            #expect(entries.count == 1)
            #expect(entries[0].objectValue?.keys.sorted() == ["content", "contentType", "from", "sentAt", "subject", "to"])
            #expect(entries[0].member("to") == .array([.string("lena.user@contoso.example")]))

            let unknown = try await client.send(.POST, "/v1.0/users/nobody@contoso.example/sendMail", body: body)
            #expect(unknown.status == 404 && unknown.errorCode == "ErrorInvalidUser")
            let noRecipients = try await client.send(.POST, "/v1.0/users/\(Demo.agent)/sendMail", body: #"{"message": {"subject": "x", "body": {"contentType": "Text", "content": "y"}}}"#)
            #expect(noRecipients.status == 400 && noRecipients.errorCode == "ErrorInvalidRecipients")
            let badRecipient = try await client.send(.POST, "/v1.0/users/\(Demo.agent)/sendMail", body: #"{"message": {"body": {"contentType": "Text", "content": "y"}, "toRecipients": [{"emailAddress": {"address": "nobody"}}]}}"#)
            #expect(badRecipient.errorCode == "ErrorInvalidRecipients")
            let noBody = try await client.send(.POST, "/v1.0/users/\(Demo.agent)/sendMail", body: #"{"message": {"toRecipients": [{"emailAddress": {"address": "a@b.example"}}]}}"#)
            #expect(noBody.status == 400 && noBody.errorCode == "BadRequest")
            #expect(try await client.send(.POST, "/v1.0/users/\(Demo.agent)/sendMail").errorCode == "BadRequest")
            #expect(try await client.send(.POST, "/v1.0/users/\(Demo.sam)/sendMail", body: body).errorCode == "MailboxNotEnabledForRESTAPI")
            #expect(client.graph.sentMail.count == 1)

            #expect(try await plainCall(.DELETE, "\(client.tenant.baseURL)/dev/mail").status == 204)
            #expect(client.graph.sentMail.isEmpty)
            #expect(try await plainCall(.GET, "\(client.tenant.baseURL)/dev/mail").body == "[]")
        }
    }

    @Test func seedsWithDanglingIdsAreRefused() throws {
        try Seed.demo.validate()
        let user = #"{"id": "aaaaaaaa-0000-4000-8000-000000000001", "userPrincipalName": "a@contoso.example", "displayName": "A"}"#
        let cases: [(String, String)] = [
            (#""groups": [{"id": "bbbbbbbb-0000-4000-8000-000000000001", "displayName": "G", "members": ["aaaaaaaa-0000-4000-8000-000000000009"]}]"#, "member"),
            (#""groups": [{"id": "bbbbbbbb-0000-4000-8000-000000000001", "displayName": "G", "members": [], "owners": ["bbbbbbbb-0000-4000-8000-000000000001"]}]"#, "owner"),
            (#""roleAssignments": [{"principalId": "aaaaaaaa-0000-4000-8000-000000000009", "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10"}]"#, "principal"),
            (#""roleEligibilities": [{"principalId": "aaaaaaaa-0000-4000-8000-000000000001", "roleDefinitionId": "Global Admin"}]"#, "GUID"),
            (#""groupEligibilities": [{"principalId": "aaaaaaaa-0000-4000-8000-000000000001", "groupId": "bbbbbbbb-0000-4000-8000-000000000009", "accessId": "member"}]"#, "groupId"),
            (#""tapPolicy": {"excludeTargets": [{"targetType": "group", "id": "bbbbbbbb-0000-4000-8000-000000000009"}]}"#, "target"),
            (#""tapPolicy": {"minimumLifetimeInMinutes": 500}"#, "minimum"),
        ]
        for (fragment, word) in cases {
            let broken = try seed(#"{"tenantId": "11111111-1111-1111-1111-111111111111", "users": [\#(user)], \#(fragment)}"#)
            #expect(throws: SeedError.self, "\(word)") { try broken.validate() }
            #expect((try? broken.validate()) == nil)
            do { try broken.validate() } catch { #expect(error.problem.contains(word), "\(error.problem)") }
        }
        let twice = try seed(#"{"tenantId": "11111111-1111-1111-1111-111111111111", "users": [\#(user), \#(user)]}"#)
        #expect(throws: SeedError.self) { try twice.validate() }
    }
}
