import ArgumentParser
import AsyncHTTPClient
import Foundation
import FunctionsHost
import NIOCore

/// Benchmarks that print numbers (issue 2's "Measure"): handler start-up to first 200 and memory.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ephemgate-bench",
        abstract: "Measures a handler binary: exec to first 200 on GET /api/health, idle RSS, RSS after many requests.",
        subcommands: [Startup.self, Memory.self, Validate.self, Storage.self, Issuance.self, Watch.self, Protected.self, HandoverPickUp.self, Soak.self]
    )
}

struct HandlerOptions: ParsableArguments {
    @Option(help: "The handler binary (e.g. .build/release/HelpdeskHandler).") var binary: String
    @Option(help: "The app folder (functions/<app>) used as the app root.") var appRoot: String = "functions/helpdesk"

    func environment(port: Int) -> [String: String] {
        [
            "FUNCTIONS_CUSTOMHANDLER_PORT": String(port),
            "FUNCTIONS_APP_ROOT_PATH": appRoot,
            "ENTRA_TENANT_ID": "11111111-1111-1111-1111-111111111111",
            "ENTRA_CLIENT_ID": "33333333-3333-3333-3333-333333333333",
            "TABLE_ENDPOINT": "http://127.0.0.1:9/devstoreaccount1",
            "LOG_LEVEL": "warning",
        ]
    }

    func launch(port: Int) throws -> ChildProcess {
        try ChildProcess.launch(executable: binary, environment: environment(port: port))
    }
}

struct Startup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Median time from exec to the first 200 on GET /api/health, for the handler and the StartupFloor beside it, and their ratio.")
    @OptionGroup var handler: HandlerOptions
    @Option(help: "Number of runs.") var runs = 20
    @Option(help: "The floor binary (default: StartupFloor next to --binary, built the same way).") var floor: String?

    func run() async throws {
        let floorBinary = floor ?? (URL(fileURLWithPath: handler.binary).deletingLastPathComponent().path + "/StartupFloor")
        var floorOptions = handler
        floorOptions.binary = floorBinary
        // Interleaved, so both see the same machine load.
        var handlerSamples: [Double] = []
        var floorSamples: [Double] = []
        for _ in 0..<runs {
            handlerSamples.append(try await Self.sample(handler))
            floorSamples.append(try await Self.sample(floorOptions))
        }
        let handlerMedian = Self.report("handler", handlerSamples)
        let floorMedian = Self.report("floor  ", floorSamples)
        print(String(format: "startup: ratio handler/floor %.2f (goal ≤ 1.2)", handlerMedian / floorMedian))
    }

    static func sample(_ options: HandlerOptions) async throws -> Double {
        let port = try Loopback.freePort()
        let start = ContinuousClock.now
        let process = try options.launch(port: port)
        try await Probe.waitForHealth(port: port, deadline: start + .seconds(30))
        let elapsed = ContinuousClock.now - start
        process.send(SIGTERM)
        _ = await process.termination()
        return Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
    }

    static func report(_ label: String, _ unsorted: [Double]) -> Double {
        let samples = unsorted.sorted()
        let median = samples.count % 2 == 1 ? samples[samples.count / 2] : (samples[samples.count / 2 - 1] + samples[samples.count / 2]) / 2
        print(String(format: "startup %@: exec to first 200 on /api/health over %d runs: median %.1f ms, min %.1f ms, max %.1f ms",
                     label, samples.count, median, samples.first ?? 0, samples.last ?? 0))
        return median
    }
}

struct Memory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Idle RSS, and RSS after N health requests.")
    @OptionGroup var handler: HandlerOptions
    @Option(help: "Requests to send.") var requests = 10_000
    @Option(help: "Requests in flight at once.") var concurrency = 8

    func run() async throws {
        let port = try Loopback.freePort()
        let process = try handler.launch(port: port)
        defer { process.send(SIGKILL) }
        try await Probe.waitForHealth(port: port, deadline: .now + .seconds(30))
        try await Task.sleep(for: .seconds(1))
        let idle = try Procfs.rssKiB(pid: process.pid)
        let perWorker = requests / concurrency
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    for _ in 0..<perWorker {
                        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/health"), timeout: .seconds(10))
                        guard response.status == .ok else { throw Probe.Failure() }
                        _ = try await response.body.collect(upTo: 1 << 16)
                    }
                }
            }
            try await group.waitForAll()
        }
        try await Task.sleep(for: .seconds(1))
        let after = try Procfs.rssKiB(pid: process.pid)
        print(String(format: "memory: idle RSS %.1f MB; after %d requests %.1f MB (growth %.2f MB)", Double(idle) / 1024, perWorker * concurrency, Double(after) / 1024, Double(after - idle) / 1024))
    }
}

enum Probe {
    struct Failure: Error {}

    /// Polls without pause over raw sockets: each refused connection is retried at once, so the
    /// resolution is one connect() call. (An HTTP client's connection pool backs off after a
    /// refused connection, which would add ~100 ms to what is measured.)
    static func waitForHealth(port: Int, deadline: ContinuousClock.Instant) async throws {
        while ContinuousClock.now < deadline {
            if Loopback.status(port: port, path: "/api/health") == 200 { return }
            await Task.yield()
        }
        throw Failure()
    }
}

enum Procfs {
    static func rssKiB(pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let value = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { throw Probe.Failure() }
        return value
    }
}
