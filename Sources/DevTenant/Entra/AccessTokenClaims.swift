#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import EphemCore

/// The claims of a v2.0 delegated access token for one of the apps' APIs, as Entra issues them
/// with the optional claims `idtyp` and `upn` configured (reference 9).
enum AccessTokenClaims {
    static func delegated(tenantId: String, issuerBase: String, app: DevTenantOptions.RegisteredApp, user: Seed.User?,
                          scope: String = "Access", acrs: [String] = [], lifetime: Int, now: Date = Date()) -> [String: JSONValue] {
        let issuedAt = Double(Int(now.timeIntervalSince1970))
        var claims: [String: JSONValue] = [
            "aud": .string(app.clientId),
            "iss": .string("\(issuerBase)/\(tenantId)/v2.0"),
            "iat": .number(issuedAt), "nbf": .number(issuedAt), "exp": .number(issuedAt + Double(lifetime)),
            "tid": .string(tenantId),
            "ver": .string("2.0"),
            "scp": .string(scope),
            "idtyp": .string("user"),
            "azp": .string(app.clientId),
            "uti": .string(Base64URL.encode((0..<16).map { _ in UInt8.random(in: 0...255) })),
        ]
        if let user { claims.merge(userClaims(user, app: app)) { $1 } }
        if !acrs.isEmpty { claims["acrs"] = .array(acrs.map(JSONValue.string)) }
        return claims
    }

    /// `oid`, names and the app roles assigned on that app (seed `appRoles` are helpdesk roles).
    static func userClaims(_ user: Seed.User, app: DevTenantOptions.RegisteredApp) -> [String: JSONValue] {
        var claims: [String: JSONValue] = [
            "oid": .string(user.id), "sub": .string(Base64URL.encode(Array((user.id + app.clientId).utf8.prefix(32)))),
            "upn": .string(user.userPrincipalName), "preferred_username": .string(user.userPrincipalName),
            "name": .string(user.displayName),
        ]
        let roles = app.name == "helpdesk" ? (user.appRoles ?? []) : []
        if !roles.isEmpty { claims["roles"] = .array(roles.map(JSONValue.string)) }
        return claims
    }
}
