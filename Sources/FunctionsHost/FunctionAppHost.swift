import AsyncHTTPClient
import Foundation
import Hummingbird
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization

/// A local stand-in for the Functions host serving one Function App: it reads `host.json` and the
/// app's `function.json` files, launches N handler processes, forwards the declared HTTP routes to
/// them round robin (everything else is 404, as in Azure), runs timer functions on their schedule
/// in default mode, and offers `POST /admin/functions/{name}` to run one now.
public final class FunctionAppHost: Sendable {
    public struct Options: Sendable {
        public var name: String
        /// `functions/<app>`: one folder per function, plus the portal files.
        public var appDirectory: String
        public var hostJSONPath: String
        /// The handler binary (what `defaultExecutablePath` names in the deployed zip).
        public var executable: String
        public var settings: [String: String]
        public var instances: Int
        /// 0 picks a free port.
        public var port: Int
        public var output: OutputSink
        public var runTimers: Bool

        public init(name: String, appDirectory: String, hostJSONPath: String, executable: String, settings: [String: String],
                    instances: Int = 1, port: Int = 0, output: OutputSink = .console, runTimers: Bool = true) {
            self.name = name
            self.appDirectory = appDirectory
            self.hostJSONPath = hostJSONPath
            self.executable = executable
            self.settings = settings
            self.instances = instances
            self.port = port
            self.output = output
            self.runTimers = runTimers
        }
    }

    public let options: Options
    public let host: HostConfiguration
    public let functions: [FunctionMetadata]
    public let workers: [WorkerProcess]
    let routes: [(FunctionMetadata, RouteTemplate)]
    let client: HTTPClient
    let logger: Logger
    let nextWorker = Atomic<Int>(0)
    let boundPort = Mutex<Int?>(nil)
    let running = Mutex<(group: ServiceGroup?, task: Task<Void, any Error>?, timers: [Task<Void, Never>])>((nil, nil, []))
    let invocationWatchers = Mutex<[AsyncStream<InvocationEvent>.Continuation]>([])

    /// Every default-mode invocation (timer or admin) from now on, with its result.
    public func invocations() -> AsyncStream<InvocationEvent> {
        let (stream, continuation) = AsyncStream<InvocationEvent>.makeStream()
        invocationWatchers.withLock { $0.append(continuation) }
        return stream
    }

    func publish(_ event: InvocationEvent) {
        for watcher in invocationWatchers.withLock({ $0 }) { watcher.yield(event) }
    }

    /// The port the front end listens on (after `start`).
    public var port: Int { boundPort.withLock { $0 } ?? 0 }
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    init(options: Options, host: HostConfiguration, functions: [FunctionMetadata], workers: [WorkerProcess], routes: [(FunctionMetadata, RouteTemplate)], client: HTTPClient, logger: Logger) {
        self.options = options
        self.host = host
        self.functions = functions
        self.workers = workers
        self.routes = routes
        self.client = client
        self.logger = logger
    }

    /// Loads the app, launches its workers, waits for them to be ready and starts listening.
    public static func start(_ options: Options, logger: Logger = Logger(label: "functions-host")) async throws -> FunctionAppHost {
        let host = try HostConfiguration.load(path: options.hostJSONPath)
        let functions = try FunctionMetadata.loadAll(appDirectory: options.appDirectory)
        var routes: [(FunctionMetadata, RouteTemplate)] = []
        for function in functions where function.isHTTPInAndOut {
            let prefix = host.routePrefix.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            let route = function.routeTemplate ?? function.name
            routes.append((function, try RouteTemplate(prefix.isEmpty ? route : "\(prefix)/\(route)")))
        }
        for function in functions {
            if case .timer(let schedule, _, _) = function.trigger { _ = try NCrontab(Self.expand(schedule, options.settings)) }
        }
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(2), read: .seconds(230))
        // The host's own client has no small per-worker connection cap (.NET's default is
        // unlimited). With AsyncHTTPClient's default of 8, a burst queues for a connection and
        // every request still queued when the 2 s connect timeout ends fails as a 502.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 1024
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        var workers: [WorkerProcess] = []
        for index in 0..<max(1, options.instances) {
            let label = options.instances > 1 ? "\(options.name)#\(index + 1)" : options.name
            let spec = WorkerProcess.LaunchSpec(
                executable: options.executable, arguments: host.arguments.map { Self.expand($0, options.settings) },
                environment: options.settings, workingDirectory: options.appDirectory)
            workers.append(WorkerProcess(label: label, port: try Loopback.freePort(), spec: spec, output: options.output, client: client, logger: logger))
        }
        let appHost = FunctionAppHost(options: options, host: host, functions: functions, workers: workers, routes: routes, client: client, logger: logger)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in workers { group.addTask { try await worker.start() } }
                try await group.waitForAll()
            }
            try await appHost.listen()
        } catch {
            await appHost.shutdown()
            throw error
        }
        if options.runTimers { appHost.scheduleTimers() }
        return appHost
    }

    /// Stops timers and the front end, then SIGTERMs the workers and waits for them to drain.
    public func shutdown() async {
        let (group, task, timers) = running.withLock { state in
            let current = state
            state = (nil, nil, [])
            return current
        }
        for timer in timers { timer.cancel() }
        for watcher in invocationWatchers.withLock({ watchers in defer { watchers = [] }; return watchers }) { watcher.finish() }
        await group?.triggerGracefulShutdown()
        _ = try? await task?.value
        await withTaskGroup(of: Void.self) { group in
            for worker in workers { group.addTask { await worker.stop() } }
        }
        try? await client.shutdown()
    }

    private func listen() async throws {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            responder: FrontResponder(host: self),
            configuration: .init(address: .hostname("127.0.0.1", port: options.port), serverName: nil),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        // A front end that cannot bind ends the group: the stream ends with it, so start-up fails
        // with `notReady` instead of waiting forever (issue 13, finding 6).
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        running.withLock { $0.group = group; $0.task = task }
        var iterator = stream.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            throw WorkerProcess.WorkerError.notReady("front end of \(options.name)")
        }
        boundPort.withLock { $0 = port }
    }

    /// `%NAME%` in host.json arguments and timer schedules is replaced from the app settings.
    static func expand(_ text: String, _ settings: [String: String]) -> String {
        var result = text
        for (key, value) in settings { result = result.replacingOccurrences(of: "%\(key)%", with: value) }
        return result
    }

    /// The next worker round robin, skipping any the host has given up on (issue 13, finding 7:
    /// a dead instance must not turn every second request into a 503 while another is healthy);
    /// nil when all are given up.
    func pickWorker() -> WorkerProcess? {
        let start = nextWorker.wrappingAdd(1, ordering: .relaxed).oldValue
        for offset in 0..<workers.count {
            let worker = workers[(start &+ offset) % workers.count]
            if !worker.isGivenUp { return worker }
        }
        return nil
    }
}
