import EphemCore
public import Hummingbird
import HTTPTypes

/// Turns every error thrown below it into the JSON error of SPEC 6.4. Errors we did not expect
/// become an opaque 500 and a log line with the error's type, never its text in a response.
public struct ErrorMiddleware: RouterMiddleware {
    public typealias Context = EphemRequestContext
    let mapping: ErrorMapping

    public init(mapping: ErrorMapping) { self.mapping = mapping }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as EphemError {
            switch error {
            case .upstreamUnavailable(let detail):
                context.logger.error("upstream unavailable", metadata: ["error.detail": "\(detail)"])
            case .upstreamRefused(let requestId, let detail):
                context.logger.error("upstream refused", metadata: ["error.detail": "\(detail)", "graph.request_id": "\(requestId ?? "")"])
            case .outcomeUnknown(let detail):
                context.logger.error("issuance outcome unknown", metadata: ["error.detail": "\(detail)"])
            case .invalidToken(let detail):
                context.logger.notice("token refused", metadata: ["auth.failure": "\(detail)"])
            case .missingRole(let roles):
                context.logger.notice("app role missing", metadata: ["auth.required_roles": "\(roles.joined(separator: ","))"])
            default:
                break
            }
            return mapping.response(for: error)
        } catch let error as HTTPError {
            switch error.status {
            case .notFound: return mapping.response(for: .notFound)
            case .methodNotAllowed: return mapping.response(for: .methodNotAllowed)
            case .contentTooLarge: return mapping.response(for: .payloadTooLarge)
            case .badRequest: return mapping.response(for: .invalidRequest(message: "The request is malformed."))
            default:
                context.logger.error("unexpected HTTP error", metadata: ["http.status": "\(error.status.code)"])
                return mapping.internalError()
            }
        } catch {
            context.logger.error("unexpected error", metadata: ["error.type": "\(type(of: error))"])
            return mapping.internalError()
        }
    }
}
