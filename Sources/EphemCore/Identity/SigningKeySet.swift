#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import _CryptoExtras

/// The tenant's token-signing keys by `kid`, from its JWKS (`{authority}/{tenant}/discovery/v2.0/keys`,
/// reference 9.2). Only RSA keys meant for signatures (`use` absent or `sig`, `alg` absent or
/// `RS256`) of at least 2048 bits are kept; anything else in the document is ignored, never trusted.
public struct SigningKeySet: Sendable {
    public let keys: [String: _RSA.Signing.PublicKey]

    public init(keys: [String: _RSA.Signing.PublicKey]) { self.keys = keys }

    public struct DecodingError: Error {}

    public init(jwks bytes: [UInt8]) throws {
        guard let root = try? StrictJSON.parse(bytes), let entries = root["keys"]?.arrayValue else { throw DecodingError() }
        var keys: [String: _RSA.Signing.PublicKey] = [:]
        for entry in entries {
            guard entry["kty"]?.stringValue == "RSA", let kid = entry["kid"]?.stringValue, !kid.isEmpty,
                  let n = entry["n"]?.stringValue.flatMap(Base64URL.decode), let e = entry["e"]?.stringValue.flatMap(Base64URL.decode)
            else { continue }
            if let use = entry["use"], use.stringValue != "sig" { continue }
            if let alg = entry["alg"], alg.stringValue != "RS256" { continue }
            guard let key = try? _RSA.Signing.PublicKey(n: n, e: e), key.keySizeInBits >= 2048 else { continue }
            keys[kid] = key
        }
        guard !keys.isEmpty else { throw DecodingError() }
        self.keys = keys
    }
}

