import AsyncHTTPClient
import DevTenant
import EphemCore
import Foundation
import Logging

/// A dev tenant with its Table service, and real clients talking to it over loopback the way a
/// Function App instance does (managed-identity token, Bearer, one HTTP client per "instance").
public final class StorageStack: Sendable {
    public let tenant: DevTenantServer
    public let tables: DevTableServer
    let clients: [HTTPClient]

    init(tenant: DevTenantServer, tables: DevTableServer, clients: [HTTPClient]) {
        self.tenant = tenant
        self.tables = tables
        self.clients = clients
    }

    public static func start() async throws -> StorageStack {
        let tenant = try await DevApps.startTenant()
        do {
            var logger = Logger(label: "test-tables")
            logger.logLevel = .critical
            let tables = try await DevTableServer.start(tenant: tenant, port: 0, logger: logger)
            return StorageStack(tenant: tenant, tables: tables, clients: [])
        } catch {
            await tenant.shutdown()
            throw error
        }
    }

    /// A Table client as one Function App instance would have it: its own HTTP client and its own
    /// managed-identity token cache. `instance` picks one of several (created on first use).
    public func client(http: HTTPClient, logs: LogCapture = LogCapture()) -> TableClient {
        let outbound = OutboundHTTP(client: http)
        let tokens = ManagedIdentityCredential(endpoint: "\(tenant.baseURL)/msi/token", identityHeader: tenant.options.identityHeader,
                                               http: outbound, logger: logs.logger())
        return TableClient(endpoint: tables.endpoint, http: outbound, tokens: tokens, logger: logs.logger())
    }

    public func shutdown() async {
        await tables.shutdown()
        await tenant.shutdown()
    }
}

/// Runs `body` with a storage stack and fresh HTTP clients (one per simulated instance), and
/// always shuts everything down.
public func withStorage<T>(instances: Int = 1, _ body: (StorageStack, [TableClient]) async throws -> T) async throws -> T {
    let stack = try await StorageStack.start()
    let https = (0..<instances).map { _ in OutboundHTTP.makeClient() }
    let clients = https.map { stack.client(http: $0) }
    do {
        let result = try await body(stack, clients)
        for http in https { try? await http.shutdown() }
        await stack.shutdown()
        return result
    } catch {
        for http in https { try? await http.shutdown() }
        await stack.shutdown()
        throw error
    }
}
