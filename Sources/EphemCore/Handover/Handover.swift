#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A handover (SPEC 7.6): an agent's request that a pass for `target` be created when `recipient`
/// (the target's manager, or the requesting agent) picks it up, after a second TapAdmin approved it
/// where `approvalRequired`. It never holds a secret: the pass only exists from the pick-up on.
///
/// States: `REQUESTED` → (`APPROVED`) → `ISSUED`, or `REJECTED`, `CANCELLED`, `EXPIRED`. A pick-up
/// in progress is not a state but a claim (`pickupId`, `pickupStartedAt`) written with the row's
/// ETag, which every other transition has to get past: its lease is `TargetLock.lease`.
/// Stored in `TapHandovers` (`HandoverStore`), one row per handover.
public struct Handover: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable, Codable {
        case requested = "REQUESTED"
        case approved = "APPROVED"
        case issued = "ISSUED"
        case rejected = "REJECTED"
        case cancelled = "CANCELLED"
        case expired = "EXPIRED"

        /// Not ended: it may still be approved, picked up, cancelled or expire.
        public var isOpen: Bool { self == .requested || self == .approved }
    }

    /// Who receives the pass (SPEC 6.3 `deliverTo`).
    public enum Delivery: String, Sendable, Codable {
        case manager
        case agent
    }

    /// Lower-case GUID, also the row key.
    public var id: String
    public var state: State
    public var targetId: GUID
    public var targetUPN: String
    public var targetDisplayName: String?
    public var requesterId: GUID
    public var requesterUPN: String?
    public var deliverTo: Delivery
    public var recipientId: GUID
    public var recipientUPN: String
    public var recipientDisplayName: String?
    public var approvalRequired: Bool
    public var approverId: GUID?
    public var approverUPN: String?
    public var reason: String?
    public var ticketId: String?
    /// Why an approver rejected it.
    public var rejectionReason: String?
    /// The pass asked for, in minutes (the TAP policy clamps it at pick-up).
    public var lifetimeMinutes: Int
    public var isUsableOnce: Bool
    /// The requesting agent's `RATE_LIMIT_PER_AGENT_PER_HOUR` when the handover was made, so a
    /// pick-up in the self-service app charges the agent's helpdesk limit (SPEC 7.6).
    public var agentLimitPerHour: Int
    public var createdAt: Date
    public var expiresAt: Date
    public var updatedAt: Date
    /// The pick-up in progress, if any (see the type's comment).
    public var pickupId: String?
    public var pickupStartedAt: Date?
    public var issuedAt: Date?
    /// Who picked the pass up (the recipient, by UPN).
    public var pickedUpBy: String?
    /// The row's ETag as last read or written; nil before the first write.
    public var etag: String?

    public init(id: String, state: State, targetId: GUID, targetUPN: String, targetDisplayName: String?, requesterId: GUID, requesterUPN: String?,
                deliverTo: Delivery, recipientId: GUID, recipientUPN: String, recipientDisplayName: String?, approvalRequired: Bool,
                reason: String?, ticketId: String?, lifetimeMinutes: Int, isUsableOnce: Bool, agentLimitPerHour: Int,
                createdAt: Date, expiresAt: Date) {
        self.id = id
        self.state = state
        self.targetId = targetId
        self.targetUPN = targetUPN
        self.targetDisplayName = targetDisplayName
        self.requesterId = requesterId
        self.requesterUPN = requesterUPN
        self.deliverTo = deliverTo
        self.recipientId = recipientId
        self.recipientUPN = recipientUPN
        self.recipientDisplayName = recipientDisplayName
        self.approvalRequired = approvalRequired
        self.reason = reason
        self.ticketId = ticketId
        self.lifetimeMinutes = lifetimeMinutes
        self.isUsableOnce = isUsableOnce
        self.agentLimitPerHour = agentLimitPerHour
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.updatedAt = createdAt
    }

    /// Open and past `expiresAt`.
    public func isExpired(at date: Date) -> Bool { state.isOpen && date >= expiresAt }

    /// A pick-up claimed it less than a lease ago (it may still be creating the pass).
    public func pickupInProgress(at date: Date) -> Bool {
        guard pickupId != nil, let started = pickupStartedAt else { return false }
        return date < started.addingTimeInterval(TargetLock.lease)
    }

    /// Ready to be picked up: approved, or requested without the need of an approval.
    public var awaitsPickup: Bool { state == .approved || (state == .requested && !approvalRequired) }
    /// Waiting for a second agent.
    public var awaitsApproval: Bool { state == .requested && approvalRequired }
}

