import Foundation
import Synchronization

/// Where the handlers' standard output and error go, a line at a time, prefixed with the worker's
/// label. `ephemgate-dev` prints them; tests collect them to check what was logged.
public struct OutputSink: Sendable {
    public enum Stream: Sendable { case standardOutput, standardError }
    public typealias Line = @Sendable (_ label: String, _ stream: Stream, _ line: String) -> Void

    let write: Line

    public init(_ write: @escaping Line) { self.write = write }

    /// Prints `[label] line` to this process's stdout or stderr.
    public static let console = OutputSink { label, stream, line in
        let text = "[\(label)] \(line)\n"
        let handle = stream == .standardOutput ? FileHandle.standardOutput : FileHandle.standardError
        handle.write(Data(text.utf8))
    }

    func pipe(label: String, stream: Stream) -> Pipe {
        let pipe = Pipe()
        let buffer = Mutex(Data())
        let write = self.write
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            var lines: [String] = []
            buffer.withLock { pending in
                if chunk.isEmpty {
                    if !pending.isEmpty { lines.append(String(decoding: pending, as: UTF8.self)) }
                    pending.removeAll()
                    handle.readabilityHandler = nil
                    return
                }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    lines.append(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                    pending.removeSubrange(pending.startIndex...newline)
                }
            }
            for line in lines { write(label, stream, line) }
        }
        return pipe
    }
}
