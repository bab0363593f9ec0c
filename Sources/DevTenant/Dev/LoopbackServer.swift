import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Runs a Hummingbird router on 127.0.0.1 in its own service group and reports the bound port,
/// for the dev tenant's listeners (port 0 picks a free one).
struct LoopbackServer: Sendable {
    let group: ServiceGroup
    let task: Task<Void, any Error>
    let port: Int

    static func start(_ router: Router<BasicRequestContext>, port: Int, logger: Logger) async -> LoopbackServer {
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
        // A listener that cannot bind ends the group with an error: the stream then ends too, so
        // start-up reports port 0 instead of waiting forever (issue 13, finding 6).
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        var iterator = stream.makeAsyncIterator()
        return LoopbackServer(group: group, task: task, port: await iterator.next() ?? 0)
    }

    func shutdown() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