extension Handover {
    static let partitionKey = "handover"

    var entity: TableEntity {
        var properties: [String: TableValue] = [
            "State": .string(state.rawValue), "TargetId": .string(targetId.value), "TargetUPN": .string(targetUPN),
            "RequesterId": .string(requesterId.value), "DeliverTo": .string(deliverTo.rawValue), "RecipientId": .string(recipientId.value),
            "RecipientUPN": .string(recipientUPN), "ApprovalRequired": .bool(approvalRequired), "LifetimeMinutes": .int32(Int32(lifetimeMinutes)),
            "IsUsableOnce": .bool(isUsableOnce), "AgentLimitPerHour": .int32(Int32(agentLimitPerHour)),
            "CreatedAt": .dateTime(RateLimiter.format(createdAt)), "ExpiresAt": .dateTime(RateLimiter.format(expiresAt)),
            "UpdatedAt": .dateTime(RateLimiter.format(updatedAt)),
        ]
        let optional: [(String, String?)] = [
            ("TargetDisplayName", targetDisplayName), ("RequesterUPN", requesterUPN), ("RecipientDisplayName", recipientDisplayName),
            ("ApproverId", approverId?.value), ("ApproverUPN", approverUPN), ("Reason", reason), ("TicketId", ticketId),
            ("RejectionReason", rejectionReason), ("PickupId", pickupId), ("PickedUpBy", pickedUpBy),
        ]
        for (name, value) in optional { if let value { properties[name] = .string(value) } }
        if let pickupStartedAt { properties["PickupStartedAt"] = .dateTime(RateLimiter.format(pickupStartedAt)) }
        if let issuedAt { properties["IssuedAt"] = .dateTime(RateLimiter.format(issuedAt)) }
        return TableEntity(partitionKey: Self.partitionKey, rowKey: id, properties: properties)
    }

    /// The row as stored, or nil when a required column is missing or malformed.
    init?(entity: TableEntity) {
        func text(_ name: String) -> String? { entity[name]?.stringValue }
        func date(_ name: String) -> Date? { entity[name]?.dateTimeValue.flatMap(RateLimiter.parse) }
        guard let state = text("State").flatMap(State.init(rawValue:)), let targetId = text("TargetId").flatMap({ GUID($0) }),
              let targetUPN = text("TargetUPN"), let requesterId = text("RequesterId").flatMap({ GUID($0) }),
              let deliverTo = text("DeliverTo").flatMap(Delivery.init(rawValue:)), let recipientId = text("RecipientId").flatMap({ GUID($0) }),
              let recipientUPN = text("RecipientUPN"), let lifetime = entity["LifetimeMinutes"]?.int64Value,
              let createdAt = date("CreatedAt"), let expiresAt = date("ExpiresAt")
        else { return nil }
        self.init(id: entity.rowKey, state: state, targetId: targetId, targetUPN: targetUPN, targetDisplayName: text("TargetDisplayName"),
                  requesterId: requesterId, requesterUPN: text("RequesterUPN"), deliverTo: deliverTo, recipientId: recipientId,
                  recipientUPN: recipientUPN, recipientDisplayName: text("RecipientDisplayName"),
                  approvalRequired: entity["ApprovalRequired"]?.boolValue ?? true, reason: text("Reason"), ticketId: text("TicketId"),
                  lifetimeMinutes: Int(lifetime), isUsableOnce: entity["IsUsableOnce"]?.boolValue ?? true,
                  agentLimitPerHour: Int(entity["AgentLimitPerHour"]?.int64Value ?? 10), createdAt: createdAt, expiresAt: expiresAt)
        approverId = text("ApproverId").flatMap { GUID($0) }
        approverUPN = text("ApproverUPN")
        rejectionReason = text("RejectionReason")
        updatedAt = date("UpdatedAt") ?? createdAt
        pickupId = text("PickupId")
        pickupStartedAt = date("PickupStartedAt")
        issuedAt = date("IssuedAt")
        pickedUpBy = text("PickedUpBy")
        etag = entity.etag
    }
}
