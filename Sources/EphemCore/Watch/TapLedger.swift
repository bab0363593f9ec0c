#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The `TapLedger` table (SPEC 7.7): one row per pass this product issued, written in the same
/// round as its `SUCCESS` audit row, and one per pass the directory audit showed was created
/// elsewhere (`OUT_OF_BAND`). `PartitionKey` = the target's object id (a user's history is one
/// partition read), `RowKey` = the pass's method id (`oob_{event}` for an out-of-band pass).
/// Columns: `Portal` (`selfservice`, `helpdesk`, or `external`), `TargetId`, `TargetUPN`,
/// `MethodId`, `CreatedDateTime`, `StartDateTime`, `ExpiresDateTime`, `LifetimeMinutes`,
/// `IsUsableOnce`, `CorrelationId`, `AgentId`, `AgentUPN`, `State`, `InForce`, `ChangedAt`,
/// `CheckedAt`, `Detail`. A row is *in force* (`InForce` true, `State` `ISSUED`) until the watch
/// or a revoke records its fate; `tap-watch` reads only rows in force.
public struct TapLedger: Sendable {
    public static let table = "TapLedger"
    let client: TableClient

    public init(client: TableClient) {
        self.client = client
    }

    /// A pass's fate (SPEC 7.7). `issued` is the only state in force.
    public enum State: String, Sendable, Codable, CaseIterable {
        case issued = "ISSUED"
        case used = "USED"
        case expired = "EXPIRED"
        case removed = "REMOVED"
        case autoRevoked = "AUTO_REVOKED"
        case revoked = "REVOKED"
        case outOfBand = "OUT_OF_BAND"

        /// The audit action of a change to this state.
        public var auditAction: AuditAction? {
            switch self {
            case .issued: nil
            case .used: .used
            case .expired: .expired
            case .removed: .removed
            case .autoRevoked: .autoRevoked
            case .revoked: .revoked
            case .outOfBand: .outOfBand
            }
        }
    }

    /// One row, decoded.
    public struct Entry: Sendable, Equatable {
        public var targetId: String
        public var methodId: String
        public var portal: String
        public var targetUPN: String?
        public var createdDateTime: String?
        public var startDateTime: String?
        public var expiresDateTime: String?
        public var lifetimeMinutes: Int?
        public var isUsableOnce: Bool?
        public var correlationId: String?
        public var agentId: String?
        public var agentUPN: String?
        /// SPEC 7.6: who picked the pass up from a handover (the manager, or the agent), and which.
        public var recipientUPN: String?
        public var handoverId: String?
        public var state: State
        public var changedAt: String?
        public var checkedAt: String?
        public var detail: String?
        /// The row's ETag when read from the table.
        public var etag: String?

        public init(targetId: String, methodId: String, portal: String, state: State) {
            self.targetId = targetId
            self.methodId = methodId
            self.portal = portal
            self.state = state
        }

        public var inForce: Bool { state == .issued }

        var entity: TableEntity {
            var properties: [String: TableValue] = [
                "Portal": .string(portal), "TargetId": .string(targetId), "MethodId": .string(methodId),
                "State": .string(state.rawValue), "InForce": .bool(inForce),
            ]
            let texts: [(String, String?)] = [("TargetUPN", targetUPN), ("CorrelationId", correlationId), ("AgentId", agentId),
                                              ("AgentUPN", agentUPN), ("RecipientUPN", recipientUPN), ("HandoverId", handoverId),
                                              ("Detail", detail.map { String($0.prefix(1024)) })]
            for (name, value) in texts { if let value { properties[name] = .string(value) } }
            let dates: [(String, String?)] = [("CreatedDateTime", createdDateTime), ("StartDateTime", startDateTime),
                                              ("ExpiresDateTime", expiresDateTime), ("ChangedAt", changedAt), ("CheckedAt", checkedAt)]
            for (name, value) in dates { if let value { properties[name] = .dateTime(value) } }
            if let lifetimeMinutes { properties["LifetimeMinutes"] = .int32(Int32(clamping: lifetimeMinutes)) }
            if let isUsableOnce { properties["IsUsableOnce"] = .bool(isUsableOnce) }
            return TableEntity(partitionKey: targetId, rowKey: TapLedger.rowKey(methodId), properties: properties, etag: etag)
        }

