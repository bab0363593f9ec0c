import Crypto
import DevTenant
import EphemCore
import Foundation

/// The table of good, wrong and hostile bearer credentials of issue 3, each with the exact
/// answer the API must give. Shared by the in-process and the end-to-end token tests.
public struct TokenCase: Sendable, CustomStringConvertible {
    public enum Route: Sendable { case me, tapAdmin }
    public var name: String
    /// `Authorization` header values (none, one, or two).
    public var authorization: [String]
    public var route: Route
    public var status: Int
    public var code: String?
    public var description: String { name }
}

public struct HostileTokens: Sendable {
    public let signer: TenantSigner
    public let authorityHost: String
    public let tenantId: String
    public let clientId: String
    public let otherClientId: String
    public let userId: String
    public let now: Date

    public init(signer: TenantSigner, authorityHost: String, tenantId: String, clientId: String, otherClientId: String, userId: String, now: Date = Date()) {
        self.signer = signer
        self.authorityHost = authorityHost
        self.tenantId = tenantId
        self.clientId = clientId
        self.otherClientId = otherClientId
        self.userId = userId
        self.now = now
    }

    public func claims(_ changes: [String: JSONValue?] = [:]) -> [String: JSONValue] {
        let issued = Double(Int(now.timeIntervalSince1970))
        var claims: [String: JSONValue] = [
            "aud": .string(clientId), "iss": .string("\(authorityHost)/\(tenantId)/v2.0"),
            "iat": .number(issued), "nbf": .number(issued), "exp": .number(issued + 3600),
            "tid": .string(tenantId), "ver": .string("2.0"), "scp": .string("Access"), "idtyp": .string("user"),
            "oid": .string(userId), "upn": .string("hannah.agent@contoso.example"), "name": .string("Hannah Agent"),
            "roles": .array([.string(AppRole.tapAdmin)]),
        ]
        for (key, value) in changes { claims[key] = value }
        return claims
    }

    func signed(_ changes: [String: JSONValue?] = [:], header: [String: JSONValue] = [:]) -> String {
        (try? signer.sign(claims: claims(changes), header: header)) ?? "signing-failed"
    }

    /// A token from hand-written header and payload JSON, signed by the tenant key.
    func raw(header: String, payload: String) -> String {
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
        return input + "." + ((try? signer.signRaw(input)) ?? "")
    }

