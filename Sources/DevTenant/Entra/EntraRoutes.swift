#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Crypto
import EphemCore
import Hummingbird
import HTTPTypes

/// Entra's endpoints for one tenant (SPEC 8): JWKS, OpenID configuration, the authorize page
/// (pick a seeded user; PKCE S256 and `state`) and the token endpoint (code + verifier).
struct EntraRoutes {
    let tenant: DevTenantServer

    var seed: Seed { tenant.seed }
    var tenantId: String { seed.tenantId }

    func add(to router: Router<BasicRequestContext>) {
        let base = "/\(tenantId)"
        router.get("\(base)/discovery/v2.0/keys") { _, _ in
            try jsonResponse(tenant.signer.jwks(issuer: "\(tenant.baseURL)/\(tenantId)/v2.0"))
        }
        router.get("\(base)/v2.0/.well-known/openid-configuration") { _, _ in
            let root = "\(tenant.baseURL)/\(tenantId)"
            return try jsonResponse(.object([
                "issuer": .string("\(root)/v2.0"),
                "authorization_endpoint": .string("\(root)/oauth2/v2.0/authorize"),
                "token_endpoint": .string("\(root)/oauth2/v2.0/token"),
                "jwks_uri": .string("\(root)/discovery/v2.0/keys"),
                "response_types_supported": .array([.string("code")]),
                "code_challenge_methods_supported": .array([.string("S256")]),
                "id_token_signing_alg_values_supported": .array([.string("RS256")]),
                "tenant_region_scope": .string("EU"),
            ]))
        }
        router.get("\(base)/oauth2/v2.0/authorize") { request, _ in
            authorizePage(FormData.parse(request.uri.query ?? ""))
        }
        router.post("\(base)/oauth2/v2.0/authorize") { request, _ in
            let body = try await request.body.collect(upTo: 16 << 10)
            return authorizeChoice(FormData.parse(String(buffer: body)))
        }
        router.on("\(base)/oauth2/v2.0/token", method: .options) { request, _ in
            var response = Response(status: .noContent)
            corsHeaders(request, &response)
            response.headers[.accessControlAllowMethods] = "POST"
            response.headers[.accessControlAllowHeaders] = "content-type"
            return response
        }
        router.post("\(base)/oauth2/v2.0/token") { request, _ in
            let body = try await request.body.collect(upTo: 16 << 10)
            var response = tokenExchange(FormData.parse(String(buffer: body)))
            corsHeaders(request, &response)
            return response
        }
    }

    // MARK: authorize

    struct AuthorizeRequest {
        var app: DevTenantOptions.RegisteredApp
        var redirectURI: String
        var state: String?
        var challenge: String
        var acrs: [String]
        var scope: String
    }

    enum AuthorizeProblem: Error {
        /// Shown on the page: the redirect URI cannot be trusted.
        case page(String)
        /// Sent back to the (registered) redirect URI.
        case redirect(uri: String, state: String?, error: String, description: String)
    }

    func validate(_ query: [String: String]) throws(AuthorizeProblem) -> AuthorizeRequest {
        guard let clientId = query["client_id"], let app = tenant.options.apps.first(where: { $0.clientId == clientId.lowercased() }) else {
            throw .page("Unknown client_id: this application is not registered in the dev tenant.")
        }
        guard let redirect = query["redirect_uri"], app.redirectURIs.contains(redirect) else {
            throw .page("The redirect_uri is not registered for \(app.name). Registered: \(app.redirectURIs.joined(separator: ", ")).")
        }
        let state = query["state"]
        func fail(_ error: String, _ description: String) -> AuthorizeProblem { .redirect(uri: redirect, state: state, error: error, description: description) }
        guard query["response_type"] == "code" else { throw fail("unsupported_response_type", "Only response_type=code is supported.") }
        guard query["code_challenge_method"] == "S256", let challenge = query["code_challenge"], challenge.count == 43, Base64URL.decode(challenge)?.count == 32 else {
            throw fail("invalid_request", "PKCE with code_challenge_method=S256 is required.")
        }
        var acrs: [String] = []
        if let claims = query["claims"] {
            guard let parsed = try? StrictJSON.parse(Array(claims.utf8)) else { throw fail("invalid_request", "claims is not JSON.") }
            if let value = parsed[caseInsensitive: "access_token"]?[caseInsensitive: "acrs"]?[caseInsensitive: "value"]?.stringValue { acrs = [value] }
            if let values = parsed[caseInsensitive: "access_token"]?[caseInsensitive: "acrs"]?[caseInsensitive: "values"]?.arrayValue {
                acrs = values.compactMap(\.stringValue)
            }
        }
        return AuthorizeRequest(app: app, redirectURI: redirect, state: state, challenge: challenge, acrs: acrs, scope: query["scope"] ?? "")
    }

