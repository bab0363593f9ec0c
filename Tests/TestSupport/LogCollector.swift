import FunctionsHost
import Synchronization

/// Collects every line the handlers print, so tests can assert on them (and on what is absent),
/// and can wait for a line to appear instead of sleeping.
public final class LogCollector: Sendable {
    private let state = Mutex<(lines: [String], waiters: [(String, CheckedContinuation<Void, Never>)])>(([], []))

    public init() {}

    public var sink: OutputSink {
        OutputSink { [self] label, _, line in append("[\(label)] \(line)") }
    }

    func append(_ line: String) {
        let ready = state.withLock { state in
            state.lines.append(line)
            let matched = state.waiters.filter { line.contains($0.0) }
            state.waiters.removeAll { line.contains($0.0) }
            return matched.map(\.1)
        }
        for waiter in ready { waiter.resume() }
    }

    public var all: [String] { state.withLock { $0.lines } }

    public func contains(_ text: String) -> Bool { all.contains { $0.contains(text) } }

    /// Returns once a line containing `text` has been printed (at once if one already was).
    public func waitFor(_ text: String) async {
        await withCheckedContinuation { continuation in
            let already = state.withLock { state in
                if state.lines.contains(where: { $0.contains(text) }) { return true }
                state.waiters.append((text, continuation))
                return false
            }
            if already { continuation.resume() }
        }
    }
}
