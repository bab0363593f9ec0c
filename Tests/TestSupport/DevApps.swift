import FunctionsHost
import Logging

/// Starts the real handlers behind the Functions-host emulator with settings like ephemgate-dev's.
public enum DevApps {
    public static let tenantId = "11111111-1111-1111-1111-111111111111"
    public static let clientIds = ["selfservice": "22222222-2222-2222-2222-222222222222", "helpdesk": "33333333-3333-3333-3333-333333333333"]
    public static let binaries = ["selfservice": "SelfServiceHandler", "helpdesk": "HelpdeskHandler"]

    public static func settings(app: String) -> [String: String] {
        [
            "ENTRA_TENANT_ID": tenantId,
            "ENTRA_CLIENT_ID": clientIds[app]!,
            "ENTRA_AUTHORITY_HOST": "http://127.0.0.1:9",
            "GRAPH_ENDPOINT": "http://127.0.0.1:9",
            "TABLE_ENDPOINT": "http://127.0.0.1:9/devstoreaccount1",
        ]
    }

    public static func start(app: String, settings overrides: [String: String] = [:], instances: Int = 1, logs: LogCollector) async throws -> FunctionAppHost {
        let options = FunctionAppHost.Options(
            name: app, appDirectory: TestPaths.app(app), hostJSONPath: TestPaths.hostJSON,
            executable: TestPaths.binary(binaries[app]!),
            settings: settings(app: app).merging(overrides) { $1 }, instances: instances, port: 0, output: logs.sink, runTimers: false)
        var logger = Logger(label: "test-host")
        logger.logLevel = .critical
        return try await FunctionAppHost.start(options, logger: logger)
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
