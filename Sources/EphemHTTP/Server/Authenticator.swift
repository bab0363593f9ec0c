public import EphemCore
public import Hummingbird
import HTTPTypes

/// Reads the bearer token of a request and validates it (SPEC 7.1). Exactly one `Authorization`
/// header, scheme `Bearer`, one space, then the token's own characters; anything else is
/// `invalid_token` before any decoding. The token itself never leaves this function.
public struct Authenticator: Sendable {
    public let validator: TokenValidator

    public init(validator: TokenValidator) { self.validator = validator }

    public func caller(for request: Request) async throws(EphemError) -> Caller {
        let values = request.headers[values: .authorization]
        guard values.count == 1, let value = values.first else {
            throw .invalidToken(detail: values.isEmpty ? "no Authorization header" : "several Authorization headers")
        }
        let scheme = value.prefix(7)
        guard scheme.count == 7, scheme.lowercased() == "bearer " else { throw .invalidToken(detail: "not a Bearer credential") }
        let token = value.dropFirst(7)
        let allowed = token.utf8.allSatisfy { byte in
            (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
        guard !token.isEmpty, allowed else { throw .invalidToken(detail: "token has characters outside base64url") }
        return try await validator.validate(String(token))
    }

    /// Wraps a route's handler with its access rule.
    func guarded(_ route: FunctionRoute) -> FunctionRoute.Handler {
        let handler = route.handler
        switch route.access {
        case .anonymous:
            return handler
        case .signedIn:
            return { request, context in
                var context = context
                context.caller = try await caller(for: request)
                return try await handler(request, context)
            }
        case .anyRole(let roles):
            return { request, context in
                var context = context
                let caller = try await caller(for: request)
                try caller.require(anyOf: roles)
                context.caller = caller
                return try await handler(request, context)
            }
        }
    }
}
