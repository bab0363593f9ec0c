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
    /// SPEC 7.7 (`tap-watch`): a one-time pass was used to sign in.
    case used = "USED"
    /// SPEC 7.7: a pass ran out of its lifetime unused; SPEC 7.6: a handover nobody picked up in time.
    case expired = "EXPIRED"
    /// SPEC 7.7: a pass vanished without this product's revoke (deleted elsewhere, or replaced).
    case removed = "REMOVED"
    /// SPEC 7.7: a still-usable pass deleted after the user registered a phishing-resistant method.
    case autoRevoked = "AUTO_REVOKED"
    /// SPEC 7.7: a pass created outside this product (Entra's directory audit).
    case outOfBand = "OUT_OF_BAND"
    /// SPEC 7.6: a handover's transitions.
    case requested = "REQUESTED"
    case approved = "APPROVED"
    case rejected = "REJECTED"
    case cancelled = "CANCELLED"

    /// A refusal before anything was created: its row carries no lifetime (SPEC 7.4).
    public var isRefusal: Bool { self == .denied || self == .blockedPrivileged || self == .rateLimited }
}
