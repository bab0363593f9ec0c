import AsyncHTTPClient
import DevTenant
import EphemCore
@testable import EphemHTTP
import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Logging
import TestSupport
import Testing

/// Issue 3's table of hostile and wrong tokens against the real authentication path in process
/// (`Authenticator` + `ErrorMiddleware`), with every log line captured.
@Suite struct TokenTableTests {
    static let signer = try! TenantSigner()
    static let tokens = HostileTokens(
        signer: signer, authorityHost: "https://login.example", tenantId: DevApps.tenantId,
        clientId: DevTenantOptions.helpdeskClientId, otherClientId: DevTenantOptions.selfServiceClientId,
        userId: "aaaaaaaa-0000-4000-8000-000000000001")

    static func withApp(authContext: String? = nil, logs: LogCapture, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var env = SettingsTests.valid
        env["ENTRA_CLIENT_ID"] = DevTenantOptions.helpdeskClientId
        env["ENTRA_AUTHORITY_HOST"] = "https://login.example"
        env["ENTRA_REQUIRED_AUTH_CONTEXT"] = authContext
        let settings = try Settings.parse(portal: .helpdesk, environment: env)
        let client = OutboundHTTP.makeClient()
        let logger = logs.logger()
        let dependencies = HandlerDependencies(
            settings: settings, logger: logger, http: OutboundHTTP(client: client),
            signingKeys: SigningKeyCache(source: InMemoryKeySource(signer: signer), logger: logger), tokens: NoUpstreamTokens())
        let adminOnly = FunctionRoute(.get, "api/test-admin", access: .anyRole([AppRole.tapAdmin])) { _, context in
            try JSONResponse.make(["id": try context.requireCaller().objectId.value])
        }
        let app = HandlerApplication.build(HandlerDefinition(portal: .helpdesk) { _ in [adminOnly] }, dependencies: dependencies, port: 0)
        try await app.test(.router, body)
        try? await client.shutdown()
    }

    @Test func everyCaseGetsItsExactAnswerAndNoTokenIsLogged() async throws {
        let logs = LogCapture()
        let cases = Self.tokens.cases
        #expect(cases.filter { $0.status != 200 }.count >= 40)
        try await Self.withApp(logs: logs) { client in
            for testCase in cases {
                var headers = HTTPFields()
                for value in testCase.authorization { headers.append(HTTPField(name: .authorization, value: value)) }
                let uri = testCase.route == .me ? "/api/me" : "/api/test-admin"
                try await client.execute(uri: uri, method: .get, headers: headers) { response in
                    #expect(Int(response.status.code) == testCase.status, "\(testCase.name)")
                    let body = try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    if let code = testCase.code {
                        #expect(body?["code"] as? String == code, "\(testCase.name)")
                    } else {
                        #expect(body?["id"] as? String == "aaaaaaaa-0000-4000-8000-000000000001", "\(testCase.name)")
                    }
                    if testCase.status == 401 {
                        #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer ") == true, "\(testCase.name)")
                    }
                }
            }
        }
        let lines = logs.all
        #expect(lines.contains { $0.contains("token refused") }, "refusals are logged, with a reason")
        for secret in Self.tokens.secrets {
            #expect(!lines.contains { $0.contains(secret) }, "a token or signature reached a log line")
        }
    }

    @Test func missingAuthContextGetsTheClaimsChallenge() async throws {
        let logs = LogCapture()
        try await Self.withApp(authContext: "c1", logs: logs) { client in
            var headers = HTTPFields()
            headers[.authorization] = "Bearer " + (try Self.signer.sign(claims: Self.tokens.claims()))
            try await client.execute(uri: "/api/me", method: .get, headers: headers) { response in
                #expect(response.status == .unauthorized)
                let header = try #require(response.headers[.wwwAuthenticate])
                #expect(header.contains(#"error="insufficient_claims""#))
                #expect(header.contains("claims=\"" + Data(#"{"access_token":{"acrs":{"essential":true,"value":"c1"}}}"#.utf8).base64EncodedString() + "\""))
            }
            headers[.authorization] = "Bearer " + (try Self.signer.sign(claims: Self.tokens.claims(["acrs": .array([.string("c1")])])))
            try await client.execute(uri: "/api/me", method: .get, headers: headers) { response in
                #expect(response.status == .ok)
            }
            headers[.authorization] = "Bearer " + (try Self.signer.sign(claims: Self.tokens.claims(["acrs": .array([.string("c2")])])))
            try await client.execute(uri: "/api/me", method: .get, headers: headers) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    @Test func meReturnsTheCallerFromTheTokenAlone() async throws {
        let logs = LogCapture()
        try await Self.withApp(logs: logs) { client in
            var headers = HTTPFields()
            headers[.authorization] = "Bearer " + (try Self.signer.sign(claims: Self.tokens.claims(["roles": .array([.string(AppRole.tapViewer)])])))
            try await client.execute(uri: "/api/me", method: .get, headers: headers) { response in
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(body?["id"] as? String == "aaaaaaaa-0000-4000-8000-000000000001")
                #expect(body?["upn"] as? String == "hannah.agent@contoso.example")
                #expect(body?["displayName"] as? String == "Hannah Agent")
                #expect(body?["roles"] as? [String] == [AppRole.tapViewer])
                #expect(body?["portal"] as? String == "helpdesk")
            }
        }
    }
}
