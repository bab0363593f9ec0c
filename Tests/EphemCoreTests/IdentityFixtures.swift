import DevTenant
import EphemCore
import Foundation
import Logging

enum IdentityFixtures {
    static let tenantId = GUID("11111111-1111-1111-1111-111111111111")!
    static let clientId = GUID("33333333-3333-3333-3333-333333333333")!
    static let authorityHost = "https://login.example"
    static let agentId = "aaaaaaaa-0000-4000-8000-000000000001"

    static func configuration(authContext: String? = nil) -> TokenValidator.Configuration {
        .init(tenantId: tenantId, clientId: clientId, authorityHost: authorityHost, requiredScope: "Access", requiredAuthContext: authContext)
    }

    static func claims(now: Date = Date(), _ changes: [String: JSONValue?] = [:]) -> [String: JSONValue] {
        let issued = Double(Int(now.timeIntervalSince1970))
        var claims: [String: JSONValue] = [
            "aud": .string(clientId.value), "iss": .string("\(authorityHost)/\(tenantId)/v2.0"),
            "iat": .number(issued), "nbf": .number(issued), "exp": .number(issued + 3600),
            "tid": .string(tenantId.value), "ver": .string("2.0"), "scp": .string("Access"), "idtyp": .string("user"),
            "oid": .string(agentId), "upn": .string("hannah.agent@contoso.example"), "name": .string("Hannah Agent"),
            "roles": .array([.string(AppRole.tapAdmin)]),
        ]
        for (key, value) in changes { claims[key] = value }
        return claims
    }
}
