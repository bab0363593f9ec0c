#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One audit row (SPEC 7.4): EphemGate's columns plus `CorrelationId`, `Reason`, `TicketId`,
/// `OccurredAt`. Never holds a TAP or a token. Issue 14 adds, additively, the display names
/// (`AgentName`, `TargetName`, so the portal shows names before ids) and lower-cased copies for the
/// audit filters (`AgentUPNLower`, `AgentNameLower`, `TargetUPNLower`, `TargetNameLower`: Table
/// Storage compares strings case-sensitively, so a case-insensitive prefix filter is a range over
/// a lower-cased column, see `AuditQuery`).
public struct AuditEvent: Sendable, Equatable {
    public var portal: Portal
    public var action: AuditAction
    public var agentId: String?
    public var agentUPN: String?
    public var targetId: String?
    public var targetUPN: String?
    public var denialReason: String?
    public var tapLifetimeMinutes: Int?
    public var tapIsUsableOnce: Bool?
    public var clientIp: String?
    public var userAgent: String?
    public var correlationId: String
    public var reason: String?
    public var ticketId: String?
    public var occurredAt: Date
    /// The agent's and the target's display names when known (issue 14).
    public var agentName: String?
    public var targetName: String?
    /// SPEC 7.6: the handover a row belongs to, who approved it, who received (or is to receive) the pass.
    public var handoverId: String?
    public var approverUPN: String?
    public var recipientUPN: String?

    public init(portal: Portal, action: AuditAction, agentId: String? = nil, agentUPN: String? = nil, targetId: String? = nil,
                targetUPN: String? = nil, denialReason: String? = nil, tapLifetimeMinutes: Int? = nil, tapIsUsableOnce: Bool? = nil,
                clientIp: String? = nil, userAgent: String? = nil, correlationId: String = UUID().uuidString.lowercased(),
                reason: String? = nil, ticketId: String? = nil, occurredAt: Date = Date()) {
        self.portal = portal
        self.action = action
        self.agentId = agentId
        self.agentUPN = agentUPN
        self.targetId = targetId
        self.targetUPN = targetUPN
        self.denialReason = denialReason
        self.tapLifetimeMinutes = tapLifetimeMinutes
        self.tapIsUsableOnce = tapIsUsableOnce
        self.clientIp = clientIp
        self.userAgent = userAgent
        self.correlationId = correlationId
        self.reason = reason
        self.ticketId = ticketId
        self.occurredAt = occurredAt
    }

    /// `YYYY-MM-DD` in UTC: the partition of the day.
    public static func partitionKey(_ date: Date) -> String {
        let (year, month, day) = Self.civil(date)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Newest first within a day: 19 digits of (Int64.max − microseconds since 1970), then the
    /// correlation id, so rows sort by time descending and never collide.
    public static func rowKey(_ date: Date, correlationId: String) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
        let inverted = String(Int64.max - micros)
        return String(repeating: "0", count: max(0, 19 - inverted.count)) + inverted + "_" + correlationId
    }

    static func civil(_ date: Date) -> (Int, Int, Int) {
        let (year, month, day) = CivilDate.fromDays(Int64((date.timeIntervalSince1970 / 86_400).rounded(.down)))
        return (Int(year), Int(month), Int(day))
    }

    var entity: TableEntity {
        var properties: [String: TableValue] = [
            "Portal": .string(portal.rawValue), "Action": .string(action.rawValue), "CorrelationId": .string(correlationId),
            "OccurredAt": .dateTime(RateLimiter.format(occurredAt)),
        ]
        let optional: [(String, String?)] = [
            ("AgentId", agentId), ("AgentUPN", agentUPN), ("TargetId", targetId), ("TargetUPN", targetUPN),
            ("DenialReason", denialReason), ("ClientIp", clientIp), ("UserAgent", userAgent.map { String($0.prefix(512)) }),
            ("Reason", reason), ("TicketId", ticketId),
            ("AgentName", agentName), ("TargetName", targetName),
            ("AgentUPNLower", agentUPN?.lowercased()), ("AgentNameLower", agentName?.lowercased()),
            ("TargetUPNLower", targetUPN?.lowercased()), ("TargetNameLower", targetName?.lowercased()),
            ("HandoverId", handoverId), ("ApproverUPN", approverUPN), ("RecipientUPN", recipientUPN),
        ]
        for (name, value) in optional { if let value { properties[name] = .string(value) } }
        // SPEC 7.4: "A refusal's row carries no lifetime", whatever the PENDING row held.
        if !action.isRefusal {
            if let minutes = tapLifetimeMinutes { properties["TapLifetimeMinutes"] = .int32(Int32(minutes)) }
            if let once = tapIsUsableOnce { properties["TapIsUsableOnce"] = .bool(once) }
        }
        return TableEntity(partitionKey: Self.partitionKey(occurredAt), rowKey: Self.rowKey(occurredAt, correlationId: correlationId), properties: properties)
    }
}

extension AuditEvent {
    /// The same row with the agent's display name set (issue 14).
    func named(agent: String?) -> AuditEvent {
        var copy = self
        copy.agentName = agent
        return copy
    }
}
