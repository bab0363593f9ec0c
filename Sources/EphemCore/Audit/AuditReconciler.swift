#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// The `audit-reconcile` timer's work (SPEC 7.4, every 5 minutes): every `PENDING` row older than
/// `minimumAge` is resolved from Graph's real state. The flow shows a pass only after its `SUCCESS`
/// row is durable, so an old `PENDING` row always means "never shown": a pass its issuance created
/// that still exists is deleted (nobody holds its secret) and the row becomes `ERROR` with a
/// `DenialReason` starting `reconciled:`.
///
/// Which pass is the row's: Graph holds at most one per user (reference 1.2). A later `SUCCESS` row
/// for the same target (either portal: the target lock spans both) means the later issuance found no
/// active pass, so the current one is not ours; a later row still in flight (`PENDING`, younger
/// than `minimumAge`) defers the decision to the next run; otherwise an active pass created since
/// our row's `OccurredAt` (less `clockSkew`) is ours.
///
/// Bounded (`maxRows` per run, rows of the last `lookbackDays` days: an older pass has expired,
/// the longest lifetime being 30 days), idempotent (every row write is ETag-conditional, so a row
/// the flow or another instance resolved meanwhile is left alone), and it fails with
/// `upstreamUnavailable` only when the table cannot be read.
public struct AuditReconciler: Sendable {
    let client: TableClient
    let graph: GraphClient
    let logger: Logger
    let now: @Sendable () -> Date
    public var minimumAge: TimeInterval = 300
    public var maxRows = 50
    public var lookbackDays = 31
    public var clockSkew: TimeInterval = 300

    public init(client: TableClient, graph: GraphClient, logger: Logger, now: @escaping @Sendable () -> Date = Date.init) {
        self.client = client
        self.graph = graph
        self.logger = logger
        self.now = now
    }

    /// Counts for the invocation's `Logs`.
    public struct Result: Sendable, Equatable {
        public var examined = 0
        /// Rows resolved to `ERROR` after their pass was deleted.
        public var passesDeleted = 0
        /// Rows resolved to `ERROR` with no pass of theirs left in Graph.
        public var resolvedWithoutPass = 0
        /// Rows left for a later run (Graph failed, or a later issuance is still in flight).
        public var deferred = 0
        public var moreRemain = false
    }

    /// Resolves the old `PENDING` rows of `portal`'s audit table.
    public func run(portal: Portal) async throws(EphemError) -> Result {
        var result = Result()
        let table = AuditLog.table(for: portal)
        let current = now()
        let cutoff = RateLimiter.format(current.addingTimeInterval(-minimumAge))
        let firstDay = AuditEvent.partitionKey(current.addingTimeInterval(-Double(lookbackDays) * 86_400))
        let filter = "PartitionKey ge \(ODataLiteral.string(firstDay)) and Action eq 'PENDING' and OccurredAt lt \(ODataLiteral.dateTime(cutoff))"
        var rows: [TableEntity] = []
        var continuation: TableClient.Continuation?
        var budget = PagingBudget()
        repeat {
            if let continuation {
                do throws(PagingBudget.Stop) { try budget.admit(next: continuation.budgetKey) } catch { throw error.asEphemError("reconcile query") }
            }
            let page: TableClient.Page
            do {
                page = try await client.query(table, filter: filter, top: min(100, maxRows - rows.count + 1), continuation: continuation)
            } catch .notFound {
                return result
            } catch {
                throw .upstreamUnavailable(detail: "reconcile query: \(error)")
            }
            rows += page.entities
            continuation = page.continuation
        } while continuation != nil && rows.count <= maxRows
        if rows.count > maxRows || continuation != nil {
            result.moreRemain = true
            rows = Array(rows.prefix(maxRows))
        }
        for row in rows {
            result.examined += 1
            switch await resolve(row, table: table) {
            case .deleted: result.passesDeleted += 1
            case .nothingToDelete: result.resolvedWithoutPass += 1
            case .deferred: result.deferred += 1
            }
        }
        return result
    }

    enum Resolution { case deleted, nothingToDelete, deferred }

