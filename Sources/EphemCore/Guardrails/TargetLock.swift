#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Serializes issuances for one target across portals and instances (SPEC 7.3): one row
/// `PartitionKey = "lock_{target id}"`, `RowKey = "lock"` in `TapRateLimits`. Taking the lock is an
/// insert (409 when held); a released lock or one whose lease ran out (its holder died
/// mid-issuance) is taken over with an ETag-conditional replace, so of any number of racers exactly
/// one holds it.
///
/// Releasing leaves a tombstone (no holder, `ReleasedAt`) instead of deleting the row. That lets an
/// issuance read the target's TAPs *while* it takes the lock, in the same round: a fresh insert
/// proves no issuance for this target ended since the tombstones were last cleaned (an hour after
/// they end, by `audit-retention`), so the TAP list it read is current; a takeover reports when the
/// previous holder ended (`Held.previousEnd`) and the caller reads the TAPs again if that was
/// recent.
public struct TargetLock: Sendable {
    public static let lease: TimeInterval = 90
    let client: TableClient
    let now: @Sendable () -> Date

    public init(client: TableClient, now: @escaping @Sendable () -> Date = Date.init) {
        self.client = client
        self.now = now
    }

    public struct Held: Sendable, Equatable {
        public var target: GUID
        public var holder: String
        public var etag: String
        /// When the previous holder released the lock or its lease ran out; nil for a fresh insert.
        public var previousEnd: Date?
    }

    static func partitionKey(_ target: GUID) -> String { "lock_\(target.value)" }

    /// The lock, or nil when another issuance for this target holds a live lease.
    public func acquire(_ target: GUID) async throws(EphemError) -> Held? {
        if case .held(let held) = try await acquireOrLease(target) { return held }
        return nil
    }

    /// What taking the lock gave: the lock, or the seconds (at least 1) until the live lease of
    /// the current holder runs out. A holder that crashed leaves its lease for up to `lease`
    /// seconds; the caller answers `issuance_in_progress` with that `Retry-After`, not
    /// `tap_active` (issue 12).
    public enum Acquisition: Sendable, Equatable {
        case held(Held)
        case busy(retryAfterSeconds: Int)
    }

    /// As `acquire`, but says how long the current holder's lease still runs.
    public func acquireOrLease(_ target: GUID) async throws(EphemError) -> Acquisition {
        let holder = UUID().uuidString.lowercased()
        let current = now()
        let row = TableEntity(partitionKey: Self.partitionKey(target), rowKey: "lock", properties: [
            "Holder": .string(holder), "ExpiresAt": .dateTime(RateLimiter.format(current.addingTimeInterval(Self.lease))),
        ])
        do {
            let etag = try await client.insert(RateLimiter.table, row)
            return .held(Held(target: target, holder: holder, etag: etag))
        } catch .entityAlreadyExists {
            // Held, or left behind by a holder that died: look at its lease.
        } catch {
            throw .upstreamUnavailable(detail: "target lock insert: \(error)")
        }
        let existing: TableEntity?
        do {
            existing = try await client.get(RateLimiter.table, partitionKey: Self.partitionKey(target), rowKey: "lock")
        } catch {
            throw .upstreamUnavailable(detail: "target lock read: \(error)")
        }
        guard let existing, let etag = existing.etag else {
            // Released between our insert and our read: one more insert decides.
            do {
                let etag = try await client.insert(RateLimiter.table, row)
                return .held(Held(target: target, holder: holder, etag: etag))
            } catch .entityAlreadyExists {
                return .busy(retryAfterSeconds: Int(Self.lease))
            } catch {
                throw .upstreamUnavailable(detail: "target lock insert: \(error)")
            }
        }
        if existing["Holder"]?.stringValue == holder { return .held(Held(target: target, holder: holder, etag: etag)) }
        let expires = existing["ExpiresAt"]?.dateTimeValue.flatMap(RateLimiter.parse) ?? .distantFuture
        let released = existing["ReleasedAt"]?.dateTimeValue.flatMap(RateLimiter.parse)
        let isFree = existing["Holder"]?.stringValue == "" || expires <= current
        guard isFree else {
            return .busy(retryAfterSeconds: max(1, Int(min(expires.timeIntervalSince(current), Self.lease).rounded(.up))))
        }
        do {
            let newETag = try await client.replace(RateLimiter.table, row, ifMatch: etag)
            return .held(Held(target: target, holder: holder, etag: newETag, previousEnd: released ?? min(expires, current)))
        } catch .conditionNotSatisfied, .notFound {
            return .busy(retryAfterSeconds: Int(Self.lease))
        } catch {
            throw .upstreamUnavailable(detail: "target lock takeover: \(error)")
        }
    }

    /// Releases the lock if we still hold it, leaving a tombstone whose lease has ended. A failure
    /// leaves the lease to run out.
    @discardableResult
    public func release(_ held: Held) async -> Bool {
        let stamp = RateLimiter.format(now())
        let tombstone = TableEntity(partitionKey: Self.partitionKey(held.target), rowKey: "lock", properties: [
            "Holder": .string(""), "ExpiresAt": .dateTime(stamp), "ReleasedAt": .dateTime(stamp),
        ])
        do {
            try await client.replace(RateLimiter.table, tombstone, ifMatch: held.etag)
            return true
        } catch {
            return false
        }
    }
}
