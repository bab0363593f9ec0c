import EphemCore
public import Hummingbird
import HTTPTypes

/// Refuses a declared body over the limit before reading it (SPEC 6.4: 413 `payload_too_large`).
/// Bodies without a length are bounded where they are read (`Request.collectBody`).
public struct BodyLimitMiddleware: RouterMiddleware {
    public typealias Context = EphemRequestContext
    public static let limit = 16 * 1024

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > Self.limit {
            throw EphemError.payloadTooLarge
        }
        return try await next(request, context)
    }
}

extension Request {
    /// The whole body, at most 16 KiB, whatever the framing.
    public func collectBody() async throws -> ByteBuffer {
        do {
            return try await body.collect(upTo: BodyLimitMiddleware.limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw EphemError.payloadTooLarge
        }
    }
}
