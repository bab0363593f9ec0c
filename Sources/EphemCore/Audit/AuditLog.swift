#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// Writes audit rows (SPEC 7.4): write-ahead `PENDING` before a TAP exists, then the outcome; one
/// structured log line per event (`audit.*` keys; the infrastructure's alert reads `audit.action`).
public struct AuditLog: Sendable {
    let client: TableClient
    let logger: Logger

    public init(client: TableClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public static func table(for portal: Portal) -> String {
        portal == .selfService ? "TapAuditSelfService" : "TapAuditHelpdesk"
    }

    /// The row of an issuance whose outcome is not known yet.
    public struct Pending: Sendable, Equatable {
        public var event: AuditEvent
        var etag: String
    }

    /// Writes the `PENDING` row. If this fails the caller must not create a TAP (503).
    public func begin(_ event: AuditEvent) async throws(EphemError) -> Pending {
        var pending = event
        pending.action = .pending
        do {
            let etag = try await client.insert(Self.table(for: event.portal), pending.entity)
            log(pending)
            return Pending(event: pending, etag: etag)
        } catch {
            throw .upstreamUnavailable(detail: "audit PENDING write: \(error)")
        }
    }

    /// Replaces the `PENDING` row with the outcome. When that write fails the row stays visibly
    /// `PENDING` and the failure is logged; the response to the user is not changed by it.
    @discardableResult
    public func complete(_ pending: Pending, action: AuditAction, denialReason: String? = nil) async -> Bool {
        var event = pending.event
        event.action = action
        event.denialReason = denialReason
        log(event)
        do {
            try await client.replace(Self.table(for: event.portal), event.entity, ifMatch: pending.etag)
            return true
        } catch {
            logger.error("audit outcome write failed; the row stays PENDING", metadata: [
                "audit.correlation_id": "\(event.correlationId)", "audit.action": "\(action.rawValue)", "error.detail": "\(error)",
            ])
            return false
        }
    }

    /// Rewrites the `PENDING` row with what became known since `begin` (the target's UPN, the
    /// lifetime and one-time flag really asked for), so a row a crash leaves behind names the
    /// target (SPEC 7.4). ETag-conditional; returns the row with its new ETag, or nil when the write
    /// failed (the caller keeps the old one; a later `complete` then fails closed on a 412).
    public func annotate(_ pending: Pending) async -> Pending? {
        var row = pending.event
        row.action = .pending
        do {
            let etag = try await client.replace(Self.table(for: row.portal), row.entity, ifMatch: pending.etag)
            return Pending(event: row, etag: etag)
        } catch {
            logger.warning("audit PENDING annotation failed", metadata: ["audit.correlation_id": "\(row.correlationId)", "error.detail": "\(error)"])
            return nil
        }
    }

    /// Writes the outcome whatever the row holds now (`If-Match: *`): used only after a pass was
    /// deleted because its `SUCCESS` write failed, so the row cannot be left saying `SUCCESS` for a
    /// pass that no longer exists if that write landed after all.
    @discardableResult
    public func overwrite(_ pending: Pending, action: AuditAction, denialReason: String?) async -> Bool {
        await complete(Pending(event: pending.event, etag: "*"), action: action, denialReason: denialReason)
    }

    /// A single-row event (refusals, revocations). Fails with `upstreamUnavailable`.
    public func record(_ event: AuditEvent) async throws(EphemError) {
        log(event)
        do {
            try await client.insert(Self.table(for: event.portal), event.entity)
        } catch {
            throw .upstreamUnavailable(detail: "audit write: \(error)")
        }
    }

    /// The event's structured log line. `rowWritten: false` marks an event whose row could not be
    /// written at all (storage down): the line is written whether or not the row could be.
    func log(_ event: AuditEvent, rowWritten: Bool = true) {
        var metadata: Logger.Metadata = [
            "audit.action": "\(event.action.rawValue)", "audit.portal": "\(event.portal.rawValue)",
            "audit.correlation_id": "\(event.correlationId)",
        ]
        let optional: [(String, String?)] = [
            ("audit.agent_id", event.agentId), ("audit.agent_upn", event.agentUPN), ("audit.target_id", event.targetId),
            ("audit.target_upn", event.targetUPN), ("audit.denial_reason", event.denialReason), ("audit.client_ip", event.clientIp),
            ("audit.ticket_id", event.ticketId),
            ("audit.handover_id", event.handoverId), ("audit.approver_upn", event.approverUPN), ("audit.recipient_upn", event.recipientUPN),
        ]
        for (key, value) in optional { if let value { metadata[key] = "\(value)" } }
        if !rowWritten { metadata["audit.row_written"] = "false" }
        logger.notice("audit event", metadata: metadata)
    }
}
