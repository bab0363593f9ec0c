import EphemCore
import Foundation
@testable import EphemHTTP
import FunctionsHost
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Issue 13, finding 4: the server closes idle, slow-header and stalled-body connections, and
/// answers an HTTP/1.0 request without keep-alive in HTTP/1.0 and closes.
@Suite(.serialized) struct ConnectionLimitsTests {
    static let limits = ConnectionLimits(idle: .milliseconds(600), body: .milliseconds(300))

    static func app() throws -> HandlerApplication.App {
        var env = SettingsTests.valid
        env["FUNCTIONS_APP_ROOT_PATH"] = HandlerApplicationTests.repoRoot + "/functions/selfservice"
        let settings = try Settings.parse(portal: .selfService, environment: env)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let dependencies = HandlerDependencies(
            settings: settings, logger: logger, http: OutboundHTTP(client: .shared),
            signingKeys: SigningKeyCache(source: InMemoryKeySource(signer: TokenTableTests.signer), logger: logger), tokens: NoUpstreamTokens())
        return HandlerApplication.build(HandlerDefinition(portal: .selfService) { _ in [] }, dependencies: dependencies, port: 0, limits: limits)
    }

    /// `readUntilClosed` on a thread of its own: a blocking `recv` on the cooperative pool (two
    /// threads on a two-core machine) would starve every other test, and the server under test.
    static func readUntilClosed(_ fd: Int32) async -> (text: String, elapsed: Duration) {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: blockingReadUntilClosed(fd)) }
        }
    }

    /// Reads until the server closes (recv 0) and returns what arrived and how long it took.
    static func blockingReadUntilClosed(_ fd: Int32) -> (text: String, elapsed: Duration) {
        let start = ContinuousClock.now
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if count <= 0 { break }
            data += buffer[0..<count]
        }
        return (String(decoding: data, as: UTF8.self), ContinuousClock.now - start)
    }

    static func send(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { Glibc.send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    @Test(arguments: ["", "GET /api/health HTTP/1.1\r\nHost: x\r\n", "PUT /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"])
    func stalledConnectionsAreClosed(prefix: String) async throws {
        try await Self.app().test(.live) { client in
            let port = try #require(client.port)
            let fd = try #require(Loopback.connect(port: port, receiveTimeout: 10))
            defer { close(fd) }
            if !prefix.isEmpty { Self.send(fd, prefix) }
            let (text, elapsed) = await Self.readUntilClosed(fd)
            // A stalled body may get its answer (the route refuses before reading); either way
            // the connection ends within the limits, not minutes later.
            #expect(prefix.contains("Content-Length") || text.isEmpty)
            #expect(elapsed < .seconds(5))
        }
    }

    @Test func http10WithoutKeepAliveIsAnsweredIn10AndClosed() async throws {
        try await Self.app().test(.live) { client in
            let port = try #require(client.port)
            let fd = try #require(Loopback.connect(port: port, receiveTimeout: 10))
            defer { close(fd) }
            Self.send(fd, "GET /api/health HTTP/1.0\r\n\r\n")
            let (text, elapsed) = await Self.readUntilClosed(fd)
            #expect(text.hasPrefix("HTTP/1.0 200"))
            #expect(text.lowercased().contains("connection: close"))
            #expect(elapsed < .milliseconds(500))
        }
    }

    @Test func keepAliveConnectionServesTwoRequests() async throws {
        try await Self.app().test(.live) { client in
            let port = try #require(client.port)
            let fd = try #require(Loopback.connect(port: port, receiveTimeout: 10))
            defer { close(fd) }
            Self.send(fd, "GET /api/health HTTP/1.1\r\nHost: x\r\n\r\nGET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
            let (text, _) = await Self.readUntilClosed(fd)
            #expect(text.components(separatedBy: "HTTP/1.1 200 OK").count == 3, Comment(rawValue: text))
        }
    }
}
