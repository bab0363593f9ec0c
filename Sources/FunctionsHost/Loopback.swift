import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Plain sockets on 127.0.0.1, for the few places that must not go through an HTTP client's
/// connection pool (readiness polling, start-up measurement, byte-exact test requests) and for
/// finding a free port the way the host's `GetUnusedTcpPort` does.
public enum Loopback {
    public struct Failure: Error {}

    static func address(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// A connected TCP socket (the caller closes it), or nil when nothing listens.
    /// `receiveTimeout` bounds every later `recv`.
    public static func connect(port: Int, receiveTimeout seconds: Int = 2) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var target = address(port: port)
        let connected = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    /// The status code of `GET path` on a fresh connection, or nil when nothing answered.
    public static func status(port: Int, path: String) -> Int? {
        guard let fd = connect(port: port) else { return nil }
        defer { close(fd) }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUser-Agent: Azure-Functions-Host/4.x-emulator\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count else { return nil }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count >= 12, buffer[0..<5].elementsEqual("HTTP/".utf8) else { return nil }
        return Int(String(decoding: buffer[9..<12], as: UTF8.self))
    }

    /// The local port of a socket.
    public static func localPort(of fd: Int32) -> Int {
        var bound = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: bound.sin_port))
    }

    /// Whether 127.0.0.1:`port` can be bound now (with `SO_REUSEADDR`, as the servers bind), so a
    /// start-up can name a busy port before it starts anything (issue 13, finding 6).
    public static func canBind(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var reuse: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var target = address(port: port)
        let bound = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return bound == 0 && listen(fd, 1) == 0
    }

    /// A free TCP port for a worker, from a range below Linux's ephemeral ports (32768–60999),
    /// handed out by a process-wide counter from a random start, each checked to bind now.
    ///
    /// Why not "bind port 0, read it, close": that port goes back to the ephemeral pool, where the
    /// next `bind(0)` or outgoing connection of any of the many servers and clients a test run
    /// starts may take it before the worker binds it; the host's readiness probe then reached a
    /// stranger (seen as another stack's 401s and as a refused handler counted ready). A counter
    /// never hands the same port out twice in one process, and the range keeps the kernel's own
    /// choices away from it.
    public static func freePort() throws -> Int {
        for _ in 0..<(workerPorts.upperBound - workerPorts.lowerBound) {
            let offset = nextWorkerPort.add(1, ordering: .relaxed).oldValue
            let port = workerPorts.lowerBound + offset % (workerPorts.upperBound - workerPorts.lowerBound)
            if canBind(port: port) { return port }
        }
        throw Failure()
    }

    static let workerPorts = 20_000..<32_768
    private static let nextWorkerPort = Atomic<Int>(Int.random(in: 0..<12_768))
}
