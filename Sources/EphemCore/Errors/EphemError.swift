/// Every failure a request can end in. Cases carry only text we wrote ourselves: the HTTP layer maps
/// each case to a status, a machine `code` and a human sentence (SPEC 6.4) in one exhaustive switch,
/// and `detail` strings are for logs only — they never reach a client.
public enum EphemError: Error, Sendable, Equatable {
    /// Malformed input; `message` is a fixed sentence of ours naming what is wrong.
    case invalidRequest(message: String)
    /// `{userId}` is not an object id (GUID).
    case invalidUserId
    /// A query parameter is out of range or malformed; `message` names it.
    case invalidQuery(message: String)
    /// A guest from another tenant, a disabled account, a user outside the TAP policy.
    case targetNotEligible(reason: String)
    /// Missing, malformed, expired, wrongly signed or wrongly addressed token; `detail` is for logs.
    case invalidToken(detail: String)
    /// `ENTRA_REQUIRED_AUTH_CONTEXT` is set and not satisfied by the token's `acrs`.
    case authContextRequired(contextId: String)
    /// A valid token without the app role the route needs.
    case missingRole(required: [String])
    /// A helpdesk agent targeting their own account.
    case selfTarget
    /// The target is protected (SPEC 7.2); `reason` names the role or group, for the audit row.
    case targetPrivileged(reason: String)
    case userNotFound
    case noActiveTap
    case payloadTooLarge
    /// Agent or self-service limit reached; retry after the given seconds.
    case rateLimited(retryAfterSeconds: Int)
    /// The target already has a usable or not-yet-valid TAP, or another issuance for it is running.
    case tapActive
    /// Graph, Table Storage or the identity endpoint failed after bounded retries. `detail` is for logs.
    case upstreamUnavailable(detail: String)
    /// SPEC 6.4 `upstream_refused` (502): Graph refused the TAP create for a reason that is not the
    /// user's eligibility or protection; nothing usable was issued. `requestId` is Graph's
    /// `request-id` (reference 7), returned to the caller; `detail` is for logs.
    case upstreamRefused(requestId: String?, detail: String)
    /// SPEC 6.4 `outcome_unknown` (503): the create's answer was lost and the pass could be neither
    /// confirmed nor removed; the row stays `PENDING` for `audit-reconcile`. `detail` is for logs.
    case outcomeUnknown(detail: String)
    /// 429 `issuance_in_progress`: another issuance holds the target lock (SPEC 7.3), or its holder
    /// died and the lease has not run out; retry after the lease's remaining seconds.
    case issuanceInProgress(retryAfterSeconds: Int)
    /// SPEC 6.4 codes of handovers (7.6): `same_agent`, `not_recipient`, `direct_issue_disabled`,
    /// `handover_not_found`, `approval_required`, `approval_pending`, `handover_closed`.
    case handover(HandoverRefusal)
    /// No route (the Functions host would not forward it either).
    case notFound
    case methodNotAllowed
}
