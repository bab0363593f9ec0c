import EphemCore
@testable import EphemHTTP
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TestSupport
import AsyncHTTPClient

/// The shared handler glue, in process: headers, error shapes, limits and the timer route.
struct HandlerApplicationTests {
    static func app(_ portal: Portal = .selfService, extra: [FunctionRoute] = []) throws -> HandlerApplication.App {
        var env = SettingsTests.valid
        env["FUNCTIONS_APP_ROOT_PATH"] = repoRoot + "/functions/" + portal.rawValue
        let settings = try Settings.parse(portal: portal, environment: env)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let dependencies = HandlerDependencies(
            settings: settings, logger: logger, http: OutboundHTTP(client: HTTPClient.shared),
            signingKeys: SigningKeyCache(source: InMemoryKeySource(signer: TokenTableTests.signer), logger: logger), tokens: NoUpstreamTokens())
        return HandlerApplication.build(HandlerDefinition(portal: portal) { _ in extra }, dependencies: dependencies, port: 0)
    }

    static let repoRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        while !FileManager.default.fileExists(atPath: url.path + "/Package.swift") { url.deleteLastPathComponent() }
        return url.path
    }()

    static func json(_ buffer: ByteBuffer) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any]
    }

    @Test(arguments: Portal.allCases)
    func healthAndConfigAnswer(portal: Portal) async throws {
        try await Self.app(portal).test(.router) { client in
            try await client.execute(uri: "/api/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                #expect(Self.json(response.body)?["portal"] as? String == portal.rawValue)
                #expect(Self.json(response.body)?["status"] as? String == "ok")
            }
            try await client.execute(uri: "/api/config", method: .get) { response in
                let body = Self.json(response.body)
                #expect(body?["clientId"] as? String == "22222222-2222-2222-2222-222222222222")
                #expect(body?["authority"] as? String == "https://login.microsoftonline.com/11111111-1111-1111-1111-111111111111")
                #expect(body?["scopes"] as? [String] == ["api://22222222-2222-2222-2222-222222222222/Access"])
                #expect(body?["tapLifetimeMinutes"] as? Int == (portal == .selfService ? 60 : 120))
                #expect(body?["displayTimeoutSeconds"] as? Int == (portal == .selfService ? 300 : 120))
                #expect(body?["tapIsUsableOnce"] as? Bool == true)
                #expect(body?["portal"] as? String == portal.rawValue)
            }
        }
    }

    @Test(arguments: ["/api/health", "/", "/api/nothing-here", "/index.html"])
    func everyResponseCarriesTheSecurityHeaders(path: String) async throws {
        try await Self.app().test(.router) { client in
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[.referrerPolicy] == "no-referrer")
                #expect(response.headers[.xFrameOptions] == "DENY")
                let policy = try #require(response.headers[.contentSecurityPolicy])
                #expect(policy.contains("default-src 'none'"))
                #expect(policy.contains("frame-ancestors 'none'"))
                #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"))
            }
        }
    }

    @Test func portalIsServedAtRootWithAStrictPolicy() async throws {
        try await Self.app().test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
                #expect(response.headers[.contentSecurityPolicy]?.contains("connect-src 'self' https://login.microsoftonline.com") == true)
            }
            for path in ["/function.json", "/..%2Fhost.json", "/.hidden", "/missing.js"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .notFound, "\(path)")
                    #expect(Self.json(response.body)?["code"] as? String == "not_found")
                }
            }
        }
    }

    @Test func unknownRoutesAreJSON404() async throws {
        try await Self.app().test(.router) { client in
            try await client.execute(uri: "/api/generate-tap/x/y", method: .put) { response in
                #expect(response.status == .notFound)
                let body = Self.json(response.body)
                #expect(body?["code"] as? String == "not_found")
                #expect(body?["error"] as? String != nil)
                #expect(response.headers[.cacheControl] == "no-store")
            }
        }
    }

    @Test func bodiesOverSixteenKiBAre413WithOrWithoutContentLength() async throws {
        let echo = FunctionRoute(.put, "api/echo-length", access: .anonymous) { request, _ in
            let body = try await request.collectBody()
            return try JSONResponse.make(["length": body.readableBytes])
        }
        try await Self.app(extra: [echo]).test(.router) { client in
            let big = ByteBuffer(repeating: UInt8(ascii: "a"), count: 16 * 1024 + 1)
            try await client.execute(uri: "/api/echo-length", method: .put, body: big) { response in
                #expect(response.status == .contentTooLarge)
                #expect(Self.json(response.body)?["code"] as? String == "payload_too_large")
            }
            let exact = ByteBuffer(repeating: UInt8(ascii: "a"), count: 16 * 1024)
            try await client.execute(uri: "/api/echo-length", method: .put, body: exact) { response in
                #expect(response.status == .ok)
                #expect(Self.json(response.body)?["length"] as? Int == 16 * 1024)
            }
        }
        try await Self.app(extra: [echo]).test(.live) { client in
            var headers = HTTPFields()
            headers[.transferEncoding] = "chunked"
            let big = ByteBuffer(repeating: UInt8(ascii: "a"), count: 20 * 1024)
            try await client.execute(uri: "/api/echo-length", method: .put, headers: headers, body: big) { response in
                #expect(response.status == .contentTooLarge)
            }
        }
    }

    @Test func errorsMapToTheSpecTable() throws {
        let mapping = ErrorMapping(authority: "https://login.microsoftonline.com/t", clientId: "c")
        let cases: [(EphemError, Int, String)] = [
            (.invalidRequest(message: "x"), 400, "invalid_request"), (.invalidUserId, 400, "invalid_user_id"),
            (.invalidQuery(message: "x"), 400, "invalid_query"), (.targetNotEligible(reason: "guest"), 400, "target_not_eligible"),
            (.invalidToken(detail: "secret-detail kid=abc"), 401, "invalid_token"), (.authContextRequired(contextId: "c1"), 401, "auth_context_required"),
            (.missingRole(required: ["Helpdesk.TapAdmin"]), 403, "missing_role"), (.selfTarget, 403, "self_target"),
            (.targetPrivileged(reason: "role Global Administrator"), 403, "target_privileged"), (.userNotFound, 404, "user_not_found"),
            (.noActiveTap, 404, "no_active_tap"), (.payloadTooLarge, 413, "payload_too_large"),
            (.rateLimited(retryAfterSeconds: 61), 429, "rate_limited"), (.tapActive, 429, "tap_active"),
            (.upstreamUnavailable(detail: "graph 503 secret-detail"), 503, "upstream_unavailable"),
        ]
        for (error, status, code) in cases {
            let (mappedStatus, body, _) = mapping.parts(for: error)
            #expect(mappedStatus.code == status, "\(error)")
            #expect(body.code == code)
            #expect(!body.error.contains("secret-detail"), "log-only detail must not reach the client")
        }
        #expect(mapping.parts(for: .rateLimited(retryAfterSeconds: 61)).2[.retryAfter] == "61")
        #expect(mapping.parts(for: .invalidToken(detail: "x")).2[.wwwAuthenticate]?.hasPrefix("Bearer ") == true)
    }

    @Test func claimsChallengeCarriesTheBase64Claims() throws {
        let mapping = ErrorMapping(authority: "https://login.microsoftonline.com/t", clientId: "c")
        let header = try #require(mapping.parts(for: .authContextRequired(contextId: "c1")).2[.wwwAuthenticate])
        #expect(header.contains(#"error="insufficient_claims""#))
        let encoded = try #require(header.split(separator: "claims=\"").last?.split(separator: "\"").first)
        let decoded = String(decoding: Data(base64Encoded: String(encoded))!, as: UTF8.self)
        #expect(decoded == #"{"access_token":{"acrs":{"essential":true,"value":"c1"}}}"#)
    }

    /// With Table Storage unreachable the retention run fails closed: the host sees a failed
    /// invocation (503), never a 2xx that pretends rows were deleted.
    @Test func timerInvocationFailsClosedWithoutStorage() async throws {
        try await Self.app(.helpdesk).test(.router) { client in
            let payload = ByteBuffer(string: #"{"Data":{"myTimer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":null,"IsPastDue":false}},"Metadata":{}}"#)
            try await client.execute(uri: "/audit-retention", method: .post, body: payload) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(Self.json(response.body)?["code"] as? String == "upstream_unavailable")
            }
            try await client.execute(uri: "/audit-retention", method: .post, body: ByteBuffer(string: "not json")) { response in
                #expect(response.status == .badRequest)
            }
        }
    }
}
