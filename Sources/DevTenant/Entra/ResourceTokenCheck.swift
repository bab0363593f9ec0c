#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import EphemCore

/// How the simulated resource servers (Graph, the Table service) accept a Bearer token: signed
/// RS256 by one of the dev tenant's published keys, `aud` one of the resource's audiences, `iss`
/// one of the issuers the resource trusts, `tid` the tenant (when present), and `exp`/`nbf`
/// current within 5 minutes of skew.
struct ResourceTokenCheck: Sendable {
    enum Failure: Error, Equatable {
        case malformedOrUnsigned, audience, issuer, tenant, expired, notYetValid

        /// Graph's wording of the failure (`InvalidAuthenticationToken` messages).
        var graphMessage: String {
            switch self {
            case .malformedOrUnsigned: "Access token validation failure."
            case .audience: "Access token validation failure. Invalid audience."
            case .issuer: "Access token validation failure. Invalid issuer."
            case .tenant: "Access token validation failure. Invalid tenant."
            case .expired: "Lifetime validation failed, the token is expired."
            case .notYetValid: "Lifetime validation failed, the token is not yet valid."
            }
        }
    }

    static let clockSkewSeconds: Double = 300

    let tenantId: String
    let signer: TenantSigner
    let audiences: Set<String>

    /// The token's claims, or why it is refused. `issuers` is passed per call because the dev
    /// tenant's own issuer contains its port, known only once it listens.
    func claims(of token: String, issuers: Set<String>, now: Date = Date()) -> Result<[String: JSONValue], Failure> {
        guard let claims = signer.verify(token) else { return .failure(.malformedOrUnsigned) }
        guard let audience = claims["aud"]?.stringValue, audiences.contains(audience) else { return .failure(.audience) }
        guard let issuer = claims["iss"]?.stringValue, issuers.contains(issuer) else { return .failure(.issuer) }
        if let tid = claims["tid"] {
            guard tid.stringValue?.lowercased() == tenantId.lowercased() else { return .failure(.tenant) }
        }
        let seconds = now.timeIntervalSince1970
        guard let exp = claims["exp"]?.doubleValue, exp > seconds - Self.clockSkewSeconds else { return .failure(.expired) }
        if let nbf = claims["nbf"] {
            guard let value = nbf.doubleValue, value <= seconds + Self.clockSkewSeconds else { return .failure(.notYetValid) }
        }
        return .success(claims)
    }
}
