import AsyncHTTPClient
import DevTenant
import EphemCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import TestSupport

/// Runs `body` with a dev tenant (the demo directory unless `seed` is given) on a free port and a
/// Graph client holding a managed-identity token for `https://graph.microsoft.com`; always shuts
/// the tenant down before returning.
func withGraph<T>(seed: Seed = .demo, _ body: (GraphTestClient) async throws -> T) async throws -> T {
    var logger = Logger(label: "test-graph")
    logger.logLevel = .critical
    let tenant = try await DevTenantServer.start(seed: seed, port: 0, logger: logger)
    return try await withTenant(tenant) { tenant in
        let token = try await TableTestClient.managedIdentityToken(tenant: tenant, resource: "https://graph.microsoft.com")
        return try await body(GraphTestClient(tenant: tenant, token: token))
    }
}

/// A seed from JSON text (Seed's memberwise initialisers are internal to DevTenant).
func seed(_ json: String) throws -> Seed {
    try JSONDecoder().decode(Seed.self, from: Data(json.utf8))
}

/// One Graph answer, body as text.
struct GraphAnswer {
    var status: Int
    var headers: HTTPHeaders
    var body: String

    var json: JSONValue? { try? StrictJSON.parse(Array(body.utf8)) }
    var errorCode: String? { json?.member("error")?.member("code")?.stringValue }
    var errorMessage: String? { json?.member("error")?.member("message")?.stringValue }
    var values: [JSONValue] { json?.member("value")?.arrayValue ?? [] }
    var nextLink: String? { json?.member("@odata.nextLink")?.stringValue }
    func strings(_ key: String) -> [String] { values.compactMap { $0.member(key)?.stringValue } }
    func header(_ name: String) -> String? { headers.first(name: name) }
    subscript(key: String) -> JSONValue? { json?.member(key) }
}

struct GraphTestClient {
    let tenant: DevTenantServer
    let token: String

    var graph: DevGraph { tenant.graph }

    /// `path` starts with `/v1.0/` (or is an absolute next link). `authorization` replaces the
    /// Bearer token (`""` sends none).
    func send(_ method: HTTPMethod, _ path: String, body: String? = nil, headers: [(String, String)] = [],
              authorization: String? = nil) async throws -> GraphAnswer {
        var request = HTTPClientRequest(url: path.hasPrefix("http") ? path : tenant.baseURL + path)
        request.method = method
        let auth = authorization ?? "Bearer \(token)"
        if !auth.isEmpty { request.headers.add(name: "Authorization", value: auth) }
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let data = try await response.body.collect(upTo: 8 << 20)
        return GraphAnswer(status: Int(response.status.code), headers: response.headers, body: String(buffer: data))
    }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> GraphAnswer {
        try await send(.GET, path, headers: headers)
    }

    /// Follows `@odata.nextLink` to the end; every page's answer.
    func pages(_ path: String, headers: [(String, String)] = []) async throws -> [GraphAnswer] {
        var answers: [GraphAnswer] = []
        var next: String? = path
        while let url = next {
            let answer = try await get(url, headers: headers)
            guard answer.status == 200 else { throw TableTestFailure(message: "page \(url): \(answer.status) \(answer.body)") }
            answers.append(answer)
            next = answer.nextLink
            guard answers.count < 200 else { throw TableTestFailure(message: "too many pages") }
        }
        return answers
    }

    /// `$filter` text percent-encoded as a client does.
    static func encode(_ text: String) -> String { URLQuery.encode(text) }
}

/// Demo directory ids (README "Demo directory").
enum Demo {
    static func user(_ n: Int) -> String { "aaaaaaaa-0000-4000-8000-0000000000" + (n < 10 ? "0" : "") + String(n) }
    static let agent = user(1), lena = user(3), sam = user(4), grace = user(5), tom = user(6), priya = user(7)
    static let felix = user(8), olivia = user(9), nina = user(10), dave = user(11), guest = user(12), quinn = user(13)
    static let sean = user(19), rita = user(38)
    static let guestUPN = "alex.partner_fabrikam.example#EXT#@contoso.example"
}
