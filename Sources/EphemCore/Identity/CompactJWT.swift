/// A JWS in compact serialization, split and decoded but not yet trusted. Exactly three
/// non-empty base64url segments; header and payload must be JSON objects without duplicate
/// members (`StrictJSON`).
struct CompactJWT {
    let header: [String: JSONValue]
    let claims: [String: JSONValue]
    /// `base64url(header) "." base64url(payload)`: the bytes the signature covers.
    let signingInput: [UInt8]
    let signature: [UInt8]

    /// Entra access tokens are 1–4 KB, up to about 6 KB with many claims; anything much larger is
    /// refused before any decoding work.
    static let maxLength = 12 * 1024

    enum Problem: Error, Equatable {
        case tooLong, segments, encoding, json(String)
    }

    init(_ token: String) throws(Problem) {
        guard token.utf8.count <= Self.maxLength else { throw .tooLong }
        let parts = token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else { throw .segments }
        guard let headerBytes = Base64URL.decode(String(decoding: parts[0], as: UTF8.self)),
              let payloadBytes = Base64URL.decode(String(decoding: parts[1], as: UTF8.self)),
              let signature = Base64URL.decode(String(decoding: parts[2], as: UTF8.self))
        else { throw .encoding }
        let header: JSONValue
        let claims: JSONValue
        do {
            header = try StrictJSON.parse(headerBytes)
            claims = try StrictJSON.parse(payloadBytes)
        } catch {
            throw .json(error.problem)
        }
        guard let headerObject = header.objectValue, let claimsObject = claims.objectValue else { throw .json("not an object") }
        self.header = headerObject
        self.claims = claimsObject
        self.signature = signature
        signingInput = Array(parts[0]) + [UInt8(ascii: ".")] + Array(parts[1])
    }
}
