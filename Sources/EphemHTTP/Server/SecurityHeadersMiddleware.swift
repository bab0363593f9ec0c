public import Hummingbird
import HTTPTypes

/// Headers every response carries (issue 2): no sniffing, no framing, no referrer, HSTS, and a
/// Content-Security-Policy — a strict one for the portal pages, `default-src 'none'` for the API.
/// API answers are never cached: they carry tokens' results, and one of them carries a TAP.
public struct SecurityHeadersMiddleware: RouterMiddleware {
    public typealias Context = EphemRequestContext
    let portalPolicy: String

    /// `authorityOrigin` is the sign-in host the portal's script talks to (token endpoint).
    public init(authorityOrigin: String) {
        portalPolicy = [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self' \(authorityOrigin)",
            "form-action 'self' \(authorityOrigin)",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ].joined(separator: "; ")
    }

    static let apiPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        let isAPI = request.uri.path.hasPrefix("/api/")
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "no-referrer"
        response.headers[.xFrameOptions] = "DENY"
        response.headers[.strictTransportSecurity] = "max-age=31536000; includeSubDomains"
        response.headers[.crossOriginResourcePolicy] = "same-origin"
        response.headers[.contentSecurityPolicy] = isAPI ? Self.apiPolicy : portalPolicy
        if isAPI || response.headers[.cacheControl] == nil {
            response.headers[.cacheControl] = "no-store"
        }
        return response
    }
}

extension HTTPField.Name {
    static let referrerPolicy = Self("Referrer-Policy")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let xForwardedFor = Self("X-Forwarded-For")!
    static let xClientIP = Self("X-Client-IP")!
}
