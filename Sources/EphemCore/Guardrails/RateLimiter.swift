#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import Synchronization

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
    /// This process's last view of the slots, shared by every copy of this limiter.
    let view = SlotView()
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
        // Fast path: claim a slot this process last saw free, without reading first (1 round trip).
        // The claim is as conditional as ever, so a stale view only costs a conflict and the full
        // path; a refusal is never decided from the view alone.
        if let slot = view.freeSlot(partition, cutoff: now().addingTimeInterval(-window)) {
            if let granted = try await claim(partition: partition, slot: slot.index, previous: slot.previous, reservationId: reservationId) {
                return .granted(granted)
            }
        }
        for _ in 0..<Self.maxRounds {
            let page: TableClient.Page
            do {
                page = try await client.query(Self.table, filter: "PartitionKey eq \(ODataLiteral.string(partition))", top: 1000)
            } catch {
                throw .upstreamUnavailable(detail: "rate limit read: \(error)")
            }
            let current = now()
            let cutoff = current.addingTimeInterval(-window)
            var slots: [Int: SlotView.Slot] = [:]
            for entity in page.entities {
                guard entity.rowKey.hasPrefix("slot-"), let index = Int(entity.rowKey.dropFirst(5)), index < limit, let etag = entity.etag else { continue }
                slots[index] = SlotView.Slot(etag: etag, usedAt: entity["UsedAt"]?.dateTimeValue)
            }
            view.remember(partition, slots: slots, limit: limit)
            var free: [Int] = []
            var busyUntil: [Date] = []
            for index in 0..<limit {
                guard let slot = slots[index] else { free.append(index); continue }
                if let used = slot.usedAt.flatMap(Self.parse), used > cutoff { busyUntil.append(used.addingTimeInterval(window)) } else { free.append(index) }
            }
            guard let index = free.randomElement() else {
                let earliest = busyUntil.min() ?? current.addingTimeInterval(window)
                return .limited(retryAfterSeconds: max(1, Int(earliest.timeIntervalSince(current).rounded(.up))))
            }
            if let granted = try await claim(partition: partition, slot: index, previous: slots[index], reservationId: reservationId) {
                return .granted(granted)
            }
        }
        throw .upstreamUnavailable(detail: "rate limit: too much contention")
    }

    /// One conditional claim: replace the slot if it still has the ETag we saw, or insert it if we
    /// saw none. Nil when another claim got there first (the caller reads again).
    private func claim(partition: String, slot index: Int, previous: SlotView.Slot?, reservationId: String) async throws(EphemError) -> Reservation? {
        let current = now()
        var row = TableEntity(partitionKey: partition, rowKey: Self.rowKey(index), properties: [
            "UsedAt": .dateTime(Self.format(current)), "ReservationId": .string(reservationId),
        ])
        if let previousUse = previous?.usedAt { row["PreviousUse"] = .dateTime(previousUse) }
        do {
            let etag: String
            if let previous {
                etag = try await client.replace(Self.table, row, ifMatch: previous.etag)
            } else {
                etag = try await client.insert(Self.table, row)
            }
            view.update(partition, index: index, slot: SlotView.Slot(etag: etag, usedAt: Self.format(current)))
            return Reservation(partitionKey: partition, rowKey: row.rowKey, reservationId: reservationId, etag: etag, previousUse: previous?.usedAt)
        } catch .conditionNotSatisfied, .entityAlreadyExists {
            view.forget(partition)
            // Someone else took that slot, or our own write landed and its answer was lost.
            return try await ownClaim(partition: partition, rowKey: row.rowKey, reservationId: reservationId)
        } catch {
            view.forget(partition)
            throw .upstreamUnavailable(detail: "rate limit write: \(error)")
        }
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
        view.forget(reservation.partitionKey)
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

/// What one process last saw of each subject's slots (their ETags and last use), so a claim can go
/// straight to a slot that was free instead of reading all slots first. Bounded: the oldest
/// subjects are forgotten first.
final class SlotView: Sendable {
    struct Slot: Sendable, Equatable {
        var etag: String
        var usedAt: String?
    }

    /// Per partition: every slot index, nil for a slot row that did not exist.
    private let state = Mutex<(slots: [String: [Int: Slot?]], order: [String])>(([:], []))
    static let capacity = 1000

    func freeSlot(_ partition: String, cutoff: Date) -> (index: Int, previous: Slot?)? {
        state.withLock { state in
            guard let slots = state.slots[partition] else { return nil }
            let free = slots.filter { _, slot in
                guard let slot else { return true }
                return slot.usedAt.flatMap(RateLimiter.parse).map { $0 <= cutoff } ?? true
            }
            // Random among the free ones, so instances with the same view rarely collide.
            return free.randomElement().map { ($0.key, $0.value) }
        }
    }

    func remember(_ partition: String, slots: [Int: Slot], limit: Int) {
        state.withLock { state in
            var all: [Int: Slot?] = [:]
            for index in 0..<limit { all[index] = .some(slots[index]) }
            if state.slots[partition] == nil {
                state.order.append(partition)
                if state.order.count > Self.capacity { state.slots[state.order.removeFirst()] = nil }
            }
            state.slots[partition] = all
        }
    }

    func update(_ partition: String, index: Int, slot: Slot) {
        state.withLock { state in
            guard state.slots[partition] != nil else { return }
            state.slots[partition]?[index] = .some(slot)
        }
    }

    func forget(_ partition: String) {
        state.withLock { state in
            state.slots[partition] = nil
            state.order.removeAll { $0 == partition }
        }
    }
}
