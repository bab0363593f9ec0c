/// The refusals a handover adds (SPEC 6.4, 7.6). The raw value is the response's `code`.
public enum HandoverRefusal: String, Sendable, Equatable, CaseIterable {
    /// 403: the requester approving or rejecting their own handover.
    case sameAgent = "same_agent"
    /// 403: a pick-up by someone who is not (or no longer) the recipient.
    case notRecipient = "not_recipient"
    /// 403: a cancel by someone other than the requester (an addition: SPEC 6.3 says "the requester").
    case notRequester = "not_requester"
    /// 403: direct issuance (or `deliverTo: agent`) where `HELPDESK_DIRECT_ISSUE` is false.
    case directIssueDisabled = "direct_issue_disabled"
    /// 404: no handover with this id.
    case notFound = "handover_not_found"
    /// 409: direct issuance for a target that needs four-eyes approval.
    case approvalRequired = "approval_required"
    /// 409: a pick-up before the approval.
    case approvalPending = "approval_pending"
    /// 409: any action on a handover that already ended (or that a racing action just ended).
    case closed = "handover_closed"
}
