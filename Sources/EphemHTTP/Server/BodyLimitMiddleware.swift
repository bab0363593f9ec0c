import EphemCore
public import Hummingbird
import HTTPTypes
import NIOCore

/// Refuses a declared body over the limit before reading it (SPEC 6.4: 413 `payload_too_large`).
/// Bodies without a length are bounded where they are read (`Request.collectBody`).
/// `HandlerApplication` applies it to each route that does not record its refusals; an issuing or
/// revoking route (`FunctionRoute.audited()`) reads its body with `TapRoutes.readBody`, so a
/// body over the limit, declared or chunked, is 413 with its audit row (issue 13, finding 3).
public struct BodyLimitMiddleware: RouterMiddleware {
    public typealias Context = EphemRequestContext
    public static let limit = 16 * 1024

    public init() {}

    /// `handler` behind the early refusal of a declared oversize body (routes without an audit row).
    static func refusingDeclaredOversize(_ handler: @escaping FunctionRoute.Handler) -> FunctionRoute.Handler {
        { (request: Request, context: EphemRequestContext) async throws -> Response in
            guard !request.declaresBodyOverLimit else { throw EphemError.payloadTooLarge }
            return try await handler(request, context)
        }
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > Self.limit {
            throw EphemError.payloadTooLarge
        }
        return try await next(request, context)
    }
}

extension Request {
    /// The whole body, at most 16 KiB, whatever the framing: a declared length over the limit is
    /// refused before reading; a chunked body is refused once it passes the limit (NIO's
    /// `NIOTooManyBytesError`, which used to escape as a 500).
    public func collectBody() async throws -> ByteBuffer {
        if let length = headers[.contentLength].flatMap({ Int($0) }), length > BodyLimitMiddleware.limit {
            throw EphemError.payloadTooLarge
        }
        do {
            return try await body.collect(upTo: BodyLimitMiddleware.limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw EphemError.payloadTooLarge
        } catch is NIOTooManyBytesError {
            throw EphemError.payloadTooLarge
        }
    }

    /// The declared length is over the limit (checked before anything is read).
    var declaresBodyOverLimit: Bool {
        headers[.contentLength].flatMap { Int($0) }.map { $0 > BodyLimitMiddleware.limit } ?? false
    }
}