    public var cases: [TokenCase] {
        let good = signed()
        let parts = good.split(separator: ".").map(String.init)
        let kid = signer.activeKid
        let minutes: (Double) -> JSONValue = { .number(Double(Int(now.timeIntervalSince1970)) + $0 * 60) }
        let foreign = try! TenantSigner()
        let foreignSameKid = ((try? foreign.sign(claims: claims(), header: ["kid": .string(kid)])) ?? "")
        let hmacInput = Base64URL.encode(Array(#"{"alg":"HS256","kid":"\#(kid)","typ":"JWT"}"#.utf8)) + "." + parts[1]
        let hmac = HMAC<SHA256>.authenticationCode(for: Array(hmacInput.utf8), using: SymmetricKey(data: signer.activePublicKeyDER))
        let payloadJSON = String(decoding: Base64URL.decode(parts[1])!, as: UTF8.self)
        let headerJSON = #"{"alg":"RS256","kid":"\#(kid)","typ":"JWT"}"#
        var tampered = claims()
        tampered["oid"] = .string("aaaaaaaa-0000-4000-8000-000000000005")
        let tamperedPayload = Base64URL.encode(try! JSONEncoder().encode(JSONValue.object(tampered)))

        func bearer(_ token: String) -> [String] { ["Bearer \(token)"] }
        func refused(_ name: String, _ authorization: [String], route: TokenCase.Route = .me) -> TokenCase {
            TokenCase(name: name, authorization: authorization, route: route, status: 401, code: "invalid_token")
        }
        func accepted(_ name: String, _ authorization: [String], route: TokenCase.Route = .me) -> TokenCase {
            TokenCase(name: name, authorization: authorization, route: route, status: 200, code: nil)
        }
        return [
            accepted("valid token", bearer(good)),
            accepted("valid token on a TapAdmin route", bearer(good), route: .tapAdmin),
            accepted("scheme in lower case", ["bearer \(good)"]),
            accepted("expired 4 minutes ago (inside the 5-minute skew)", bearer(signed(["exp": minutes(-4)]))),
            accepted("nbf 4 minutes ahead (inside the skew)", bearer(signed(["nbf": minutes(4)]))),
            accepted("v1 token with the v1 issuer and api:// audience", bearer(signed(["ver": .string("1.0"), "iss": .string("https://sts.windows.net/\(tenantId)/"), "aud": .string("api://\(clientId)")]))),
            refused("no Authorization header", []),
            refused("two Authorization headers", bearer(good) + bearer(good)),
            refused("Basic credentials", ["Basic aGFubmFoOnB3"]),
            refused("Bearer without a token", ["Bearer "]),
            refused("whitespace inside the token", ["Bearer \(parts[0]). \(parts[1]).\(parts[2])"]),
            refused("alg none, empty signature", bearer(Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8)) + "." + parts[1] + ".")),
            refused("alg none with a signature", bearer(Base64URL.encode(Array(#"{"alg":"none","kid":"\#(kid)"}"#.utf8)) + "." + parts[1] + "." + parts[2])),
            refused("HS256 keyed with the RSA public key bytes", bearer(hmacInput + "." + Base64URL.encode(Array(hmac)))),
            refused("RS384 header", bearer(signed(header: ["alg": .string("RS384")]))),
            refused("PS256 header", bearer(signed(header: ["alg": .string("PS256")]))),
            refused("ES256 header", bearer(signed(header: ["alg": .string("ES256")]))),
            refused("missing kid", bearer(raw(header: #"{"alg":"RS256","typ":"JWT"}"#, payload: payloadJSON))),
            refused("unknown kid", bearer(signed(header: ["kid": .string("not-a-tenant-key")]))),
            refused("jku pointing elsewhere with unknown kid", bearer(signed(header: ["kid": .string("attacker"), "jku": .string("https://attacker.example/keys")]))),
            refused("valid signature from a key outside the JWKS, same kid", bearer(foreignSameKid)),
            refused("valid signature from a key outside the JWKS, its own kid", bearer((try? foreign.sign(claims: claims())) ?? "")),
            refused("crit header", bearer(signed(header: ["crit": .array([.string("exp")])]))),
            refused("typ at+jwt", bearer(signed(header: ["typ": .string("at+jwt")]))),
            refused("another tenant's issuer", bearer(signed(["iss": .string("\(authorityHost)/22222222-aaaa-4aaa-8aaa-222222222222/v2.0")]))),
            refused("issuer of another authority host", bearer(signed(["iss": .string("https://login.attacker.example/\(tenantId)/v2.0")]))),
            refused("v2 token with the v1 issuer", bearer(signed(["iss": .string("https://sts.windows.net/\(tenantId)/")]))),
            refused("v1 token with the v2 issuer", bearer(signed(["ver": .string("1.0")]))),
            refused("no ver", bearer(signed(["ver": nil]))),
            refused("tid is another tenant", bearer(signed(["tid": .string("22222222-aaaa-4aaa-8aaa-222222222222")]))),
            refused("tid not a GUID", bearer(signed(["tid": .string("contoso")]))),
            refused("wrong aud", bearer(signed(["aud": .string("44444444-4444-4444-4444-444444444444")]))),
            refused("aud of the other portal's app", bearer(signed(["aud": .string(otherClientId)]))),
            refused("aud as an array", bearer(signed(["aud": .array([.string(clientId)])]))),
            refused("aud is Graph", bearer(signed(["aud": .string("https://graph.microsoft.com")]))),
            refused("expired by 6 minutes", bearer(signed(["exp": minutes(-6)]))),
            refused("nbf 6 minutes ahead", bearer(signed(["nbf": minutes(6)]))),
            refused("no exp", bearer(signed(["exp": nil]))),
            refused("exp as a string", bearer(signed(["exp": .string(String(Int(now.timeIntervalSince1970) + 3600))]))),
            refused("no nbf", bearer(signed(["nbf": nil]))),
            refused("iat as a string", bearer(signed(["iat": .string("yesterday")]))),
            refused("no scp", bearer(signed(["scp": nil]))),
            refused("wrong scope", bearer(signed(["scp": .string("User.Read")]))),
            refused("scope that only starts with Access", bearer(signed(["scp": .string("AccessAll User.Read")]))),
            refused("idtyp app", bearer(signed(["idtyp": .string("app")]))),
            refused("app-only shape: roles, no scp, idtyp absent", bearer(signed(["scp": nil, "idtyp": nil]))),
            refused("oid not a GUID", bearer(signed(["oid": .string("hannah.agent@contoso.example")]))),
            refused("no oid", bearer(signed(["oid": nil]))),
            refused("roles as a string", bearer(signed(["roles": .string(AppRole.tapAdmin)])), route: .tapAdmin),
            refused("roles holding a number", bearer(signed(["roles": .array([.number(1)])])), route: .tapAdmin),
            TokenCase(name: "no roles on a TapAdmin route", authorization: bearer(signed(["roles": nil])), route: .tapAdmin, status: 403, code: "missing_role"),
            TokenCase(name: "TapViewer on a TapAdmin route", authorization: bearer(signed(["roles": .array([.string(AppRole.tapViewer)])])), route: .tapAdmin, status: 403, code: "missing_role"),
            TokenCase(name: "role name in other case", authorization: bearer(signed(["roles": .array([.string("helpdesk.tapadmin")])])), route: .tapAdmin, status: 403, code: "missing_role"),
            refused("malformed base64 in the payload", bearer(parts[0] + ".$$$." + parts[2])),
            refused("two segments", bearer(parts[0] + "." + parts[1])),
            refused("four segments", bearer(good + "." + parts[2])),
            refused("a 20 KB token", bearer(signed(["pad": .string(String(repeating: "x", count: 20_000))]))),
            refused("tampered payload with the original signature", bearer(parts[0] + "." + tamperedPayload + "." + parts[2])),
            refused("truncated signature", bearer(parts[0] + "." + parts[1] + "." + String(parts[2].dropLast(4)))),
            refused("duplicate oid claims", bearer(raw(header: headerJSON, payload: "{" + #""oid":"aaaaaaaa-0000-4000-8000-000000000005","# + payloadJSON.dropFirst()))),
            refused("payload is a JSON array", bearer(raw(header: headerJSON, payload: "[1,2,3]"))),
            refused("payload with trailing data", bearer(raw(header: headerJSON, payload: payloadJSON + "x"))),
        ]
    }

    /// Every distinct piece of secret material in the table: whole tokens and signature segments.
    public var secrets: [String] {
        cases.flatMap(\.authorization).flatMap { value -> [String] in
            let token = value.split(separator: " ", maxSplits: 1).last.map(String.init) ?? value
            let segments = token.split(separator: ".").map(String.init)
            return [token] + (segments.count >= 3 ? [segments[2]] : [])
        }.filter { $0.count >= 20 }
    }
}
