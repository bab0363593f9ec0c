public import EphemCore

/// The app settings of SPEC section 5, parsed once at start (`Settings.parse`). Nothing below the
/// composition root reads the environment.
public struct Settings: Sendable, Equatable {
    public var portal: Portal
    public var port: Int
    public var tenantId: GUID
    public var clientId: GUID
    public var apiScope: String
    /// Without a trailing slash, e.g. `https://login.microsoftonline.com`.
    public var authorityHost: String
    /// Empty when no authentication context is required.
    public var requiredAuthContext: String?
    public var graphEndpoint: String
    /// The path-style Table endpoint, from `TABLE_ENDPOINT` or `https://{STORAGE_ACCOUNT_NAME}.table.core.windows.net`.
    public var tableEndpoint: String
    public var tapLifetimeMinutes: Int
    public var tapIsUsableOnce: Bool
    public var displayTimeoutSeconds: Int
    /// `TAP_MAX_LIFETIME_MINUTES` (helpdesk, SPEC 5): the longest lifetime an agent may choose per
    /// request, in minutes; never beyond the tenant policy's maximum.
    public var maxLifetimeMinutes: Int = 480
    /// `TAP_ALLOW_MULTI_USE` (helpdesk, SPEC 5): whether an agent may ask for `isUsableOnce: false`.
    public var allowMultiUse: Bool = false
    public var notificationSender: String?
    public var blockedGroupIds: [GUID]
    /// `PRIVILEGED_ROLE_IDS`: roles that protect even when listed as issuable (SPEC 7.2), added
    /// to the eight the Node.js original blocks.
    public var privilegedRoleIds: [GUID]
    /// `TAP_ISSUABLE_ROLE_IDS`: the roles whose holders may still get a TAP; nil for Microsoft's
    /// list (`ProtectedRoles.defaultIssuable`).
    public var issuableRoleIds: [GUID]?
    public var rateLimitPerAgentPerHour: Int
    public var selfServiceLimitPerDay: Int
    public var auditRetentionDays: Int
    public var corsAllowedOrigins: [String]
    public var identityEndpoint: String?
    /// The anti-SSRF header value for the identity endpoint. Never logged.
    public var identityHeader: String?
    /// Root of the Function App content (`FUNCTIONS_APP_ROOT_PATH`), where the portal files live.
    public var appRootPath: String?
    /// `AUTO_REVOKE_AFTER_REGISTRATION` (SPEC 7.7): `tap-watch` deletes a still-usable pass once a
    /// phishing-resistant method was registered after it.
    public var autoRevokeAfterRegistration = true
    /// `OUT_OF_BAND_DETECTION` (SPEC 7.7, helpdesk only): `tap-watch` reads the directory audit.
    public var outOfBandDetection = false
    /// SPEC 5/7.6: direct issuance, approval and handover lifetime (helpdesk).
    public var handover = HandoverPolicy()

    /// The issuer base used for sign-in and JWKS: `{authority}/{tenant}`.
    public var authority: String { "\(authorityHost)/\(tenantId)" }
}

extension Settings {
    /// Defaults that differ per portal (SPEC 5).
    static func defaultLifetime(_ portal: Portal) -> Int { portal == .selfService ? 60 : 120 }
    static func defaultDisplayTimeout(_ portal: Portal) -> Int { portal == .selfService ? 300 : 120 }
}
