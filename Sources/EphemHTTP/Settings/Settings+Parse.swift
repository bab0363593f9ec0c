public import EphemCore

extension Settings {
    /// Parses the environment into settings, or throws `SettingsErrors` naming every bad setting.
    /// Values of settings that may hold secrets (`IDENTITY_HEADER`) are never echoed.
    public static func parse(portal: Portal, environment env: [String: String]) throws(SettingsErrors) -> Settings {
        var reader = SettingsReader(env)
        let port = reader.integer("FUNCTIONS_CUSTOMHANDLER_PORT", range: 1...65535, default: nil)
        let tenantId = reader.guid("ENTRA_TENANT_ID")
        let clientId = reader.guid("ENTRA_CLIENT_ID")
        let apiScope = reader.scope("ENTRA_API_SCOPE", default: "Access")
        let authorityHost = reader.url("ENTRA_AUTHORITY_HOST", default: "https://login.microsoftonline.com")
        let authContext = reader.authContext("ENTRA_REQUIRED_AUTH_CONTEXT")
        let graphEndpoint = reader.url("GRAPH_ENDPOINT", default: "https://graph.microsoft.com")
        let tableEndpoint = reader.tableEndpoint()
        let lifetime = reader.integer("TAP_LIFETIME_MINUTES", range: 10...43200, default: defaultLifetime(portal))
        let usableOnce = reader.boolean("TAP_IS_USABLE_ONCE", default: true)
        let displayTimeout = reader.integer("TAP_DISPLAY_TIMEOUT_SECONDS", range: 10...3600, default: defaultDisplayTimeout(portal))
        let sender = reader.mailbox("NOTIFICATION_SENDER")
        let maxLifetime = reader.integer("TAP_MAX_LIFETIME_MINUTES", range: 10...43200, default: 480)
        let allowMultiUse = reader.boolean("TAP_ALLOW_MULTI_USE", default: false)
        let blocked = reader.guidList("BLOCKED_GROUP_IDS") ?? []
        let privileged = reader.guidList("PRIVILEGED_ROLE_IDS") ?? []
        let issuable = reader.guidList("TAP_ISSUABLE_ROLE_IDS")
        let agentLimit = reader.integer("RATE_LIMIT_PER_AGENT_PER_HOUR", range: 1...1000, default: 10)
        let selfLimit = reader.integer("SELF_SERVICE_LIMIT_PER_DAY", range: 1...100, default: 5)
        let retention = reader.integer("AUDIT_RETENTION_DAYS", range: 1...3650, default: 400)
        let cors = reader.origins("CORS_ALLOWED_ORIGINS")
        let identityEndpoint = reader.optionalURL("IDENTITY_ENDPOINT")
        let identityHeader = reader.secret("IDENTITY_HEADER")
        if identityEndpoint != nil, identityHeader == nil {
            reader.fail("IDENTITY_HEADER", "must be set when IDENTITY_ENDPOINT is set")
        }
        let appRoot = reader.nonEmpty("FUNCTIONS_APP_ROOT_PATH")
        // SPEC 7.7 (issue 16). OUT_OF_BAND_DETECTION applies to the helpdesk only.
        let autoRevoke = reader.boolean("AUTO_REVOKE_AFTER_REGISTRATION", default: true)
        let outOfBand = portal == .helpdesk ? reader.boolean("OUT_OF_BAND_DETECTION", default: false) : false
        let handover = portal == .helpdesk ? reader.handoverPolicy() : HandoverPolicy()

        guard reader.errors.isEmpty, let port, let tenantId, let clientId, let apiScope, let authorityHost,
              let graphEndpoint, let tableEndpoint, let lifetime, let usableOnce, let displayTimeout,
              let agentLimit, let selfLimit, let retention, let maxLifetime, let allowMultiUse
        else {
            throw SettingsErrors(errors: reader.errors)
        }
        var settings = Settings(
            portal: portal, port: port, tenantId: tenantId, clientId: clientId, apiScope: apiScope,
            authorityHost: authorityHost, requiredAuthContext: authContext, graphEndpoint: graphEndpoint,
            tableEndpoint: tableEndpoint, tapLifetimeMinutes: lifetime, tapIsUsableOnce: usableOnce,
            displayTimeoutSeconds: displayTimeout, notificationSender: sender, blockedGroupIds: blocked,
            privilegedRoleIds: privileged, issuableRoleIds: issuable, rateLimitPerAgentPerHour: agentLimit,
            selfServiceLimitPerDay: selfLimit, auditRetentionDays: retention, corsAllowedOrigins: cors,
            identityEndpoint: identityEndpoint, identityHeader: identityHeader, appRootPath: appRoot
        )
        settings.autoRevokeAfterRegistration = autoRevoke ?? true
        settings.outOfBandDetection = outOfBand ?? false
        settings.maxLifetimeMinutes = maxLifetime
        settings.allowMultiUse = allowMultiUse
        settings.handover = handover
        return settings
    }
}
