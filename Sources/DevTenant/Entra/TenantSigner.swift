#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Crypto
import _CryptoExtras
import EphemCore
import Synchronization

/// The dev tenant's token-signing keys. Tokens are RS256 with a `kid`, as Entra's are; rotation
/// adds a new active key and, unless told to retire them, keeps publishing the old ones (Entra
/// always lists more than one valid key, reference 9.2).
public final class TenantSigner: Sendable {
    struct Key {
        var kid: String
        var key: _RSA.Signing.PrivateKey
    }

    private let state: Mutex<(active: Key, published: [Key])>

    public init() throws {
        let first = try Self.newKey()
        state = Mutex((first, [first]))
    }

    static func newKey() throws -> Key {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let der = key.publicKey.derRepresentation
        let kid = Base64URL.encode(SHA256.hash(data: der).prefix(16))
        return Key(kid: kid, key: key)
    }

    public var activeKid: String { state.withLock { $0.active.kid } }
    public var publishedKids: [String] { state.withLock { $0.published.map(\.kid) } }

    /// A new active key; `retireOld` drops the previous keys from the JWKS.
    @discardableResult
    public func rotate(retireOld: Bool) throws -> String {
        let key = try Self.newKey()
        state.withLock { state in
            state.active = key
            state.published = retireOld ? [key] : state.published + [key]
        }
        return key.kid
    }

    /// The JWKS document Entra serves at `/{tenant}/discovery/v2.0/keys`.
    public func jwks(issuer: String) -> JSONValue {
        let keys = state.withLock { $0.published }
        return .object(["keys": .array(keys.compactMap { entry in
            guard let primitives = try? entry.key.publicKey.getKeyPrimitives() else { return nil }
            return .object([
                "kty": .string("RSA"), "use": .string("sig"), "kid": .string(entry.kid),
                "n": .string(Base64URL.encode(primitives.modulus)), "e": .string(Base64URL.encode(primitives.publicExponent)),
                "issuer": .string(issuer),
            ])
        })])
    }

    /// Signs `claims` with the active key. `header` entries are added to (or replace) the
    /// standard `{"typ":"JWT","alg":"RS256","kid":…}`: tests use that for hostile tokens.
    public func sign(claims: [String: JSONValue], header extra: [String: JSONValue] = [:]) throws -> String {
        let active = state.withLock { $0.active }
        var header: [String: JSONValue] = ["typ": .string("JWT"), "alg": .string("RS256"), "kid": .string(active.kid)]
        for (key, value) in extra { header[key] = value }
        let input = Self.encodeSegment(header) + "." + Self.encodeSegment(claims)
        let signature = try active.key.signature(for: SHA256.hash(data: Array(input.utf8)), padding: .insecurePKCS1v1_5)
        return input + "." + Base64URL.encode(signature.rawRepresentation)
    }

    /// Signs an arbitrary signing input with the active key (for tokens whose header or payload
    /// bytes a test writes by hand).
    public func signRaw(_ input: String) throws -> String {
        let active = state.withLock { $0.active }
        let signature = try active.key.signature(for: SHA256.hash(data: Array(input.utf8)), padding: .insecurePKCS1v1_5)
        return Base64URL.encode(signature.rawRepresentation)
    }

    /// The claims of `token` if it is a compact JWS signed RS256 by one of the keys this tenant
    /// publishes (by `kid`), else `nil`. Only the signature is checked here: the simulated
    /// resource servers (the Table service) check `aud`, `iss` and lifetime themselves.
    public func verify(_ token: String) -> [String: JSONValue]? {
        guard token.utf8.count <= 16 * 1024 else { return nil }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
              let headerBytes = Base64URL.decode(parts[0]), let payloadBytes = Base64URL.decode(parts[1]),
              let signature = Base64URL.decode(parts[2]),
              let header = (try? StrictJSON.parse(headerBytes))?.objectValue,
              let claims = (try? StrictJSON.parse(payloadBytes))?.objectValue,
              header["alg"] == .string("RS256"), header["crit"] == nil,
              let kid = header["kid"]?.stringValue
        else { return nil }
        guard let key = state.withLock({ $0.published.first { $0.kid == kid } }) else { return nil }
        let input = Array((parts[0] + "." + parts[1]).utf8)
        let valid = key.key.publicKey.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature),
                                                       for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5)
        return valid ? claims : nil
    }

    /// The active key's public DER bytes (an attacker's favourite HMAC secret).
    public var activePublicKeyDER: [UInt8] { state.withLock { Array($0.active.key.publicKey.derRepresentation) } }

    static func encodeSegment(_ object: [String: JSONValue]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Base64URL.encode((try? encoder.encode(JSONValue.object(object))) ?? Data())
    }
}
