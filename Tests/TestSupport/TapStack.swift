import AsyncHTTPClient
import DevTenant
import EphemCore
import Foundation
import FunctionsHost
import Logging
import NIOCore

/// The whole product for one test: a dev tenant with a given directory, its Table service, and the
/// real handler binaries behind the host emulator, plus a Table client to read the audit rows.
/// Everything is on free ports and is shut down by `withTapStack`, also when the test throws.
public final class TapStack: Sendable {
    public let tenant: DevTenantServer
    public let tables: DevTableServer
    public let helpdesk: FunctionAppHost?
    public let selfService: FunctionAppHost?
    public let logs: LogCollector
    let http: HTTPClient
    public let tableClient: TableClient
    /// The dev tenant's Graph as the handlers call it, to act as another issuance would.
    public let graphClient: GraphClient

    init(tenant: DevTenantServer, tables: DevTableServer, helpdesk: FunctionAppHost?, selfService: FunctionAppHost?, logs: LogCollector, http: HTTPClient,
         tableClient: TableClient, graphClient: GraphClient) {
        self.tenant = tenant
        self.tables = tables
        self.helpdesk = helpdesk
        self.selfService = selfService
        self.logs = logs
        self.http = http
        self.tableClient = tableClient
        self.graphClient = graphClient
    }

    public struct Apps: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let helpdesk = Apps(rawValue: 1)
        public static let selfService = Apps(rawValue: 2)
        public static let both: Apps = [.helpdesk, .selfService]
    }

    public static func start(seed: Seed, apps: Apps = .both, settings: [String: String] = [:], helpdeskSettings: [String: String] = [:],
                             selfServiceSettings: [String: String] = [:], helpdeskInstances: Int = 1,
                             withheldGraphPermissions: Set<String> = [], extraGraphPermissions: Set<String> = []) async throws -> TapStack {
        var logger = Logger(label: "test-tenant")
        logger.logLevel = .critical
        var options = DevTenantOptions()
        options.managedIdentities[0].graphPermissions.subtract(withheldGraphPermissions)
        options.managedIdentities[0].graphPermissions.formUnion(extraGraphPermissions)
        let tenant = try await DevTenantServer.start(seed: seed, options: options, port: 0, logger: logger)
        let logs = LogCollector()
        var started: [FunctionAppHost] = []
        let http = OutboundHTTP.makeClient()
        do {
            let tables = try await DevTableServer.start(tenant: tenant, port: 0, logger: logger)
            let helpdesk = apps.contains(.helpdesk)
                ? try await DevApps.start(app: "helpdesk", tenant: tenant, tables: tables, settings: settings.merging(helpdeskSettings) { $1 },
                                          instances: helpdeskInstances, logs: logs)
                : nil
            if let helpdesk { started.append(helpdesk) }
            let selfService = apps.contains(.selfService)
                ? try await DevApps.start(app: "selfservice", tenant: tenant, tables: tables, settings: settings.merging(selfServiceSettings) { $1 }, logs: logs)
                : nil
            let outbound = OutboundHTTP(client: http)
            let tokens = ManagedIdentityCredential(endpoint: "\(tenant.baseURL)/msi/token", identityHeader: tenant.options.identityHeader,
                                                   http: outbound, logger: logger)
            let client = TableClient(endpoint: tables.endpoint, http: outbound, tokens: tokens, logger: logger)
            for portal in Portal.allCases { try await client.createTableIfNeeded(AuditLog.table(for: portal)) }
            try await client.createTableIfNeeded(RateLimiter.table)
            try await client.createTableIfNeeded(HandoverStore.table)
            let graph = GraphClient(endpoint: tenant.baseURL, http: outbound, tokens: tokens, logger: logger)
            return TapStack(tenant: tenant, tables: tables, helpdesk: helpdesk, selfService: selfService, logs: logs, http: http,
                            tableClient: client, graphClient: graph)
        } catch {
            for host in started { await host.shutdown() }
            try? await http.shutdown()
            await tenant.shutdown()
            throw error
        }
    }

    public func shutdown() async {
        if let helpdesk { await helpdesk.shutdown() }
        if let selfService { await selfService.shutdown() }
        try? await http.shutdown()
        await tables.shutdown()
        await tenant.shutdown()
    }

    /// A valid delegated token of `oid` for the app's API (roles from the seed), with overrides.
    public func token(_ app: String, _ oid: String, _ overrides: [String: JSONValue] = [:]) throws -> String {
        var claims = overrides
        claims["app"] = .string(app)
        claims["oid"] = .string(oid)
        return try tenant.devToken(claims)
    }

    public struct Reply: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var text: String

        public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        public var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
        }
        public var code: String? { json?["code"] as? String }
    }

    /// One request to an app (`path` starts with `/`).
    public func call(_ host: FunctionAppHost?, _ method: String, _ path: String, token: String?, body: String? = nil,
                     headers: [(String, String)] = []) async throws -> Reply {
        guard let host else { throw StackError.appNotStarted }
        var request = HTTPClientRequest(url: host.baseURL + path)
        request.method = .init(rawValue: method)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await http.execute(request, timeout: .seconds(60))
        let collected = try await response.body.collect(upTo: 4 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, text: String(buffer: collected))
    }

    /// Every audit row of a portal, any day.
    public func auditRows(_ portal: Portal) async throws -> [TableEntity] {
        var rows: [TableEntity] = []
        var continuation: TableClient.Continuation?
        repeat {
            let page = try await tableClient.query(AuditLog.table(for: portal), filter: nil, top: 1000, continuation: continuation)
            rows += page.entities
            continuation = page.continuation
        } while continuation != nil
        return rows
    }

    /// Every line the handlers wrote, stdout and stderr.
    public var handlerOutput: String { logs.all.joined(separator: "\n") }

    public enum StackError: Error { case appNotStarted }
}

/// Runs `body` with a started stack and always shuts it down.
public func withTapStack<T>(seed: Seed, apps: TapStack.Apps = .both, settings: [String: String] = [:], helpdeskSettings: [String: String] = [:],
                            selfServiceSettings: [String: String] = [:], helpdeskInstances: Int = 1,
                            withheldGraphPermissions: Set<String> = [], extraGraphPermissions: Set<String> = [],
                            _ body: (TapStack) async throws -> T) async throws -> T {
    let stack = try await TapStack.start(seed: seed, apps: apps, settings: settings, helpdeskSettings: helpdeskSettings,
                                         selfServiceSettings: selfServiceSettings, helpdeskInstances: helpdeskInstances,
                                         withheldGraphPermissions: withheldGraphPermissions, extraGraphPermissions: extraGraphPermissions)
    do {
        let result = try await body(stack)
        await stack.shutdown()
        return result
    } catch {
        await stack.shutdown()
        throw error
    }
}
