import DevTenant
import FunctionsHost
import Logging

/// Starts the real handlers behind the Functions-host emulator with settings like ephemgate-dev's.
public enum DevApps {
    public static let tenantId = Seed.defaultTenantId
    public static let clientIds = ["selfservice": DevTenantOptions.selfServiceClientId, "helpdesk": DevTenantOptions.helpdeskClientId]
    public static let binaries = ["selfservice": "SelfServiceHandler", "helpdesk": "HelpdeskHandler"]

    /// Settings pointing at `tenant`, or at a closed port when a test needs no upstream at all.
    public static func settings(app: String, tenant: DevTenantServer? = nil, tables: DevTableServer? = nil) -> [String: String] {
        let base = tenant?.baseURL ?? "http://127.0.0.1:9"
        var settings = [
            "ENTRA_TENANT_ID": tenant?.seed.tenantId ?? tenantId,
            "ENTRA_CLIENT_ID": clientIds[app]!,
            "ENTRA_AUTHORITY_HOST": base,
            "GRAPH_ENDPOINT": base,
            "TABLE_ENDPOINT": "\(base)/devstoreaccount1",
            "IDENTITY_ENDPOINT": "\(base)/msi/token",
            "IDENTITY_HEADER": tenant?.options.identityHeader ?? "ephemgate-dev",
        ]
        if tenant == nil { settings["IDENTITY_ENDPOINT"] = nil; settings["IDENTITY_HEADER"] = nil }
        if let tables { settings["TABLE_ENDPOINT"] = tables.endpoint }
        return settings
    }

    public static func start(app: String, tenant: DevTenantServer? = nil, tables: DevTableServer? = nil, settings overrides: [String: String] = [:], instances: Int = 1, logs: LogCollector) async throws -> FunctionAppHost {
        let options = FunctionAppHost.Options(
            name: app, appDirectory: TestPaths.app(app), hostJSONPath: TestPaths.hostJSON,
            executable: TestPaths.binary(binaries[app]!),
            settings: settings(app: app, tenant: tenant, tables: tables).merging(overrides) { $1 }, instances: instances, port: 0, output: logs.sink, runTimers: false)
        var logger = Logger(label: "test-host")
        logger.logLevel = .critical
        return try await FunctionAppHost.start(options, logger: logger)
    }

    /// A dev tenant on a free port with the demo directory.
    public static func startTenant(options: DevTenantOptions = DevTenantOptions()) async throws -> DevTenantServer {
        var logger = Logger(label: "test-tenant")
        logger.logLevel = .critical
        return try await DevTenantServer.start(seed: .demo, options: options, port: 0, logger: logger)
    }
}

/// Runs `body` with a started host and always shuts it down (handler processes included) before
/// returning, also when `body` throws, so no test leaves a process behind.
public func withHost<T>(_ host: FunctionAppHost, _ body: (FunctionAppHost) async throws -> T) async throws -> T {
    do {
        let result = try await body(host)
        await host.shutdown()
        return result
    } catch {
        await host.shutdown()
        throw error
    }
}

/// The same for a dev tenant.
public func withTenant<T>(_ tenant: DevTenantServer, _ body: (DevTenantServer) async throws -> T) async throws -> T {
    do {
        let result = try await body(tenant)
        await tenant.shutdown()
        return result
    } catch {
        await tenant.shutdown()
        throw error
    }
}