    func resolve(_ row: TableEntity, table: String) async -> Resolution {
        let correlation = row["CorrelationId"]?.stringValue ?? row.rowKey
        guard let etag = row.etag else { return .deferred }
        guard let targetText = row["TargetId"]?.stringValue, let target = GUID(targetText),
              let occurredText = row["OccurredAt"]?.dateTimeValue, let occurred = RateLimiter.parse(occurredText)
        else {
            // No target to look at: the flow never reached Graph with it.
            return await write(row, etag: etag, table: table, reason: "reconciled: no target recorded; nothing was created", upn: nil) ? .nothingToDelete : .deferred
        }
        var upn = row["TargetUPN"]?.stringValue
        if upn == nil {
            upn = try? await graph.user(target).userPrincipalName
        }
        // Later issuances for the same target, in either portal's table.
        var laterSucceeded = false
        for portal in Portal.allCases {
            let filter = "TargetId eq \(ODataLiteral.string(target.value)) and OccurredAt gt \(ODataLiteral.dateTime(occurredText))"
            let later: [TableEntity]
            do {
                later = try await client.query(AuditLog.table(for: portal), filter: filter, select: ["Action", "OccurredAt"], top: 100).entities
            } catch .notFound {
                continue
            } catch {
                logger.warning("reconcile: audit read failed; row deferred", metadata: ["audit.correlation_id": "\(correlation)", "error.detail": "\(error)"])
                return .deferred
            }
            for other in later {
                let action = other["Action"]?.stringValue
                if action == AuditAction.success.rawValue { laterSucceeded = true }
                if action == AuditAction.pending.rawValue,
                   let at = other["OccurredAt"]?.dateTimeValue.flatMap(RateLimiter.parse), now().timeIntervalSince(at) < minimumAge {
                    return .deferred
                }
            }
        }
        if laterSucceeded {
            return await write(row, etag: etag, table: table, reason: "reconciled: a later issuance for this user succeeded; no pass of this one remains", upn: upn)
                ? .nothingToDelete : .deferred
        }
        let passes: [TemporaryAccessPass]
        do {
            passes = try await graph.temporaryAccessPasses(user: target)
        } catch .notFound {
            return await write(row, etag: etag, table: table, reason: "reconciled: the user no longer exists", upn: upn) ? .nothingToDelete : .deferred
        } catch {
            logger.warning("reconcile: Graph read failed; row deferred", metadata: ["audit.correlation_id": "\(correlation)", "error.detail": "\(error)"])
            return .deferred
        }
        // Any pass of ours goes, usable or not: none was ever shown.
        let ours = passes.filter { pass in
            guard let created = pass.createdDateTime.flatMap(GraphDate.parse) else { return true }
            return created >= occurred.addingTimeInterval(-clockSkew)
        }
        var deleted: [String] = []
        for pass in ours {
            do throws(GraphError) {
                try await graph.deleteTemporaryAccessPass(user: target, methodId: pass.id)
                deleted.append(pass.id)
            } catch .notFound {
                deleted.append(pass.id)
            } catch {
                logger.warning("reconcile: pass delete failed; row deferred", metadata: ["audit.correlation_id": "\(correlation)", "error.detail": "\(error)"])
                return .deferred
            }
        }
        if deleted.isEmpty {
            return await write(row, etag: etag, table: table, reason: "reconciled: no pass from this issuance exists in Graph", upn: upn) ? .nothingToDelete : .deferred
        }
        logger.notice("reconcile: deleted a pass that was never shown", metadata: ["audit.correlation_id": "\(correlation)", "audit.target_id": "\(target.value)"])
        return await write(row, etag: etag, table: table, reason: "reconciled: pass \(deleted.joined(separator: ", ")) deleted (never shown)", upn: upn)
            ? .deleted : .deferred
    }

    /// The row as `ERROR` with `reason`, only if nobody changed it since we read it.
    func write(_ row: TableEntity, etag: String, table: String, reason: String, upn: String?) async -> Bool {
        var updated = row
        updated.properties["Action"] = .string(AuditAction.error.rawValue)
        updated.properties["DenialReason"] = .string(reason)
        if let upn { updated.properties["TargetUPN"] = .string(upn) }
        do {
            _ = try await client.replace(table, updated, ifMatch: etag)
        } catch .conditionNotSatisfied, .notFound {
            return false
        } catch {
            logger.warning("reconcile: row write failed", metadata: ["audit.correlation_id": "\(row["CorrelationId"]?.stringValue ?? "")", "error.detail": "\(error)"])
            return false
        }
        var metadata: Logger.Metadata = ["audit.action": "ERROR", "audit.denial_reason": "\(reason)", "audit.correlation_id": "\(row["CorrelationId"]?.stringValue ?? "")"]
        if let target = row["TargetId"]?.stringValue { metadata["audit.target_id"] = "\(target)" }
        if let upn { metadata["audit.target_upn"] = "\(upn)" }
        logger.notice("audit event", metadata: metadata)
        return true
    }
}
