import Foundation
import Synchronization

/// Starts child processes one at a time. swift-corelibs-foundation's `Process.run()` has crashed
/// here (SIGSEGV in `memcpy` inside `Process.run`) when several processes were launched at the
/// same moment from different threads, as parallel tests and multi-instance hosts do; launches are
/// rare and quick, so serializing them costs nothing measurable.
public enum ProcessLaunch {
    private static let lock = Mutex(())

    /// Runs `process` (`Process.run()`), never concurrently with another launch through here.
    /// Throws what `Process.run()` throws (e.g. the executable is missing).
    public static func run(_ process: Process) throws {
        try lock.withLock { _ in try process.run() }
    }
}
