/// The outcome column of an audit row (SPEC 7.4). Raw values are persisted and queried by the
/// alert rule: never rename them.
public enum AuditAction: String, Sendable, CaseIterable, Codable {
    case success = "SUCCESS"
    case denied = "DENIED"
    case blockedPrivileged = "BLOCKED_PRIVILEGED"
    case rateLimited = "RATE_LIMITED"
    case error = "ERROR"
    case revoked = "REVOKED"
    /// Written before a TAP is created; replaced by the outcome afterwards.
    case pending = "PENDING"
    /// SPEC 7.6: a handover's transitions.
    case requested = "REQUESTED"
    case approved = "APPROVED"
    case rejected = "REJECTED"
    case cancelled = "CANCELLED"
    case expired = "EXPIRED"
}
