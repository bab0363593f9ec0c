#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// An exact rolling-window limit shared by every instance through Table Storage (SPEC 7.3).
///
/// The subject (an agent, or a self-service user) owns `limit` slot rows in `TapRateLimits`:
/// `PartitionKey = "{scope}_{subject id}"`, `RowKey = "slot-NN"`. An issuance claims one slot whose
/// last use is older than the window, with an ETag-conditional write (or an insert for a slot never
/// used), so two instances can never claim the same slot. A slot is reusable only `window` after its
/// last claim, hence no window of that length can hold more than `limit` claims: exact, not
/// approximate, however many instances race. Uncontended, a claim is 2 round trips (read the
/// subject's slots, write one).
///
/// A claim whose response was lost and whose retry then met 412/409 is recognised by its
/// `ReservationId`, so a fault cannot make the limit count one issuance twice.
public struct RateLimiter: Sendable {
    public static let table = "TapRateLimits"

    public let scope: String
    public let limit: Int
    public let window: TimeInterval
    let client: TableClient
    let now: @Sendable () -> Date
    static let maxRounds = 30

    public init(scope: String, limit: Int, window: TimeInterval, client: TableClient, now: @escaping @Sendable () -> Date = Date.init) {
        self.scope = scope
        self.limit = limit
        self.window = window
        self.client = client
        self.now = now
    }

    /// A claimed slot, to be released if no TAP comes of it.
    public struct Reservation: Sendable, Equatable {
        public var partitionKey: String
        public var rowKey: String
        public var reservationId: String
        public var etag: String
        /// The slot's previous use, restored by `release`.
        public var previousUse: String?
    }

    public enum Outcome: Sendable, Equatable {
        case granted(Reservation)
        /// Every slot was used within the window; the earliest frees up after this many seconds.
        case limited(retryAfterSeconds: Int)
    }

    func partitionKey(_ subject: GUID) -> String { "\(scope)_\(subject.value)" }
    static func rowKey(_ slot: Int) -> String { "slot-" + (slot < 10 ? "0\(slot)" : "\(slot)") }

    public func reserve(for subject: GUID) async throws(EphemError) -> Outcome {
        let partition = partitionKey(subject)
        let reservationId = UUID().uuidString.lowercased()
        for _ in 0..<Self.maxRounds {
            let page: TableClient.Page
            do {
                page = try await client.query(Self.table, filter: "PartitionKey eq \(ODataLiteral.string(partition))", top: 1000)
            } catch {
                throw .upstreamUnavailable(detail: "rate limit read: \(error)")
            }
            let current = now()
            let cutoff = current.addingTimeInterval(-window)
            var slots: [Int: TableEntity] = [:]
            for entity in page.entities {
                guard entity.rowKey.hasPrefix("slot-"), let index = Int(entity.rowKey.dropFirst(5)), index < limit else { continue }
                slots[index] = entity
            }
            var free: [Int] = []
            var busyUntil: [Date] = []
            for index in 0..<limit {
                guard let entity = slots[index] else { free.append(index); continue }
                let used = entity["UsedAt"]?.dateTimeValue.flatMap(Self.parse)
                if let used, used > cutoff { busyUntil.append(used.addingTimeInterval(window)) } else { free.append(index) }
            }
            guard let slot = free.randomElement() else {
                let earliest = busyUntil.min() ?? current.addingTimeInterval(window)
                return .limited(retryAfterSeconds: max(1, Int(earliest.timeIntervalSince(current).rounded(.up))))
            }
            var claim = TableEntity(partitionKey: partition, rowKey: Self.rowKey(slot), properties: [
                "UsedAt": .dateTime(Self.format(current)), "ReservationId": .string(reservationId),
            ])
            let previous = slots[slot]
            if let previousUse = previous?["UsedAt"]?.dateTimeValue { claim["PreviousUse"] = .dateTime(previousUse) }
            do {
                let etag: String
                if let previous, let previousETag = previous.etag {
                    etag = try await client.replace(Self.table, claim, ifMatch: previousETag)
                } else {
                    etag = try await client.insert(Self.table, claim)
                }
                return .granted(Reservation(partitionKey: partition, rowKey: claim.rowKey, reservationId: reservationId, etag: etag, previousUse: previous?["UsedAt"]?.dateTimeValue))
            } catch .conditionNotSatisfied, .entityAlreadyExists {
                // Someone else took that slot, or our own write landed and its answer was lost.
                if let mine = try await ownClaim(partition: partition, rowKey: claim.rowKey, reservationId: reservationId) { return .granted(mine) }
                continue
            } catch {
                throw .upstreamUnavailable(detail: "rate limit write: \(error)")
            }
        }
        throw .upstreamUnavailable(detail: "rate limit: too much contention")
    }

    private func ownClaim(partition: String, rowKey: String, reservationId: String) async throws(EphemError) -> Reservation? {
        let entity: TableEntity?
        do {
            entity = try await client.get(Self.table, partitionKey: partition, rowKey: rowKey)
        } catch {
            throw .upstreamUnavailable(detail: "rate limit read back: \(error)")
        }
        guard let entity, entity["ReservationId"]?.stringValue == reservationId, let etag = entity.etag else { return nil }
        return Reservation(partitionKey: partition, rowKey: rowKey, reservationId: reservationId, etag: etag, previousUse: entity["PreviousUse"]?.dateTimeValue)
    }

    /// Gives the slot back when no TAP was issued (guard refusal, Graph failure). Best effort: if
    /// the slot changed or the write fails the slot simply stays used (fail closed).
    public func release(_ reservation: Reservation) async -> Bool {
        var restored = TableEntity(partitionKey: reservation.partitionKey, rowKey: reservation.rowKey, properties: ["ReservationId": .string("")])
        if let previous = reservation.previousUse { restored["UsedAt"] = .dateTime(previous) }
        do {
            try await client.replace(Self.table, restored, ifMatch: reservation.etag)
            return true
        } catch {
            return false
        }
    }

    static func format(_ date: Date) -> String {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
    }

    static func parse(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}
