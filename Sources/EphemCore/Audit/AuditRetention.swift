#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The `audit-retention` timer's work (SPEC 5, issue 4): delete audit rows older than the
/// retention and rate-limit rows nobody can need any more, in bounded batches. Idempotent: a row
/// already gone counts as deleted. Returns counts for the invocation log.
public struct AuditRetention: Sendable {
    let client: TableClient
    let now: @Sendable () -> Date
    /// At most this many deletes per run; the next run continues.
    public var maxDeletes = 5_000

    public init(client: TableClient, now: @escaping @Sendable () -> Date = Date.init) {
        self.client = client
        self.now = now
    }

    public struct Result: Sendable, Equatable {
        public var auditRowsDeleted = 0
        public var rateLimitRowsDeleted = 0
        public var moreRemain = false
    }

    /// Rows of days strictly before the day `retentionDays` days ago are deleted.
    public func run(portal: Portal, retentionDays: Int) async throws(EphemError) -> Result {
        var result = Result()
        let cutoffDay = AuditEvent.partitionKey(now().addingTimeInterval(-Double(retentionDays) * 86_400))
        let (auditDeleted, auditMore) = try await deleteMatching(AuditLog.table(for: portal), filter: "PartitionKey lt \(ODataLiteral.string(cutoffDay))", budget: maxDeletes)
        result.auditRowsDeleted = auditDeleted
        // Slots unused for longer than the longest window (24 h), and locks whose lease ended an hour ago.
        let staleUse = RateLimiter.format(now().addingTimeInterval(-86_400 - 60))
        let staleLock = RateLimiter.format(now().addingTimeInterval(-3600))
        let filter = "(UsedAt lt \(ODataLiteral.dateTime(staleUse))) or (ExpiresAt lt \(ODataLiteral.dateTime(staleLock)))"
        let (limitDeleted, limitMore) = try await deleteMatching(RateLimiter.table, filter: filter, budget: maxDeletes - auditDeleted)
        result.rateLimitRowsDeleted = limitDeleted
        result.moreRemain = auditMore || limitMore
        return result
    }

    private func deleteMatching(_ table: String, filter: String, budget: Int) async throws(EphemError) -> (Int, Bool) {
        var deleted = 0
        var continuation: TableClient.Continuation?
        var paging = PagingBudget()
        while deleted < budget {
            if let continuation {
                do throws(PagingBudget.Stop) { try paging.admit(next: continuation.budgetKey) } catch { throw error.asEphemError("retention query") }
            }
            let page: TableClient.Page
            do {
                page = try await client.query(table, filter: filter, select: [], top: min(100, budget - deleted), continuation: continuation)
            } catch .notFound {
                return (deleted, false)
            } catch {
                throw .upstreamUnavailable(detail: "retention query: \(error)")
            }
            for entity in page.entities {
                do {
                    try await client.delete(table, partitionKey: entity.partitionKey, rowKey: entity.rowKey, ifMatch: "*")
                } catch .notFound {
                    // Already gone (another instance's run): idempotent.
                } catch {
                    throw .upstreamUnavailable(detail: "retention delete: \(error)")
                }
                deleted += 1
            }
            guard let next = page.continuation else { return (deleted, false) }
            continuation = next
        }
        return (deleted, true)
    }
}
