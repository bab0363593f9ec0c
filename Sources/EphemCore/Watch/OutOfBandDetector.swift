#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// `OUT_OF_BAND_DETECTION` (SPEC 7.7, helpdesk): part of `tap-watch`. Reads Entra's directory audit
/// for "Admin registered security info" events of a Temporary Access Pass since the checkpoint
/// (a `TapLedger` row, `~checkpoint`/`directoryAudits`, less `overlap` because audit records arrive
/// late) and, for each pass this product did not create, writes `OUT_OF_BAND` naming the initiator,
/// the target and the time.
///
/// A pass is this product's when a ledger row of either portal for that target was created within
/// `skew` of the event, or either audit table holds an issuance row that reached the create
/// (`SUCCESS`, `PENDING`, `ERROR` with a lifetime) for the target within `skew` (a pass created and
/// deleted unseen, SPEC 7.4).
/// Exactly once across runs and instances: the ledger row `oob_{event id}` is inserted first
/// (409 = already reported), and only its inserter writes the audit row and the log line.
/// Needs `AuditLog.Read.All` and `Directory.Read.All` (docs/graph-calls.md #22).
public struct OutOfBandDetector: Sendable {
    let ledger: TapLedger
    let client: TableClient
    let graph: GraphClient
    let audit: AuditLog
    let logger: Logger
    let now: @Sendable () -> Date
    public var overlap: TimeInterval = 1800
    public var firstRunLookback: TimeInterval = 86_400
    public var skew: TimeInterval = 300

    static let checkpointPartition = "~checkpoint"
    static let checkpointRow = "directoryAudits"

    public init(ledger: TapLedger, client: TableClient, graph: GraphClient, audit: AuditLog, logger: Logger, now: @escaping @Sendable () -> Date = Date.init) {
        self.ledger = ledger
        self.client = client
        self.graph = graph
        self.audit = audit
        self.logger = logger
        self.now = now
    }

    public struct Result: Sendable, Equatable {
        public var eventsRead = 0
        public var reported = 0
        public var ours = 0
        public var alreadyReported = 0
        public var graphCalls = 0
    }

    /// One detection pass. Throws `upstreamUnavailable` when Graph or storage cannot be read (the
    /// checkpoint then stays, so the next run reads the same events again).
    public func run() async throws(EphemError) -> Result {
        var result = Result()
        let started = now()
        let checkpoint: TableEntity?
        do {
            checkpoint = try await client.get(TapLedger.table, partitionKey: Self.checkpointPartition, rowKey: Self.checkpointRow)
        } catch {
            throw .upstreamUnavailable(detail: "out-of-band checkpoint read: \(error)")
        }
        let since = checkpoint?["Since"]?.dateTimeValue.flatMap(RateLimiter.parse)?.addingTimeInterval(-overlap)
            ?? started.addingTimeInterval(-firstRunLookback)
        let events: [GraphClient.RegistrationEvent]
        do throws(GraphError) {
            events = try await graph.registrationEvents(since: since)
            result.graphCalls += 1
        } catch {
            throw .upstreamUnavailable(detail: "directory audit read: \(error)")
        }
        for event in events where event.isTemporaryAccessPass {
            result.eventsRead += 1
            guard let targetText = event.targetId, let target = GUID(targetText), let at = GraphDate.parse(event.activityDateTime) else { continue }
            let rowKey = TapLedger.rowKey("oob_" + event.id)
            if (try? await client.get(TapLedger.table, partitionKey: target.value, rowKey: rowKey)) != nil {
                result.alreadyReported += 1
                continue
            }
            if try await isOurs(target: target, at: at) {
                result.ours += 1
                continue
            }
            var entry = TapLedger.Entry(targetId: target.value, methodId: "oob_" + event.id, portal: "external", state: .outOfBand)
            entry.targetUPN = event.targetUPN
            entry.createdDateTime = RateLimiter.format(at)
            entry.agentId = event.initiatorUserId ?? event.initiatorServicePrincipalId ?? event.initiatorAppId
            entry.agentUPN = event.initiatorUPN ?? event.initiatorName
            entry.changedAt = RateLimiter.format(now())
            let initiator = event.initiatorUPN ?? event.initiatorName ?? event.initiatorAppId ?? "an unknown initiator"
            entry.detail = "created outside EphemGate by \(initiator) at \(event.activityDateTime) (directory audit \(event.id))"
            let inserted: Bool
            do throws(TableError) {
                inserted = try await ledger.insertOnce(entry)
            } catch {
                throw .upstreamUnavailable(detail: "out-of-band ledger write: \(error)")
            }
            guard inserted else {
                result.alreadyReported += 1
                continue
            }
            result.reported += 1
            let row = AuditEvent(portal: .helpdesk, action: .outOfBand, agentId: entry.agentId, agentUPN: entry.agentUPN, targetId: target.value,
                                 targetUPN: event.targetUPN, denialReason: entry.detail, correlationId: StableIdentifier.of(event.id), occurredAt: now())
            do throws(EphemError) {
                try await audit.record(row)
            } catch {
                logger.error("out-of-band: audit write failed after the ledger recorded the pass", metadata: ["error.detail": "\(error)"])
            }
        }
        // The checkpoint moves to this run's start; conflicts (another instance) are fine.
        var updated = checkpoint ?? TableEntity(partitionKey: Self.checkpointPartition, rowKey: Self.checkpointRow)
        updated["Since"] = .dateTime(RateLimiter.format(started))
        do {
            if let etag = checkpoint?.etag {
                _ = try await client.replace(TapLedger.table, updated, ifMatch: etag)
            } else {
                _ = try await client.insert(TapLedger.table, updated)
            }
        } catch {
            logger.notice("out-of-band: checkpoint not moved (another instance did, or storage failed)", metadata: ["error.detail": "\(error)"])
        }
        return result
    }

    /// Whether this product made the pass the event records (see the type's comment).
    func isOurs(target: GUID, at: Date) async throws(EphemError) -> Bool {
        let history: [TapLedger.Entry]
        do {
            history = try await ledger.history(target: target)
        } catch {
            throw .upstreamUnavailable(detail: "out-of-band ledger read: \(error)")
        }
        if history.contains(where: { entry in
            entry.portal != "external" && entry.createdDateTime.flatMap(RateLimiter.parse).map { abs($0.timeIntervalSince(at)) <= skew } == true
        }) { return true }
        let low = RateLimiter.format(at.addingTimeInterval(-skew)), high = RateLimiter.format(at.addingTimeInterval(skew))
        let filter = "TargetId eq \(ODataLiteral.string(target.value)) and OccurredAt ge \(ODataLiteral.dateTime(low)) and OccurredAt le \(ODataLiteral.dateTime(high))"
        for portal in Portal.allCases {
            do {
                let rows = try await client.query(AuditLog.table(for: portal), filter: filter, select: ["Action", "TapLifetimeMinutes"], top: 100).entities
                // A row that reached the create carries the lifetime asked for; a refusal's never does (SPEC 7.4).
                let issuing: Set<String> = [AuditAction.success.rawValue, AuditAction.pending.rawValue, AuditAction.error.rawValue]
                if rows.contains(where: { issuing.contains($0["Action"]?.stringValue ?? "") && $0["TapLifetimeMinutes"] != nil }) { return true }
            } catch .notFound {
                continue
            } catch {
                throw .upstreamUnavailable(detail: "out-of-band audit read: \(error)")
            }
        }
        return false
    }
}

/// A stable correlation id for an external record: the same event always yields the same id.
enum StableIdentifier {
    static func of(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return "oob-" + String(hash, radix: 16)
    }
}