        init?(entity: TableEntity) {
            guard let state = entity["State"]?.stringValue.flatMap(State.init(rawValue:)) else { return nil }
            targetId = entity["TargetId"]?.stringValue ?? entity.partitionKey
            methodId = entity["MethodId"]?.stringValue ?? entity.rowKey
            portal = entity["Portal"]?.stringValue ?? ""
            self.state = state
            targetUPN = entity["TargetUPN"]?.stringValue
            correlationId = entity["CorrelationId"]?.stringValue
            agentId = entity["AgentId"]?.stringValue
            agentUPN = entity["AgentUPN"]?.stringValue
            recipientUPN = entity["RecipientUPN"]?.stringValue
            handoverId = entity["HandoverId"]?.stringValue
            detail = entity["Detail"]?.stringValue
            createdDateTime = entity["CreatedDateTime"]?.dateTimeValue
            startDateTime = entity["StartDateTime"]?.dateTimeValue
            expiresDateTime = entity["ExpiresDateTime"]?.dateTimeValue
            changedAt = entity["ChangedAt"]?.dateTimeValue
            checkedAt = entity["CheckedAt"]?.dateTimeValue
            lifetimeMinutes = entity["LifetimeMinutes"]?.int64Value.map(Int.init)
            isUsableOnce = entity["IsUsableOnce"]?.boolValue
            etag = entity.etag
        }
    }

    /// Characters Table Storage forbids in keys (`/ \ # ?` and control characters) become `_`.
    static func rowKey(_ text: String) -> String {
        String(text.unicodeScalars.map { "/\\#?".unicodeScalars.contains($0) || $0.value < 0x20 || (0x7F...0x9F).contains($0.value) ? "_" : Character($0) })
    }

    /// The row of a pass just issued: in force. Throws on any storage failure (the caller logs it).
    public func recordIssued(_ entry: Entry) async throws(TableError) {
        _ = try await client.insert(Self.table, entry.entity)
    }

    /// Inserts a row that must exist once (an out-of-band pass): false when it already does.
    public func insertOnce(_ entry: Entry) async throws(TableError) -> Bool {
        do {
            _ = try await client.insert(Self.table, entry.entity)
            return true
        } catch .entityAlreadyExists {
            return false
        }
    }

    /// Writes `entry` over the row read with `entry.etag`: false when another writer changed it
    /// first (412) or it is gone, so of two watchers exactly one records a change.
    public func update(_ entry: Entry) async throws(TableError) -> Bool {
        guard let etag = entry.etag else { return false }
        do {
            _ = try await client.replace(Self.table, entry.entity, ifMatch: etag)
            return true
        } catch .conditionNotSatisfied, .notFound {
            return false
        }
    }

    /// The rows of `portal` still in force, at most `limit` (plus whether more exist).
    public func inForce(portal: Portal, limit: Int) async throws(TableError) -> (entries: [Entry], more: Bool) {
        let filter = "Portal eq \(ODataLiteral.string(portal.rawValue)) and InForce eq true"
        var entries: [Entry] = []
        var continuation: TableClient.Continuation?
        repeat {
            let page: TableClient.Page
            do {
                page = try await client.query(Self.table, filter: filter, top: 1000, continuation: continuation)
            } catch .notFound {
                return ([], false)
            }
            entries += page.entities.compactMap(Entry.init(entity:))
            continuation = page.continuation
        } while continuation != nil
        // Least recently checked first, so a bounded run reaches every pass in turn.
        entries.sort { ($0.checkedAt ?? "") < ($1.checkedAt ?? "") }
        return (Array(entries.prefix(limit)), entries.count > limit)
    }

    /// Every row of one target (its history), newest first by creation.
    public func history(target: GUID) async throws(TableError) -> [Entry] {
        var entries: [Entry] = []
        var continuation: TableClient.Continuation?
        repeat {
            let page: TableClient.Page
            do {
                page = try await client.query(Self.table, filter: "PartitionKey eq \(ODataLiteral.string(target.value))", top: 1000, continuation: continuation)
            } catch .notFound {
                return []
            }
            entries += page.entities.compactMap(Entry.init(entity:))
            continuation = page.continuation
        } while continuation != nil
        return entries.sorted { ($0.createdDateTime ?? "") > ($1.createdDateTime ?? "") }
    }

    /// Marks the target's rows in force `REVOKED` (the product's own revoke, SPEC 6.2/6.3), so
    /// the watch does not later call them `REMOVED`.
    public func markRevoked(target: GUID, methodIds: [String], by agent: String?, at date: Date) async {
        for methodId in methodIds {
            guard let row = try? await client.get(Self.table, partitionKey: target.value, rowKey: Self.rowKey(methodId)),
                  var entry = Entry(entity: row), entry.inForce else { continue }
            entry.state = .revoked
            entry.changedAt = RateLimiter.format(date)
            entry.detail = agent.map { "revoked by \($0)" } ?? "revoked"
            _ = try? await update(entry)
        }
    }
}
