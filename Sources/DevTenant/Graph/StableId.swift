#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Crypto
import EphemCore

/// Ids for objects the seed lists without one (authentication methods, role assignments, PIM
/// instances): derived from what identifies them, so they stay the same across restarts and
/// requests, as the real ones do.
enum StableId {
    /// A GUID-shaped id (version 4 and variant bits set) from `parts`.
    static func guid(_ parts: String...) -> String {
        var bytes = Array(SHA256.hash(data: Array(parts.joined(separator: "\u{1}").utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        let h = Array(hex)
        return [h[0..<8], h[8..<12], h[12..<16], h[16..<20], h[20..<32]].map { String($0) }.joined(separator: "-")
    }

    /// A base64url id like the role-assignment ids Graph returns (`lAPpYvVpN0KRkAEhdxReEJC2sEqbR_9N…`).
    static func opaque(_ parts: String...) -> String {
        Base64URL.encode(Array(SHA256.hash(data: Array(parts.joined(separator: "\u{1}").utf8)).prefix(24)))
    }

    /// A fixed instant in the past derived from `parts` (registration dates, PIM schedule starts).
    static func pastDate(_ parts: String...) -> Date {
        let digest = Array(SHA256.hash(data: Array(parts.joined(separator: "\u{1}").utf8)))
        let days = (Int(digest[0]) << 8 | Int(digest[1])) % 365
        let seconds = (Int(digest[2]) << 8 | Int(digest[3])) % 86400
        // 2024-01-01T00:00:00Z plus up to a year.
        return Date(timeIntervalSince1970: 1_704_067_200 + Double(days * 86400 + seconds))
    }
}
