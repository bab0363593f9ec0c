import AsyncHTTPClient
import Crypto
import DevTenant
import EphemCore
import Foundation
import FunctionsHost
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

/// Identity through the real helpdesk binary behind the host emulator, against the dev tenant:
/// the hostile-token table, the authorization-code + PKCE sign-in, and what reaches the logs.
@Suite struct SignInEndToEndTests {
    static let redirectURI = "http://localhost:5173/signed-in"

    static func tenantOptions() -> DevTenantOptions {
        DevTenantOptions(apps: [
            .init(name: "selfservice", clientId: DevTenantOptions.selfServiceClientId, redirectURIs: [redirectURI]),
            .init(name: "helpdesk", clientId: DevTenantOptions.helpdeskClientId, redirectURIs: [redirectURI]),
        ])
    }

    /// A browser-like client that shows redirects instead of following them (process lifetime).
    static let client = OutboundHTTP.makeClient()

    static func send(_ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: String? = nil) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(30))
        return (Int(response.status.code), response.headers, String(buffer: try await response.body.collect(upTo: 1 << 20)))
    }

    static func json(_ text: String) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    }

    @Test func hostileTokensThroughTheRealHandlerAndNothingSecretInItsOutput() async throws {
        let logs = LogCollector()
        try await withTenant(try await DevApps.startTenant(options: Self.tenantOptions())) { tenant in
            try await withHost(try await DevApps.start(app: "helpdesk", tenant: tenant, logs: logs)) { (host: FunctionAppHost) async throws in
                let table = HostileTokens(
                    signer: tenant.signer, authorityHost: tenant.baseURL, tenantId: tenant.seed.tenantId,
                    clientId: DevTenantOptions.helpdeskClientId, otherClientId: DevTenantOptions.selfServiceClientId,
                    userId: "aaaaaaaa-0000-4000-8000-000000000001")
                let cases = table.cases.filter { $0.route == .me }
                #expect(cases.filter { $0.status == 401 }.count >= 40)
                for testCase in cases {
                    let response = try await Self.send(.GET, "\(host.baseURL)/api/me", headers: testCase.authorization.map { ("Authorization", $0) })
                    #expect(response.status == testCase.status, "\(testCase.name)")
                    if let code = testCase.code { #expect(Self.json(response.body)?["code"] as? String == code, "\(testCase.name)") }
                    if response.status == 401 { #expect(response.headers.first(name: "WWW-Authenticate")?.hasPrefix("Bearer ") == true) }
                    #expect(response.status != 500)
                }
                let output = logs.all
                #expect(output.contains { $0.contains("token refused") })
                for secret in table.secrets {
                    #expect(!output.contains { $0.contains(secret) }, "a token reached the handler's output")
                }
                #expect(!output.contains { $0.contains(tenant.options.identityHeader) && $0.contains("IDENTITY") }, "the identity header is not printed")
            }
        }
    }

    static func pkcePair() -> (verifier: String, challenge: String) {
        let verifier = Base64URL.encode((0..<32).map { _ in UInt8.random(in: 0...255) })
        return (verifier, Base64URL.encode(SHA256.hash(data: Array(verifier.utf8))))
    }

    /// Walks the sign-in a browser makes: authorize page, pick a user, code to the redirect URI,
    /// code + verifier for a token.
    static func signIn(tenant: DevTenantServer, userId: String, clientId: String = DevTenantOptions.helpdeskClientId,
                       claims: String? = nil) async throws -> (code: String, verifier: String, token: String?) {
        let (verifier, challenge) = pkcePair()
        var query = [
            "client_id": clientId, "redirect_uri": redirectURI, "response_type": "code", "scope": "api://\(clientId)/Access",
            "state": "s-123", "code_challenge": challenge, "code_challenge_method": "S256",
        ]
        if let claims { query["claims"] = claims }
        let encoded = query.map { "\($0.key)=\(URLQuery.encode($0.value))" }.joined(separator: "&")
        let authorize = "\(tenant.baseURL)/\(tenant.seed.tenantId)/oauth2/v2.0/authorize"
        let page = try await send(.GET, "\(authorize)?\(encoded)")
        #expect(page.status == 200)
        #expect(page.body.contains(#"value="\#(userId)""#))
        let choice = try await send(.POST, authorize, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: encoded + "&user=\(userId)")
        #expect(choice.status == 302)
        let location = try #require(choice.headers.first(name: "Location"))
        #expect(location.hasPrefix(redirectURI + "?code="))
        #expect(location.hasSuffix("&state=s-123"))
        let code = try #require(location.split(separator: "code=").last?.split(separator: "&").first.map(String.init))
        let token = try await exchange(tenant: tenant, code: code, verifier: verifier, clientId: clientId)
        return (code, verifier, token)
    }

    static func exchange(tenant: DevTenantServer, code: String, verifier: String, clientId: String = DevTenantOptions.helpdeskClientId) async throws -> String? {
        let form = "grant_type=authorization_code&client_id=\(clientId)&code=\(URLQuery.encode(code))&redirect_uri=\(URLQuery.encode(redirectURI))&code_verifier=\(verifier)"
        let response = try await send(.POST, "\(tenant.baseURL)/\(tenant.seed.tenantId)/oauth2/v2.0/token",
                                      headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Origin", "http://localhost:5173")], body: form)
        if response.status == 200 { #expect(response.headers.first(name: "Access-Control-Allow-Origin") == "http://localhost:5173") }
        return json(response.body)?["access_token"] as? String
    }

    @Test func authorizationCodeWithPKCESignsInAndTheAPIKnowsTheUser() async throws {
        let logs = LogCollector()
        try await withTenant(try await DevApps.startTenant(options: Self.tenantOptions())) { tenant in
            try await withHost(try await DevApps.start(app: "helpdesk", tenant: tenant, logs: logs)) { (host: FunctionAppHost) async throws in
                let viewer = "aaaaaaaa-0000-4000-8000-000000000002"
                let signIn = try await Self.signIn(tenant: tenant, userId: viewer)
                let token = try #require(signIn.token)
                let me = try await Self.send(.GET, "\(host.baseURL)/api/me", headers: [("Authorization", "Bearer \(token)")])
                #expect(me.status == 200)
                let body = Self.json(me.body)
                #expect(body?["id"] as? String == viewer)
                #expect(body?["upn"] as? String == "victor.viewer@contoso.example")
                #expect(body?["roles"] as? [String] == ["Helpdesk.TapViewer"])

                #expect(try await Self.exchange(tenant: tenant, code: signIn.code, verifier: signIn.verifier) == nil, "a code works once")
                let second = try await Self.signIn(tenant: tenant, userId: viewer)
                #expect(second.token != nil)
            }
        }
    }

    @Test func pkceAndRedirectRulesAreEnforced() async throws {
        try await withTenant(try await DevApps.startTenant(options: Self.tenantOptions())) { tenant in
            let authorize = "\(tenant.baseURL)/\(tenant.seed.tenantId)/oauth2/v2.0/authorize"
            let clientId = DevTenantOptions.helpdeskClientId
            let (_, challenge) = Self.pkcePair()
            let unregistered = try await Self.send(.GET, "\(authorize)?client_id=\(clientId)&redirect_uri=\(URLQuery.encode("https://attacker.example/"))&response_type=code&code_challenge=\(challenge)&code_challenge_method=S256")
            #expect(unregistered.status == 400, "never redirect to an unregistered URI")
            #expect(unregistered.headers.first(name: "Location") == nil)
            let plain = try await Self.send(.GET, "\(authorize)?client_id=\(clientId)&redirect_uri=\(URLQuery.encode(Self.redirectURI))&response_type=code&code_challenge=\(challenge)&code_challenge_method=plain&state=x")
            #expect(plain.status == 302)
            #expect(plain.headers.first(name: "Location")?.contains("error=invalid_request") == true)
            let unknownClient = try await Self.send(.GET, "\(authorize)?client_id=44444444-4444-4444-4444-444444444444&redirect_uri=\(URLQuery.encode(Self.redirectURI))")
            #expect(unknownClient.status == 400)

            // A code redeemed with the wrong verifier is burnt.
            let (verifier, goodChallenge) = Self.pkcePair()
            let form = "client_id=\(clientId)&redirect_uri=\(URLQuery.encode(Self.redirectURI))&response_type=code&code_challenge=\(goodChallenge)&code_challenge_method=S256&user=aaaaaaaa-0000-4000-8000-000000000001"
            let choice = try await Self.send(.POST, authorize, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: form)
            let code = try #require(choice.headers.first(name: "Location")?.split(separator: "code=").last.map(String.init))
            #expect(try await Self.exchange(tenant: tenant, code: code, verifier: Self.pkcePair().verifier) == nil)
            #expect(try await Self.exchange(tenant: tenant, code: code, verifier: verifier) == nil)
        }
    }

    @Test func aClaimsChallengeIsAnsweredBySigningInWithTheRequestedContext() async throws {
        let logs = LogCollector()
        try await withTenant(try await DevApps.startTenant(options: Self.tenantOptions())) { tenant in
            try await withHost(try await DevApps.start(app: "helpdesk", tenant: tenant, settings: ["ENTRA_REQUIRED_AUTH_CONTEXT": "c1"], logs: logs)) { (host: FunctionAppHost) async throws in
                let plain = try #require(try await Self.signIn(tenant: tenant, userId: "aaaaaaaa-0000-4000-8000-000000000001").token)
                let challenged = try await Self.send(.GET, "\(host.baseURL)/api/me", headers: [("Authorization", "Bearer \(plain)")])
                #expect(challenged.status == 401)
                #expect(Self.json(challenged.body)?["code"] as? String == "auth_context_required")
                let header = try #require(challenged.headers.first(name: "WWW-Authenticate"))
                let encoded = try #require(header.split(separator: "claims=\"").last?.split(separator: "\"").first)
                let claims = String(decoding: Data(base64Encoded: String(encoded))!, as: UTF8.self)
                let stepUp = try #require(try await Self.signIn(tenant: tenant, userId: "aaaaaaaa-0000-4000-8000-000000000001", claims: claims).token)
                let me = try await Self.send(.GET, "\(host.baseURL)/api/me", headers: [("Authorization", "Bearer \(stepUp)")])
                #expect(me.status == 200)
            }
        }
    }
}
