import EphemCore
@testable import EphemHTTP
import Foundation
import FunctionsHost
@testable import HelpdeskHandler
import Logging
@testable import SelfServiceHandler
import TestSupport
import Testing
import AsyncHTTPClient
import DevTenant

/// SPEC 4: every HTTP route has exactly one function.json, and the handler serves no API route
/// that no function.json declares. The router is built only from `HandlerApplication.routes`, so
/// comparing that list with the files covers both directions.
struct FunctionContractTests {
    struct Endpoint: Hashable, CustomStringConvertible {
        var method: String
        var route: String
        var description: String { "\(method) \(route)" }
    }

    static let definitions: [(String, HandlerDefinition)] = [("selfservice", SelfServiceRoutes.definition), ("helpdesk", HelpdeskRoutes.definition)]

    static func declared(app: String) throws -> [Endpoint] {
        var endpoints: [Endpoint] = []
        for function in try FunctionMetadata.loadAll(appDirectory: TestPaths.app(app)) {
            switch function.trigger {
            case .http(let methods, let route, _, _):
                #expect(!methods.isEmpty, "\(function.name) must list its methods")
                endpoints += methods.map { Endpoint(method: $0, route: route ?? function.name) }
            case .timer:
                endpoints.append(Endpoint(method: "POST", route: function.name))
            case .other(let type):
                Issue.record("unexpected trigger \(type)")
            }
        }
        return endpoints
    }

    static func served(_ definition: HandlerDefinition) throws -> [Endpoint] {
        var env = ["FUNCTIONS_CUSTOMHANDLER_PORT": "1", "ENTRA_TENANT_ID": DevApps.tenantId, "ENTRA_CLIENT_ID": DevApps.clientIds["helpdesk"]!, "TABLE_ENDPOINT": "http://127.0.0.1:9/x"]
        env["FUNCTIONS_APP_ROOT_PATH"] = TestPaths.app(definition.portal.rawValue)
        let settings = try Settings.parse(portal: definition.portal, environment: env)
        let logger = Logger(label: "contract")
        let dependencies = HandlerDependencies(
            settings: settings, logger: logger, http: OutboundHTTP(client: HTTPClient.shared),
            signingKeys: SigningKeyCache(source: InMemoryKeySource(signer: try TenantSigner()), logger: logger), tokens: NoUpstreamTokens())
        let routes = HandlerApplication.routes(definition, dependencies: dependencies).map { Endpoint(method: $0.method.rawValue, route: $0.template) }
        let timers = HandlerApplication.timers(dependencies: dependencies).map { Endpoint(method: "POST", route: $0.name) }
        return routes + timers
    }

    @Test(arguments: definitions)
    func functionJSONFilesEqualTheHandlersRoutes(app: String, definition: HandlerDefinition) throws {
        let declared = try Self.declared(app: app)
        let served = try Self.served(definition)
        #expect(Set(declared).count == declared.count, "a route is declared twice: \(declared)")
        #expect(Set(served).count == served.count, "a route is served twice: \(served)")
        #expect(Set(declared) == Set(served), "declared only: \(Set(declared).subtracting(served)); served only: \(Set(served).subtracting(declared))")
    }
}
