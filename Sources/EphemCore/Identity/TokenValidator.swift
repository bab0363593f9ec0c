#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Crypto
import _CryptoExtras

/// Validates an access token for our API exactly per SPEC 7.1. Nothing is taken from a library's
/// defaults: the algorithm is RS256 only (never read from a key), the key comes from the tenant's
/// JWKS by `kid` only (never a default key, never `jku`/`x5u`/`jwk` from the token), and `iss`,
/// `tid`, `aud`, `exp`, `nbf`, `scp`, `oid` and the token type are checked here.
public struct TokenValidator: Sendable {
    public struct Configuration: Sendable {
        public var tenantId: GUID
        public var clientId: GUID
        /// `https://login.microsoftonline.com` (or the dev tenant), no trailing slash.
        public var authorityHost: String
        public var requiredScope: String
        public var requiredAuthContext: String?

        public init(tenantId: GUID, clientId: GUID, authorityHost: String, requiredScope: String, requiredAuthContext: String?) {
            self.tenantId = tenantId
            self.clientId = clientId
            self.authorityHost = authorityHost
            self.requiredScope = requiredScope
            self.requiredAuthContext = requiredAuthContext
        }

        /// v2 tokens: `{authority}/{tenant}/v2.0`; v1 tokens: `https://sts.windows.net/{tenant}/` (reference 9).
        var v2Issuer: String { "\(authorityHost)/\(tenantId)/v2.0" }
        var v1Issuer: String { "https://sts.windows.net/\(tenantId)/" }
        var audiences: Set<String> { [clientId.value, "api://\(clientId.value)"] }
    }

    /// At most 5 minutes of clock skew for `exp` and `nbf` (SPEC 7.1).
    public static let allowedSkew: TimeInterval = 300

    public let configuration: Configuration
    public let keys: SigningKeyCache
    /// Tokens that already passed, for at most 60 s (see `ValidatedTokenCache`); nil disables it.
    public let recent: ValidatedTokenCache?

    public init(configuration: Configuration, keys: SigningKeyCache, recent: ValidatedTokenCache? = ValidatedTokenCache()) {
        self.configuration = configuration
        self.keys = keys
        self.recent = recent
    }

    /// The caller, or `invalidToken` (with a reason for the log, never for the client),
    /// `authContextRequired`, or `upstreamUnavailable` when no signing keys could be loaded.
    public func validate(_ token: String, now: Date = Date()) async throws(EphemError) -> Caller {
        guard token.utf8.count <= CompactJWT.maxLength else { throw .invalidToken(detail: "malformed token (tooLong)") }
        let time = now.timeIntervalSince1970
        let digest = SHA256.hash(data: Array(token.utf8))
        if let recent, let caller = recent.lookup(digest, now: time) { return caller }
        let (caller, expiresAt) = try await validateFully(token, now: now)
        recent?.store(digest, caller: caller, expiresAt: expiresAt, now: time)
        return caller
    }

