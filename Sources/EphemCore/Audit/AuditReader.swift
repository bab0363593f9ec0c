#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An audit row as the API returns it (`GET /api/audit-log` entries).
public struct AuditEntry: Sendable, Equatable, Encodable {
    public var occurredAt: String?
    public var portal: String?
    public var action: String?
    public var agentId: String?
    public var agentUPN: String?
    public var targetId: String?
    public var targetUPN: String?
    public var denialReason: String?
    public var tapLifetimeMinutes: Int64?
    public var tapIsUsableOnce: Bool?
    public var clientIp: String?
    public var userAgent: String?
    public var correlationId: String?
    public var reason: String?
    public var ticketId: String?
    /// Display names (issue 14); absent on rows written before.
    public var agentName: String?
    public var targetName: String?
    public var handoverId: String?
    public var approverUPN: String?
    public var recipientUPN: String?
    /// The row's key (sorts newest first); stable id for the portal's list.
    public var id: String

    init(_ entity: TableEntity) {
        id = entity.rowKey
        occurredAt = entity["OccurredAt"]?.dateTimeValue ?? entity.timestamp
        portal = entity["Portal"]?.stringValue
        action = entity["Action"]?.stringValue
        agentId = entity["AgentId"]?.stringValue
        agentUPN = entity["AgentUPN"]?.stringValue
        targetId = entity["TargetId"]?.stringValue
        targetUPN = entity["TargetUPN"]?.stringValue
        denialReason = entity["DenialReason"]?.stringValue
        tapLifetimeMinutes = entity["TapLifetimeMinutes"]?.int64Value
        tapIsUsableOnce = entity["TapIsUsableOnce"]?.boolValue
        clientIp = entity["ClientIp"]?.stringValue
        userAgent = entity["UserAgent"]?.stringValue
        correlationId = entity["CorrelationId"]?.stringValue
        reason = entity["Reason"]?.stringValue
        ticketId = entity["TicketId"]?.stringValue
        agentName = entity["AgentName"]?.stringValue
        targetName = entity["TargetName"]?.stringValue
        handoverId = entity["HandoverId"]?.stringValue
        approverUPN = entity["ApproverUPN"]?.stringValue
        recipientUPN = entity["RecipientUPN"]?.stringValue
    }
}

public struct AuditPage: Sendable {
    public var entries: [AuditEntry]
    public var continuationToken: String?
}

/// Runs `AuditQuery`s against the audit tables.
public struct AuditReader: Sendable {
    let client: TableClient
    let now: @Sendable () -> Date

    public init(client: TableClient, now: @escaping @Sendable () -> Date = Date.init) {
        self.client = client
        self.now = now
    }

    public func page(_ query: AuditQuery) async throws(EphemError) -> AuditPage {
        let today = now()
        let dayList = (0..<query.days).map { AuditEvent.partitionKey(today.addingTimeInterval(-Double($0) * 86_400)) }
        let tables = query.portals.map(AuditLog.table(for:))
        var cursors: [AuditCursor]
        if let token = query.continuationToken {
            cursors = try AuditContinuation.decode(token, tables: Set(tables), oldestDay: dayList.last!, newestDay: dayList.first!).cursors
        } else {
            cursors = tables.map { AuditCursor(table: $0, day: dayList[0], after: nil, done: false) }
        }
        // Each table's next `top` rows, read concurrently (one round per day partition visited).
        let fetches = await withTaskGroup(of: (Int, Result<[TableEntity], EphemError>).self) { group in
            for (index, cursor) in cursors.enumerated() where !cursor.done {
                group.addTask {
                    do throws(EphemError) {
                        return (index, .success(try await self.nextRows(cursor, days: dayList, query: query)))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var result: [Int: Result<[TableEntity], EphemError>] = [:]
            for await (index, rows) in group { result[index] = rows }
            return result
        }
        var candidates: [Int: [TableEntity]] = [:]
        for (index, fetched) in fetches { candidates[index] = try fetched.get() }
        var merged = candidates.flatMap { index, rows in rows.map { (index, $0) } }
        merged.sort { $0.1.rowKey < $1.1.rowKey }
        let taken = Array(merged.prefix(query.top))
        for (index, _) in cursors.enumerated() {
            let mine = taken.filter { $0.0 == index }.map(\.1)
            let fetched = candidates[index] ?? []
            if let last = mine.last {
                cursors[index].day = last.partitionKey
                cursors[index].after = last.rowKey
            }
            // A table whose every fetched row was taken and which returned fewer than asked is done.
            if mine.count == fetched.count, fetched.count < query.top { cursors[index].done = true }
        }
        let more = cursors.contains { !$0.done }
        return AuditPage(entries: taken.map { AuditEntry($0.1) }, continuationToken: more ? AuditContinuation(cursors: cursors).encoded() : nil)
    }

    /// Up to `top` rows of one table after its cursor, newest first, walking day partitions back.
    private func nextRows(_ cursor: AuditCursor, days: [String], query: AuditQuery) async throws(EphemError) -> [TableEntity] {
        guard let start = days.firstIndex(of: cursor.day) else { return [] }
        var rows: [TableEntity] = []
        var after = cursor.after
        var budget = PagingBudget()
        for day in days[start...] {
            var continuation: TableClient.Continuation?
            repeat {
                if let continuation {
                    do throws(PagingBudget.Stop) { try budget.admit(next: continuation.budgetKey) } catch { throw error.asEphemError("audit query") }
                }
                let page: TableClient.Page
                do {
                    page = try await client.query(cursor.table, filter: query.filter(day: day, after: after), top: query.top - rows.count, continuation: continuation)
                } catch .notFound {
                    return rows
                } catch {
                    throw .upstreamUnavailable(detail: "audit query: \(error)")
                }
                rows += page.entities
                continuation = page.continuation
            } while continuation != nil && rows.count < query.top
            if rows.count >= query.top { return Array(rows.prefix(query.top)) }
            after = nil
        }
        return rows
    }
}
