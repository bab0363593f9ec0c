import AsyncHTTPClient
import DevTenant
import EphemCore
@testable import EphemHTTP
import Foundation
import HTTPTypes
@testable import HelpdeskHandler
import Hummingbird
import HummingbirdTesting
import Logging
@testable import SelfServiceHandler
import TestSupport
import Testing

/// Issue 13, item 11: `openapi/<app>.yaml` and the router agree in both directions: the same
/// routes and methods; every documented status is one of SPEC 6.4's; each route documents the
/// statuses its access rule and the server limits guarantee; and what the running router answers
/// to probes (no token, a forged token, an oversize body) is documented for that route.
struct OpenAPIContractTests {
    struct Operation: Hashable, CustomStringConvertible {
        var method: String
        var path: String
        var description: String { "\(method) \(path)" }
    }

    /// SPEC 6.4's statuses, plus 201 (SPEC 6.3: `POST /api/handovers` creates one) and 409 (the
    /// handover codes of SPEC 6.4).
    static let spec64: Set<Int> = [200, 201, 204, 400, 401, 403, 404, 409, 413, 429, 500, 502, 503]

    /// Reads the document by its layout rule (see its `info.description`): paths at 2 spaces,
    /// methods at 4, statuses (quoted) at 8 under `responses:` at 6.
    static func documented(_ app: String) throws -> [Operation: Set<Int>] {
        let text = try String(contentsOfFile: TestPaths.repoRoot + "/openapi/\(app).yaml", encoding: .utf8)
        var result: [Operation: Set<Int>] = [:]
        var inPaths = false, path: String?, method: String?, inResponses = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let indent = line.prefix { $0 == " " }.count
            let body = line.dropFirst(indent)
            if indent == 0, !body.isEmpty { inPaths = body == "paths:"; continue }
            guard inPaths else { continue }
            if indent == 2, body.hasSuffix(":") { path = String(body.dropLast()); method = nil; continue }
            if indent == 4, ["get:", "put:", "post:", "delete:", "patch:"].contains(body), let path {
                method = String(body.dropLast()).uppercased()
                result[Operation(method: method!, path: path)] = []
                inResponses = false
                continue
            }
            if indent == 6 { inResponses = body == "responses:"; continue }
            if indent == 8, inResponses, let path, let method, body.hasPrefix("'"), let code = Int(body.dropFirst().prefix(3)) {
                result[Operation(method: method, path: path), default: []].insert(code)
            }
        }
        return result
    }

    static func dependencies(_ definition: HandlerDefinition) throws -> HandlerDependencies {
        var env = ["FUNCTIONS_CUSTOMHANDLER_PORT": "1", "ENTRA_TENANT_ID": DevApps.tenantId, "ENTRA_CLIENT_ID": DevApps.clientIds["helpdesk"]!, "TABLE_ENDPOINT": "http://127.0.0.1:9/x"]
        env["FUNCTIONS_APP_ROOT_PATH"] = TestPaths.app(definition.portal.rawValue)
        let settings = try Settings.parse(portal: definition.portal, environment: env)
        var logger = Logger(label: "openapi")
        logger.logLevel = .critical
        return HandlerDependencies(
            settings: settings, logger: logger, http: OutboundHTTP(client: HTTPClient.shared),
            signingKeys: SigningKeyCache(source: InMemoryKeySource(signer: try TenantSigner()), logger: logger), tokens: NoUpstreamTokens())
    }

    /// The router's operations, as paths the host exposes (`{file?}` is `/` and `/{file}`).
    static func served(_ definition: HandlerDefinition) throws -> [(Operation, FunctionRoute)] {
        try HandlerApplication.routes(definition, dependencies: dependencies(definition)).flatMap { route in
            route.routerPaths.map { (Operation(method: route.method.rawValue, path: $0), route) }
        }
    }

    static let apps: [(String, HandlerDefinition)] = [("selfservice", SelfServiceRoutes.definition), ("helpdesk", HelpdeskRoutes.definition)]

    @Test(arguments: apps)
    func routesAndMethodsAgreeBothWays(app: String, definition: HandlerDefinition) throws {
        let documented = Set(try Self.documented(app).keys)
        let served = Set(try Self.served(definition).map(\.0))
        #expect(!documented.isEmpty)
        #expect(documented == served, "documented only: \(documented.subtracting(served)); served only: \(served.subtracting(documented))")
    }

    @Test(arguments: apps)
    func statusesAreSpecStatusesAndCoverTheAccessRule(app: String, definition: HandlerDefinition) throws {
        let documented = try Self.documented(app)
        for (operation, route) in try Self.served(definition) {
            let statuses = documented[operation] ?? []
            #expect(statuses.isSubset(of: Self.spec64), "\(operation): \(statuses.subtracting(Self.spec64)) are not SPEC 6.4 statuses")
            let successes: Set<Int> = [200, 201, 204]
            #expect(!statuses.isDisjoint(with: successes), "\(operation) documents no success")
            var required: Set<Int> = [413, 500]
            switch route.access {
            case .anonymous: break
            case .signedIn: required.insert(401)
            case .anyRole: required.formUnion([401, 403])
            }
            if route.recordsRefusals { required.insert(401) }
            #expect(required.isSubset(of: statuses), "\(operation) lacks \(required.subtracting(statuses))")
        }
    }

    /// What the router really answers to requests that need no upstream is documented.
    @Test(arguments: apps)
    func probedAnswersAreDocumented(app: String, definition: HandlerDefinition) async throws {
        let documented = try Self.documented(app)
        let served = try Self.served(definition)
        let application = HandlerApplication.build(definition, dependencies: try Self.dependencies(definition), port: 0)
        try await application.test(.router) { client in
            for (operation, _) in served {
                let uri = operation.path.replacingOccurrences(of: "{userId}", with: "not-a-guid").replacingOccurrences(of: "{file}", with: "no-such-file.txt")
                let method = HTTPRequest.Method(operation.method)!
                let probes: [(HTTPFields, ByteBuffer?)] = [
                    ([:], nil),
                    ([.authorization: "Bearer forged.token.value"], nil),
                    ([.contentLength: "\(17 * 1024)"], ByteBuffer(repeating: 0x20, count: 17 * 1024)),
                ]
                for (headers, body) in probes {
                    let status = try await client.execute(uri: uri, method: method, headers: headers, body: body) { Int($0.status.code) }
                    #expect(documented[operation]?.contains(status) == true, "\(operation) answered \(status), which the document does not list")
                }
            }
        }
    }
}
