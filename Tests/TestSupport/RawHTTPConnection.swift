import Foundation
import FunctionsHost
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection for tests that must control exactly when request bytes are sent
/// (e.g. a request still in flight while the handler receives SIGTERM).
public final class RawHTTPConnection {
    let fd: Int32

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public init(port: Int) throws {
        guard let fd = Loopback.connect(port: port, receiveTimeout: 20) else { throw Failure(description: "connect to \(port) failed") }
        self.fd = fd
    }

    deinit { close(fd) }

    /// This connection's local port.
    public var localPort: Int { Loopback.localPort(of: fd) }

    /// Returns once the server process has read everything sent on this connection, i.e. the
    /// server side's receive queue in /proc/net/tcp is empty. Used to know a request head has
    /// reached the handler before signalling it, without sleeping for a guessed time.
    public func waitUntilServerHasRead(serverPort: Int, timeout: Duration = .seconds(10)) async throws {
        let local = String(format: "0100007F:%04X", serverPort)
        let remote = String(format: "0100007F:%04X", localPort)
        let deadline = ContinuousClock.now + timeout
        var seen: [String] = []
        while ContinuousClock.now < deadline {
            let table = Self.readProcFile("/proc/net/tcp")
            for line in table.split(separator: "\n") {
                let fields = line.split(separator: " ")
                if line.contains(remote) { seen = [String(line)] }
                guard fields.count > 4, fields[1] == local, fields[2] == remote else { continue }
                let queues = fields[4].split(separator: ":")
                if queues.count == 2, Int(queues[1], radix: 16) == 0 { return }
            }
            try await Task.sleep(for: .milliseconds(2))
        }
        throw Failure(description: "the server did not read the request within \(timeout); last /proc/net/tcp lines: \(seen)")
    }

    /// procfs files report size 0, so read until end of file rather than by the stat size.
    static func readProcFile(_ path: String) -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            data.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: data, as: UTF8.self)
    }

    public func send(_ text: String) throws {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeMutableBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw Failure(description: "send failed") }
            offset += sent
        }
    }

    /// Reads until the peer closes or a complete response with Content-Length has arrived.
    public func readResponse() throws -> (status: Int, body: String) {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if count <= 0 { break }
            data.append(contentsOf: buffer[0..<count])
            if let response = Self.parse(data) { return response }
        }
        guard let response = Self.parse(data) else { throw Failure(description: "no complete response (\(data.count) bytes)") }
        return response
    }

    static func parse(_ data: [UInt8]) -> (status: Int, body: String)? {
        let text = String(decoding: data, as: UTF8.self)
        guard let headerEnd = text.range(of: "\r\n\r\n") else { return nil }
        let head = text[..<headerEnd.lowerBound]
        let statusLine = head.split(separator: "\r\n").first ?? ""
        guard let status = statusLine.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return nil }
        let body = String(text[headerEnd.upperBound...])
        let lengthLine = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
        if let lengthLine, let length = Int(lengthLine.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) {
            return body.utf8.count >= length ? (status, body) : nil
        }
        return nil
    }
}
