/// The helpdesk settings that shape handovers (SPEC 5, 7.6): `HELPDESK_DIRECT_ISSUE`,
/// `APPROVAL_REQUIRED`, `APPROVAL_GROUP_IDS`, `HANDOVER_TTL_MINUTES`.
public struct HandoverPolicy: Sendable, Equatable {
    /// `APPROVAL_REQUIRED`: `never`, `sensitive` (targets in `approvalGroupIds`, nested) or `always`.
    public enum Approval: String, Sendable, Equatable, CaseIterable {
        case never
        case sensitive
        case always
    }

    /// Whether agents may issue a pass to themselves (`PUT /api/generate-tap/{userId}` and `deliverTo: agent`).
    public var directIssue: Bool
    public var approval: Approval
    public var approvalGroupIds: [GUID]
    /// 10–1440 minutes: how long a handover waits for approval and pick-up.
    public var ttlMinutes: Int
    /// `SELF_SERVICE_PORTAL_URL` (an addition): the link in the recipient's mail; nil: no link.
    public var selfServiceURL: String?
    /// `APPROVER_MAILBOX` (an addition): where "a handover waits for your approval" goes, e.g. a
    /// distribution list of the agents who approve; nil: no approver mail. Listing who holds
    /// `Helpdesk.TapAdmin` from Graph would need `Application.Read.All`, far more than a mail is worth.
    public var approverMailbox: String?

    public init(directIssue: Bool = true, approval: Approval = .never, approvalGroupIds: [GUID] = [], ttlMinutes: Int = 60, selfServiceURL: String? = nil) {
        self.selfServiceURL = selfServiceURL
        self.directIssue = directIssue
        self.approval = approval
        self.approvalGroupIds = approvalGroupIds
        self.ttlMinutes = ttlMinutes
    }
}
