#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import EphemCore
import Hummingbird
import HTTPTypes

/// The App Service managed-identity endpoint (reference 3): `GET /msi/token?resource=…&api-version=2019-08-01`
/// with `X-IDENTITY-HEADER`. Tokens are app-only (v1 issuer, `idtyp=app`), signed with the tenant
/// key, with `aud` = the resource: Graph and the Table service accept nothing else. The identity is
/// the one whose header value the caller sent (`DevTenantOptions.managedIdentities`).
struct ManagedIdentityRoutes {
    let tenant: DevTenantServer

    func add(to router: Router<BasicRequestContext>) {
        router.get("/msi/token") { request, _ in
            let query = FormData.parse(request.uri.query ?? "")
            let header = request.headers[values: HTTPField.Name("X-IDENTITY-HEADER")!]
            guard header.count == 1, let identity = tenant.options.managedIdentities.first(where: { $0.header == header[0] }) else {
                return failure(401, "The X-IDENTITY-HEADER value is missing or wrong.")
            }
            guard query["api-version"] == "2019-08-01" else { return failure(400, "Unsupported api-version; use 2019-08-01.") }
            guard let resource = query["resource"], !resource.isEmpty, resource.hasPrefix("https://") else {
                return failure(400, "Unable to load the proper Managed Identity: a resource is required.")
            }
            let now = Int(Date().timeIntervalSince1970)
            let expires = now + tenant.options.managedIdentityTokenLifetimeSeconds
            let audience = resource.hasSuffix("/") ? String(resource.dropLast()) : resource
            var claims: [String: JSONValue] = [
                "aud": .string(audience), "iss": .string("https://sts.windows.net/\(tenant.seed.tenantId)/"),
                "iat": .number(Double(now)), "nbf": .number(Double(now)), "exp": .number(Double(expires)),
                "tid": .string(tenant.seed.tenantId), "oid": .string(identity.objectId),
                "sub": .string(identity.objectId), "idtyp": .string("app"), "ver": .string("1.0"),
                "appid": .string(identity.clientId),
            ]
            // Graph tokens carry the application permissions granted to the identity (the Graph
            // service principal's app roles); other resources' tokens carry none here.
            if audience == GraphClient.resource, !identity.graphPermissions.isEmpty {
                claims["roles"] = .array(identity.graphPermissions.sorted().map(JSONValue.string))
            }
            let token = try tenant.signer.sign(claims: claims)
            return try jsonResponse(.object([
                "access_token": .string(token), "expires_on": .string(String(expires)), "resource": .string(resource),
                "token_type": .string("Bearer"), "client_id": .string(identity.clientId),
            ]))
        }
    }

    func failure(_ status: Int, _ message: String) -> Response {
        (try? jsonResponse(.object(["statusCode": .number(Double(status)), "message": .string(message), "correlationId": .string(UUID().uuidString.lowercased())]),
                           status: .init(code: status))) ?? Response(status: .init(code: status))
    }
}
