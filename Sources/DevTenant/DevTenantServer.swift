#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The simulated tenant on loopback (SPEC 8): Entra sign-in, JWKS and token endpoints, the
/// managed-identity endpoint, Microsoft Graph (`/v1.0/…`, `/beta/…`) and the `/dev/...` controls;
/// the Table service runs on its own port (`DevTableServer`). Real clients talk to it over HTTP
/// exactly as they talk to Azure.
public final class DevTenantServer: Sendable {
    public let seed: Seed
    public let options: DevTenantOptions
    public let signer: TenantSigner
    public let faults = FaultPlan()
    public let requests = RequestLog()
    /// The simulated Graph: TAPs, sent mail, page size and clock controls for tests.
    public let graph: DevGraph
    let codes = AuthorizationCodes()
    let state = Mutex<(listener: LoopbackServer?, port: Int)>((nil, 0))

    public var port: Int { state.withLock { $0.port } }
    public var baseURL: String { "http://127.0.0.1:\(port)" }
    /// What the handlers get as `ENTRA_AUTHORITY_HOST`; `{authorityHost}/{tenant}` is the authority.
    public var authorityHost: String { baseURL }

    init(seed: Seed, options: DevTenantOptions) throws {
        self.seed = seed
        self.options = options
        signer = try TenantSigner()
        graph = DevGraph(seed: seed)
    }

    /// Starts listening on 127.0.0.1:`port` (0 picks a free port) and returns once it accepts.
    /// A seed whose ids do not resolve is refused (`SeedError`).
    public static func start(seed: Seed, options: DevTenantOptions = DevTenantOptions(), port: Int = 0,
                             logger: Logger = Logger(label: "dev-tenant")) async throws -> DevTenantServer {
        try seed.validate()
        let server = try DevTenantServer(seed: seed, options: options)
        let router = Router()
        router.add(middleware: UpstreamMiddleware(tenantId: seed.tenantId, faults: server.faults, log: server.requests))
        router.add(middleware: GraphService(tenant: server))
        DevRoutes(tenant: server).add(to: router)
        EntraRoutes(tenant: server).add(to: router)
        ManagedIdentityRoutes(tenant: server).add(to: router)
        let listener = await LoopbackServer.start(router, port: port, logger: logger)
        let bound = listener.port
        server.state.withLock { $0 = (listener, bound) }
        guard bound > 0 else {
            await server.shutdown()
            throw SeedError(problem: "the dev tenant could not listen on port \(port)")
        }
        return server
    }

    public func shutdown() async {
        await state.withLock { $0.listener }?.shutdown()
    }
}
