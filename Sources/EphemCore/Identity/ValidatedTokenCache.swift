#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Crypto
import Synchronization

/// Remembers tokens that passed every check, keyed by their SHA-256, so a portal's repeated calls
/// with the same token skip the RSA verification and claim checks (about 85 µs a token on these
/// cores; a hit is a hash and a lookup).
///
/// An entry lives at most 60 seconds and never past the token's own `exp` + skew. Only successes
/// are stored, and every check of `TokenValidator` is a pure function of the token, the
/// configuration and the key set, so a hit answers what a full validation would — except after the
/// signing key was withdrawn from the JWKS, which we only learn at the next JWKS refresh (hourly)
/// anyway: the cache adds at most 60 seconds to that window.
public final class ValidatedTokenCache: Sendable {
    struct Entry {
        var caller: Caller
        var validUntil: TimeInterval
    }

    public static let maxAge: TimeInterval = 60
    let capacity: Int
    private let entries = Mutex<[SHA256Digest: Entry]>([:])

    public init(capacity: Int = 4096) { self.capacity = capacity }

    func lookup(_ digest: SHA256Digest, now: TimeInterval) -> Caller? {
        entries.withLock { entries in
            guard let entry = entries[digest] else { return nil }
            guard now < entry.validUntil else {
                entries[digest] = nil
                return nil
            }
            return entry.caller
        }
    }

    func store(_ digest: SHA256Digest, caller: Caller, expiresAt: TimeInterval, now: TimeInterval) {
        let validUntil = min(expiresAt, now + Self.maxAge)
        guard validUntil > now else { return }
        entries.withLock { entries in
            if entries.count >= capacity {
                entries = entries.filter { $0.value.validUntil > now }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[digest] = Entry(caller: caller, validUntil: validUntil)
        }
    }

    public var count: Int { entries.withLock { $0.count } }
}
