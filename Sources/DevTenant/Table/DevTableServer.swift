#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// The dev tenant's simulated Azure Table service (SPEC 8), on its own port, path-style:
/// `http://127.0.0.1:{port}/devstoreaccount1`. In-memory. Calls are authenticated with the dev
/// tenant's managed-identity tokens (or Shared Key with the development key), appear in the
/// tenant's `/dev/requests` and obey its `/dev/faults` with target `table`.
public final class DevTableServer: Sendable {
    public let tenant: DevTenantServer
    let store = TableStore()
    let authenticator: TableAuthenticator
    private let state = Mutex<(listener: LoopbackServer?, port: Int)>((nil, 0))

    public var port: Int { state.withLock { $0.port } }
    /// The account endpoint the handlers get as `TABLE_ENDPOINT`.
    public var endpoint: String { "http://127.0.0.1:\(port)/\(TableAuthenticator.account)" }
    /// The account name and its well-known development key (Shared Key clients, e.g. azure-data-tables).
    public static let accountName = TableAuthenticator.account
    public static let accountKey = TableAuthenticator.developmentKey

    /// Base64 HMAC-SHA256 of `stringToSign` with the development key: a Shared Key signature.
    public static func sharedKeySignature(_ stringToSign: String) -> String { TableAuthenticator.signature(stringToSign) }

    /// Where a 401's `WWW-Authenticate` challenge sends clients: the dev tenant's authority.
    var authorizationURI: String { "\(tenant.baseURL)/\(tenant.seed.tenantId)/oauth2/authorize" }

    init(tenant: DevTenantServer) {
        self.tenant = tenant
        authenticator = TableAuthenticator(tenantId: tenant.seed.tenantId, signer: tenant.signer)
    }

    /// Starts listening on 127.0.0.1:`port` (0 picks a free port) and returns once it accepts.
    public static func start(tenant: DevTenantServer, port: Int = 0, logger: Logger) async throws -> DevTableServer {
        let server = DevTableServer(tenant: tenant)
        let router = Router()
        router.add(middleware: UpstreamMiddleware(tenantId: tenant.seed.tenantId, faults: tenant.faults, log: tenant.requests, fixedTarget: .table))
        router.add(middleware: TableService(server: server))
        let listener = await LoopbackServer.start(router, port: port, logger: logger)
        let bound = listener.port
        server.state.withLock { $0 = (listener, bound) }
        guard bound > 0 else {
            await server.shutdown()
            throw SeedError(problem: "the dev Table service could not listen on port \(port)")
        }
        return server
    }

    public func shutdown() async {
        await state.withLock { $0.listener }?.shutdown()
    }

    /// Entities per query page when `$top` asks for more (the real maximum, 1000, by default);
    /// tests set small values so clients must follow continuations.
    public func setPageSize(_ n: Int) { store.pageSize = max(1, min(n, 1000)) }

    /// How many entities `table` holds (0 if it does not exist).
    public func entityCount(table: String) -> Int { store.entityCount(table: table) }

    /// Whether `table` exists.
    public func tableExists(_ table: String) -> Bool { store.table(table) != nil }
}
