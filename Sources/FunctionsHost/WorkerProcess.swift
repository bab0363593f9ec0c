import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Synchronization

/// One custom-handler process, launched and watched the way the Functions host does it
/// (reference 1.2): its own port in `FUNCTIONS_CUSTOMHANDLER_PORT` (and `FUNCTIONS_HTTPWORKER_PORT`),
/// readiness when `GET /` answers anything (polled every 25 ms, 30 s limit), and a restart when it
/// dies. After `maxRestarts` deaths within a minute it is given up, as the host gives up.
public actor WorkerProcess {
    public struct LaunchSpec: Sendable {
        public var executable: String
        public var arguments: [String]
        public var environment: [String: String]
        public var workingDirectory: String

        public init(executable: String, arguments: [String] = [], environment: [String: String], workingDirectory: String) {
            self.executable = executable
            self.arguments = arguments
            self.environment = environment
            self.workingDirectory = workingDirectory
        }
    }

    public enum WorkerError: Error, CustomStringConvertible {
        case notReady(String)
        case gaveUp(String)
        public var description: String {
            switch self {
            case .notReady(let label): "\(label) did not become ready within 30 s"
            case .gaveUp(let label): "\(label) died too often and was given up"
            }
        }
    }

    public nonisolated let label: String
    public nonisolated let port: Int
    let spec: LaunchSpec
    let output: OutputSink
    let client: HTTPClient
    let logger: Logger
    let readinessTimeout: Duration
    static let pollInterval: Duration = .milliseconds(25)
    static let maxRestarts = 5

    private var process: ChildProcess?
    private var generation = 0
    private var isReady = false
    private var stopping = false
    private var failed = false {
        didSet { givenUp.store(failed, ordering: .relaxed) }
    }
    private nonisolated let givenUp = Atomic<Bool>(false)
    /// True once the worker died too often and was given up (readable without waiting on the actor).
    public nonisolated var isGivenUp: Bool { givenUp.load(ordering: .relaxed) }
    private var waiters: [CheckedContinuation<Void, any Error>] = []
    private var exitWaiters: [CheckedContinuation<Void, Never>] = []
    private var recentDeaths: [ContinuousClock.Instant] = []
    public private(set) var restartCount = 0

    public init(label: String, port: Int, spec: LaunchSpec, output: OutputSink, client: HTTPClient, logger: Logger, readinessTimeout: Duration = .seconds(30)) {
        self.label = label
        self.port = port
        self.spec = spec
        self.output = output
        self.client = client
        self.logger = logger
        self.readinessTimeout = readinessTimeout
    }

    /// The running process id, for tests that kill it.
    public var pid: Int32? { process?.isRunning == true ? process?.pid : nil }

    /// Launches the process and returns once it answers `GET /`.
    public func start() async throws {
        try launch()
        try await ready()
    }

    /// Waits until the worker is ready (immediately when it is), as a forwarded request must.
    public func ready() async throws {
        if isReady { return }
        if failed { throw WorkerError.gaveUp(label) }
        try await withCheckedThrowingContinuation { waiters.append($0) }
    }

    /// Waits until the worker has been restarted at least `count` times and is ready again.
    public func readyAfterRestarts(_ count: Int) async throws {
        while restartCount < count || !isReady {
            if failed { throw WorkerError.gaveUp(label) }
            try await withCheckedThrowingContinuation { waiters.append($0) }
        }
    }

    /// SIGTERM, then waits for the process to drain and exit; SIGKILL after `grace`.
    public func stop(grace: Duration = .seconds(10)) async {
        stopping = true
        isReady = false
        guard let process, process.isRunning else { return }
        process.send(SIGTERM)
        let pid = process.pid
        let killer = Task {
            try await Task.sleep(for: grace)
            kill(pid, SIGKILL)
        }
        await withCheckedContinuation { exitWaiters.append($0) }
        killer.cancel()
    }

    private func launch() throws {
        generation += 1
        let current = generation
        var environment = spec.environment
        environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = String(port)
        environment["FUNCTIONS_HTTPWORKER_PORT"] = String(port)
        environment["FUNCTIONS_CUSTOMHANDLER_WORKER_ID"] = UUID().uuidString.lowercased()
        environment["FUNCTIONS_HTTPWORKER_ID"] = environment["FUNCTIONS_CUSTOMHANDLER_WORKER_ID"]
        environment["FUNCTIONS_APP_ROOT_PATH"] = spec.workingDirectory
        let process = try ChildProcess.launch(
            executable: spec.executable, arguments: spec.arguments, environment: environment, workingDirectory: spec.workingDirectory,
            standardOutput: .pipe(output.pipe(label: label, stream: .standardOutput)),
            standardError: .pipe(output.pipe(label: label, stream: .standardError))
        ) { [weak self] finished in
            Task { await self?.exited(generation: current, status: finished.status, signalled: finished.signalled) }
        }
        self.process = process
        isReady = false
        Task { await self.pollReadiness(generation: current) }
    }

    private func pollReadiness(generation current: Int) async {
        let deadline = ContinuousClock.now + readinessTimeout
        while generation == current, !stopping, ContinuousClock.now < deadline {
            let port = self.port
            // The host's readiness check (reference 1.2): any HTTP answer to `GET /` means ready.
            if Loopback.status(port: port, path: "/") != nil {
                // The port was free when picked, so another process may have taken it since: the
                // answer counts only if our child is still alive a moment later (a handler that
                // refuses its settings exits within milliseconds).
                try? await Task.sleep(for: Self.pollInterval)
                guard process?.isRunning == true else { continue }
                guard generation == current, !stopping else { return }
                isReady = true
                let ready = waiters
                waiters.removeAll()
                for waiter in ready { waiter.resume() }
                return
            }
            try? await Task.sleep(for: Self.pollInterval)
        }
        guard generation == current, !stopping, !isReady else { return }
        logger.error("worker did not become ready; killing it", metadata: ["worker": "\(label)"])
        process?.send(SIGKILL)
    }

    private func exited(generation exitedGeneration: Int, status: Int32, signalled: Bool) async {
        guard exitedGeneration == generation else { return }
        isReady = false
        if stopping {
            let done = exitWaiters
            exitWaiters.removeAll()
            for waiter in done { waiter.resume() }
            let pending = waiters
            waiters.removeAll()
            for waiter in pending { waiter.resume(throwing: WorkerError.notReady(label)) }
            return
        }
        let now = ContinuousClock.now
        recentDeaths = recentDeaths.filter { now - $0 < .seconds(60) } + [now]
        logger.warning("worker exited; restarting", metadata: [
            "worker": "\(label)", "exit.status": "\(status)", "exit.signalled": "\(signalled)",
        ])
        guard recentDeaths.count <= Self.maxRestarts else {
            failed = true
            logger.error("worker died too often; giving up", metadata: ["worker": "\(label)"])
            let pending = waiters
            waiters.removeAll()
            for waiter in pending { waiter.resume(throwing: WorkerError.gaveUp(label)) }
            return
        }
        restartCount += 1
        do {
            try launch()
        } catch {
            failed = true
            let pending = waiters
            waiters.removeAll()
            for waiter in pending { waiter.resume(throwing: error) }
        }
    }
}
