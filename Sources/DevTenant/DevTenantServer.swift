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

/// The simulated tenant on loopback (SPEC 8). It grows with the product: Entra sign-in and JWKS,
/// managed identity, Graph and the Table service are added by the routes of later stages; the
/// skeleton serves a description of itself.
public final class DevTenantServer: Sendable {
    public let seed: Seed
    let state = Mutex<(group: ServiceGroup?, task: Task<Void, any Error>?, port: Int)>((nil, nil, 0))

    public var port: Int { state.withLock { $0.port } }
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    init(seed: Seed) { self.seed = seed }

    /// Starts listening on 127.0.0.1:`port` (0 picks a free port) and returns once it accepts.
    public static func start(seed: Seed, port: Int = 0, logger: Logger = Logger(label: "dev-tenant")) async throws -> DevTenantServer {
        let server = DevTenantServer(seed: seed)
        let router = Router()
        let description = TenantDescription(tenantId: seed.tenantId, users: seed.users.map(\.userPrincipalName))
        router.get("/") { _, _ in description }
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: nil),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task { try await group.run() }
        var iterator = stream.makeAsyncIterator()
        let bound = await iterator.next() ?? 0
        server.state.withLock { $0 = (group, task, bound) }
        guard bound > 0 else {
            await server.shutdown()
            throw SeedError(problem: "the dev tenant could not listen on port \(port)")
        }
        return server
    }

    public func shutdown() async {
        let (group, task) = state.withLock { ($0.group, $0.task) }
        await group?.triggerGracefulShutdown()
        _ = try? await task?.value
    }
}

struct TenantDescription: ResponseEncodable {
    var tenantId: String
    var users: [String]
}
