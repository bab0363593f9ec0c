#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// The one outbound HTTP client of a process, with the rules every upstream call follows: a
/// timeout on every call, a bounded response body, no redirects.
public struct OutboundHTTP: Sendable {
    public let client: HTTPClient

    public init(client: HTTPClient) { self.client = client }

    /// A client configured for upstream calls; the composition root owns and shuts it down.
    /// A refused connection is retried by the pool until the 2 s connect timeout, so an endpoint
    /// that is down fails within that time per attempt, and our own bounded retries sit on top.
    public static func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(2), read: .seconds(20))
        configuration.decompression = .disabled
        // One issuance makes about ten concurrent Graph and Table calls; AsyncHTTPClient's default of
        // 8 connections per host would queue a handful of parallel issuances behind each other, and a
        // request queued past the connect timeout fails.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public struct Response: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: [UInt8]

        public func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    public enum Failure: Error, Equatable {
        /// Connection refused, reset, timed out, or a body over the limit.
        case transport(String)
    }

    public func send(
        method: String, url: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
        timeout: Duration = .seconds(10), maxBody: Int = 4 << 20
    ) async throws(Failure) -> Response {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000))
            let bytes = try await response.body.collect(upTo: maxBody)
            return Response(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: Array(buffer: bytes))
        } catch {
            throw .transport(String(describing: type(of: error)))
        }
    }
}