    func authorizePage(_ query: [String: String]) -> Response {
        let request: AuthorizeRequest
        do {
            request = try validate(query)
        } catch {
            return problemResponse(error)
        }
        let hidden = ["client_id", "redirect_uri", "response_type", "scope", "state", "code_challenge", "code_challenge_method", "claims"]
            .compactMap { name in query[name].map { #"<input type="hidden" name="\#(name)" value="\#(FormData.escapeHTML($0))">"# } }
            .joined(separator: "\n")
        let users = seed.users.filter { $0.accountEnabled != false && ($0.userType ?? "Member") == "Member" }.map { user in
            let roles = request.app.name == "helpdesk" ? (user.appRoles ?? []).joined(separator: ", ") : ""
            return #"<li><button type="submit" name="user" value="\#(FormData.escapeHTML(user.id))"><strong>\#(FormData.escapeHTML(user.displayName))</strong> <span>\#(FormData.escapeHTML(user.userPrincipalName))</span>\#(roles.isEmpty ? "" : " <em>\(FormData.escapeHTML(roles))</em>")</button></li>"#
        }.joined(separator: "\n")
        let stepUp = request.acrs.isEmpty ? "" : "<p>This sign-in satisfies the authentication context \(FormData.escapeHTML(request.acrs.joined(separator: ", "))).</p>"
        let html = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Sign in – EphemGate dev tenant</title>
        <style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem}ul{list-style:none;padding:0}
        button{display:block;width:100%;text-align:left;padding:.75rem;margin:.4rem 0;font:inherit;cursor:pointer}
        button span{color:#555}button:focus{outline:3px solid #1a73e8}</style></head>
        <body><main><h1>Sign in to \(FormData.escapeHTML(request.app.name))</h1>
        <p>Dev tenant \(FormData.escapeHTML(tenantId)). Pick a demo account:</p>\(stepUp)
        <form method="post">
        \(hidden)
        <ul>
        \(users)
        </ul>
        </form></main></body></html>
        """
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        // Browsers apply form-action to the redirect that follows the post too, so the registered
        // redirect URI (already matched against the app's list) must be allowed as well.
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' \(request.redirectURI); frame-ancestors 'none'"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    func authorizeChoice(_ form: [String: String]) -> Response {
        let request: AuthorizeRequest
        do {
            request = try validate(form)
        } catch {
            return problemResponse(error)
        }
        guard let userId = form["user"], let user = seed.users.first(where: { $0.id == userId }), user.accountEnabled != false else {
            return problemResponse(.redirect(uri: request.redirectURI, state: request.state, error: "access_denied", description: "No such user."))
        }
        let code = tenant.codes.issue(.init(clientId: request.app.clientId, redirectURI: request.redirectURI, codeChallenge: request.challenge,
                                            userId: user.id, acrs: request.acrs, expires: Date().addingTimeInterval(AuthorizationCodes.lifetime)))
        var parameters = ["code=\(FormData.encode(code))"]
        if let state = request.state { parameters.append("state=\(FormData.encode(state))") }
        return redirect(request.redirectURI, parameters)
    }

    func problemResponse(_ problem: AuthorizeProblem) -> Response {
        switch problem {
        case .page(let message):
            var headers = HTTPFields()
            headers[.contentType] = "text/html; charset=utf-8"
            headers[.contentSecurityPolicy] = "default-src 'none'"
            let html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign-in error</title></head><body><h1>Sign-in error</h1><p>\(FormData.escapeHTML(message))</p></body></html>"
            return Response(status: .badRequest, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
        case .redirect(let uri, let state, let error, let description):
            var parameters = ["error=\(error)", "error_description=\(FormData.encode(description))"]
            if let state { parameters.append("state=\(FormData.encode(state))") }
            return redirect(uri, parameters)
        }
    }

    func redirect(_ uri: String, _ parameters: [String]) -> Response {
        var headers = HTTPFields()
        headers[.location] = uri + (uri.contains("?") ? "&" : "?") + parameters.joined(separator: "&")
        headers[.cacheControl] = "no-store"
        return Response(status: .found, headers: headers)
    }

    // MARK: token

    func tokenExchange(_ form: [String: String]) -> Response {
        func error(_ code: String, _ description: String) -> Response {
            (try? jsonResponse(.object(["error": .string(code), "error_description": .string(description)]), status: .badRequest))
                ?? Response(status: .badRequest)
        }
        guard form["grant_type"] == "authorization_code" else { return error("unsupported_grant_type", "Only authorization_code is supported.") }
        guard let code = form["code"], let grant = tenant.codes.redeem(code) else { return error("invalid_grant", "The code is unknown or was already used.") }
        guard grant.expires > Date() else { return error("invalid_grant", "The code has expired.") }
        guard form["client_id"]?.lowercased() == grant.clientId, form["redirect_uri"] == grant.redirectURI else {
            return error("invalid_grant", "client_id or redirect_uri does not match the authorization request.")
        }
        guard let verifier = form["code_verifier"], (43...128).contains(verifier.count),
              Base64URL.encode(SHA256.hash(data: Array(verifier.utf8))) == grant.codeChallenge
        else { return error("invalid_grant", "The PKCE code_verifier does not match the code_challenge.") }
        guard let app = tenant.options.apps.first(where: { $0.clientId == grant.clientId }),
              let user = seed.users.first(where: { $0.id == grant.userId })
        else { return error("invalid_grant", "The grant no longer matches the directory.") }
        let lifetime = tenant.options.accessTokenLifetimeSeconds
        let claims = AccessTokenClaims.delegated(tenantId: tenantId, issuerBase: tenant.baseURL, app: app, user: user, acrs: grant.acrs, lifetime: lifetime)
        guard let token = try? tenant.signer.sign(claims: claims) else { return Response(status: .internalServerError) }
        var response = (try? jsonResponse(.object([
            "token_type": .string("Bearer"), "scope": .string("api://\(app.clientId)/Access"),
            "expires_in": .number(Double(lifetime)), "ext_expires_in": .number(Double(lifetime)), "access_token": .string(token),
        ]))) ?? Response(status: .internalServerError)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// Entra answers token requests from a registered SPA origin with CORS headers.
    func corsHeaders(_ request: Request, _ response: inout Response) {
        guard let origin = request.headers[.origin] else { return }
        let allowed = tenant.options.apps.flatMap(\.redirectURIs).contains { uri in
            uri == origin || uri.hasPrefix(origin + "/")
        }
        if allowed {
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.vary] = "Origin"
        }
    }
}

func jsonResponse(_ value: JSONValue, status: HTTPResponse.Status = .ok) throws -> Response {
    try jsonResponse(encoding: value, status: status)
}

/// Any encodable value as sorted-key JSON (`/dev/requests`, `/dev/mail`).
func jsonResponse(encoding value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    var headers = HTTPFields()
    headers[.contentType] = "application/json; charset=utf-8"
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
}
