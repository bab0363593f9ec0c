import CSpawn
import Foundation
import Synchronization

/// A child process started with `posix_spawn` and watched by a thread of its own.
///
/// Why not Foundation's `Process`: on Linux, swift-corelibs-foundation's `Process.run()` scans
/// `/proc/self/fd` copying a fixed 256 bytes of each `readdir` record, and crashes the whole
/// parent (SIGSEGV in `memcpy`) when a short record sits at the end of glibc's buffer
/// (swiftlang/swift-corelibs-foundation#5472, fixed upstream after the Swift 6.3.1 toolchain
/// this project builds with). Our test runs and `ephemgate-dev` launch and restart many handlers,
/// and the crash hit roughly one full test run in five, serialized launches included. swift-subprocess
/// runs a child inside one closure's scope, which does not fit a host that keeps, kills and
/// restarts long-lived workers from an actor. So this spawns directly (`CSpawn`): standard input
/// from /dev/null, output and error onto the given descriptors, every other descriptor closed in
/// the child (`posix_spawn_file_actions_addclosefrom_np`), default signal handling.
public final class ChildProcess: Sendable {
    /// How a child ended: its exit code, or the signal that ended it.
    public struct Termination: Sendable, Equatable {
        public var status: Int32
        public var signalled: Bool

        public init(status: Int32, signalled: Bool) {
            self.status = status
            self.signalled = signalled
        }

        /// Exited with status 0.
        public var succeeded: Bool { status == 0 && !signalled }
    }

    /// Where the child's standard output or error goes.
    public enum Output: Sendable {
        /// /dev/null.
        case discard
        /// The write end of this pipe (the parent's copy is closed once the child has it).
        case pipe(Pipe)
        /// This descriptor of the parent, shared as is (e.g. `STDERR_FILENO`).
        case descriptor(Int32)

        var fileDescriptor: Int32 {
            switch self {
            case .discard: -1
            case .pipe(let pipe): pipe.fileHandleForWriting.fileDescriptor
            case .descriptor(let fd): fd
            }
        }

        func closeParentCopy() {
            if case .pipe(let pipe) = self { try? pipe.fileHandleForWriting.close() }
        }
    }

    public let pid: Int32
    /// The pipes stay alive as long as the child: a `Pipe` that goes away closes its read end, and
    /// the child's next write would end it with SIGPIPE.
    private let outputs: [Output]
    private let ended = Mutex<Termination?>(nil)
    private let exitSignal = DispatchSemaphore(value: 0)
    private let waiters = Mutex<[CheckedContinuation<Termination, Never>]>([])

    private init(pid: Int32, outputs: [Output]) {
        self.pid = pid
        self.outputs = outputs
    }

    /// Starts `executable` (an absolute path) with `arguments` and exactly `environment`.
    /// `onExit` runs once, on the watcher thread, when the child has ended. Throws a `POSIXError`
    /// (e.g. `ENOENT` for a missing executable) when the spawn fails.
    public static func launch(executable: String, arguments: [String] = [], environment: [String: String], workingDirectory: String? = nil,
                              standardOutput: Output = .discard, standardError: Output = .discard,
                              onExit: (@Sendable (Termination) -> Void)? = nil) throws -> ChildProcess {
        // posix_spawn resolves a relative path after the child's chdir: make it absolute first.
        let executable = executable.hasPrefix("/") ? executable : FileManager.default.currentDirectoryPath + "/" + executable
        let argv = [executable] + arguments
        let envp = environment.map { "\($0.key)=\($0.value)" }
        let out = standardOutput.fileDescriptor, err = standardError.fileDescriptor
        var pid: pid_t = 0
        let status = withCStrings(argv) { argvPointers in
            withCStrings(envp) { envpPointers in
                if let workingDirectory {
                    return workingDirectory.withCString { ephemgate_spawn(&pid, executable, argvPointers, envpPointers, $0, out, err) }
                }
                return ephemgate_spawn(&pid, executable, argvPointers, envpPointers, nil, out, err)
            }
        }
        standardOutput.closeParentCopy()
        standardError.closeParentCopy()
        guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EIO) }
        let spawned = pid
        let child = ChildProcess(pid: spawned, outputs: [standardOutput, standardError])
        Thread.detachNewThread {
            let termination = Self.waitForExit(spawned)
            child.ended.withLock { $0 = termination }
            child.exitSignal.signal()
            onExit?(termination)
            for waiter in child.waiters.withLock({ waiters in defer { waiters.removeAll() }; return waiters }) {
                waiter.resume(returning: termination)
            }
        }
        return child
    }

    /// Whether the child has not ended yet.
    public var isRunning: Bool { ended.withLock { $0 == nil } }

    /// How it ended; waits (without blocking a thread) until it has.
    public func termination() async -> Termination {
        await withCheckedContinuation { continuation in
            let done: Termination? = ended.withLock { ended in
                if let ended { return ended }
                waiters.withLock { $0.append(continuation) }
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }

    /// How it ended, blocking the calling thread until it has (for synchronous command-line code;
    /// never call it on the concurrency pool).
    public func waitUntilExit() -> Termination {
        exitSignal.wait()
        exitSignal.signal()
        return ended.withLock { $0 } ?? Termination(status: -1, signalled: false)
    }

    /// Sends `signal` (e.g. `SIGTERM`) if the child still runs.
    public func send(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// `waitpid` until the child ends, retried on `EINTR`. The status word is decoded by hand
    /// (the `W…` macros are not imported): low 7 bits the signal, bits 8–15 the exit code.
    private static func waitForExit(_ pid: pid_t) -> Termination {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { return Termination(status: -1, signalled: false) }
        }
        let signal = status & 0x7F
        return signal == 0 ? Termination(status: (status >> 8) & 0xFF, signalled: false) : Termination(status: signal, signalled: true)
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        let copies = strings.map { strdup($0) } + [nil]
        defer { for copy in copies { free(copy) } }
        return copies.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