    /// Every check, and the instant until which the token is acceptable (`exp` + skew).
    func validateFully(_ token: String, now: Date) async throws(EphemError) -> (Caller, TimeInterval) {
        let jwt: CompactJWT
        do {
            jwt = try CompactJWT(token)
        } catch {
            throw .invalidToken(detail: "malformed token (\(error))")
        }
        // Header: RS256 with a kid, and nothing that asks us to trust keys or extensions it names.
        guard jwt.header["alg"]?.stringValue == "RS256" else { throw .invalidToken(detail: "alg is not RS256") }
        if let typ = jwt.header["typ"], typ.stringValue?.uppercased() != "JWT" { throw .invalidToken(detail: "typ is not JWT") }
        guard jwt.header["crit"] == nil else { throw .invalidToken(detail: "crit header present") }
        guard let kid = jwt.header["kid"]?.stringValue, !kid.isEmpty, kid.utf8.count <= 128 else { throw .invalidToken(detail: "no kid") }

        let key: _RSA.Signing.PublicKey
        switch await keys.key(for: kid) {
        case .key(let found): key = found
        case .unknownKid: throw .invalidToken(detail: "unknown kid")
        case .unavailable: throw .upstreamUnavailable(detail: "tenant signing keys could not be loaded")
        }
        guard jwt.signature.count == key.keySizeInBits / 8,
              key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: jwt.signature), for: SHA256.hash(data: jwt.signingInput), padding: .insecurePKCS1v1_5)
        else { throw .invalidToken(detail: "signature does not verify") }

        let caller = try checkClaims(jwt.claims, now: now)
        return (caller, (Self.numericDate(jwt.claims["exp"]) ?? 0) + Self.allowedSkew)
    }

    func checkClaims(_ claims: [String: JSONValue], now: Date) throws(EphemError) -> Caller {
        let config = configuration
        guard let issuer = claims["iss"]?.stringValue else { throw .invalidToken(detail: "no iss") }
        switch claims["ver"]?.stringValue {
        case "2.0": guard issuer == config.v2Issuer else { throw .invalidToken(detail: "iss does not match a v2 token of the tenant") }
        case "1.0": guard issuer == config.v1Issuer else { throw .invalidToken(detail: "iss does not match a v1 token of the tenant") }
        default: throw .invalidToken(detail: "ver is not 1.0 or 2.0")
        }
        guard let tid = claims["tid"]?.stringValue.flatMap(GUID.init), tid == config.tenantId else { throw .invalidToken(detail: "tid is not the tenant") }
        guard let audience = claims["aud"]?.stringValue, config.audiences.contains(audience.lowercased()) else {
            throw .invalidToken(detail: "aud is not this API")
        }
        let time = now.timeIntervalSince1970
        guard let exp = Self.numericDate(claims["exp"]) else { throw .invalidToken(detail: "no exp") }
        guard time < exp + Self.allowedSkew else { throw .invalidToken(detail: "expired") }
        guard let nbf = Self.numericDate(claims["nbf"]) else { throw .invalidToken(detail: "no nbf") }
        guard time >= nbf - Self.allowedSkew else { throw .invalidToken(detail: "not yet valid") }
        if let iat = claims["iat"], Self.numericDate(iat) == nil { throw .invalidToken(detail: "iat is not a number") }

        // Delegated user tokens only: app-only tokens carry idtyp=app and no scp.
        if let idtyp = claims["idtyp"] {
            guard let value = idtyp.stringValue, value != "app" else { throw .invalidToken(detail: "app-only token") }
        }
        guard let scp = claims["scp"]?.stringValue else { throw .invalidToken(detail: "no scp (app-only token)") }
        guard scp.split(separator: " ").contains(Substring(config.requiredScope)) else { throw .invalidToken(detail: "scope missing") }
        guard let oid = claims["oid"]?.stringValue.flatMap(GUID.init) else { throw .invalidToken(detail: "oid is not a GUID") }

        var roles: [String] = []
        if let rolesClaim = claims["roles"] {
            guard let items = rolesClaim.arrayValue else { throw .invalidToken(detail: "roles is not an array") }
            for item in items {
                guard let role = item.stringValue else { throw .invalidToken(detail: "roles holds a non-string") }
                roles.append(role)
            }
        }
        let upn = Self.optionalString(claims["upn"]) ?? Self.optionalString(claims["preferred_username"]) ?? Self.optionalString(claims["unique_name"])
        let caller = Caller(objectId: oid, userPrincipalName: upn, displayName: Self.optionalString(claims["name"]), roles: roles, tenantId: tid)

        if let context = config.requiredAuthContext {
            let satisfied = claims["acrs"]?.arrayValue?.contains(.string(context)) ?? false
            guard satisfied else { throw .authContextRequired(contextId: context) }
        }
        return caller
    }

    /// NumericDate (RFC 7519): a JSON number of seconds. Strings are refused.
    static func numericDate(_ value: JSONValue?) -> Double? {
        guard let number = value?.doubleValue, number.isFinite, number >= 0 else { return nil }
        return number
    }

    static func optionalString(_ value: JSONValue?) -> String? {
        guard let text = value?.stringValue, !text.isEmpty, text.count <= 256 else { return nil }
        return text
    }
}
