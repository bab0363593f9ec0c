import Foundation
import FunctionsHost

/// Runs one of `scripts/crosscheck/*.py` with Microsoft's official clients.
///
/// The wait happens on a thread of its own: the script talks to servers running inside this test
/// process, whose request handling needs the concurrency pool's few threads (as many as cores).
/// Blocking one of them in `waitUntilExit` while the script waits for our server deadlocks a
/// 2-core machine.
public enum CrossCheckScript {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public static func run(_ script: String, arguments: [String] = [], environment: [String: String] = [:]) async throws -> Result {
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let out = Pipe(), err = Pipe()
        let process = try ChildProcess.launch(executable: "/usr/bin/env", arguments: ["python3", TestPaths.repoRoot + "/scripts/crosscheck/" + script] + arguments,
                                              environment: env, standardOutput: .pipe(out), standardError: .pipe(err))
        return await withCheckedContinuation { continuation in
            let thread = Thread {
                let stdout = out.fileHandleForReading.readDataToEndOfFile()
                let stderr = err.fileHandleForReading.readDataToEndOfFile()
                let ended = process.waitUntilExit()
                continuation.resume(returning: Result(status: ended.status, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self)))
            }
            thread.start()
        }
    }
}
