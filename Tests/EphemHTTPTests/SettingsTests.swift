import EphemCore
@testable import EphemHTTP
import Testing

struct SettingsTests {
    static let valid: [String: String] = [
        "FUNCTIONS_CUSTOMHANDLER_PORT": "7001",
        "ENTRA_TENANT_ID": "11111111-1111-1111-1111-111111111111",
        "ENTRA_CLIENT_ID": "22222222-2222-2222-2222-222222222222",
        "STORAGE_ACCOUNT_NAME": "ephemgatestore",
    ]

    @Test func defaultsFollowTheSpecPerPortal() throws {
        let selfService = try Settings.parse(portal: .selfService, environment: Self.valid)
        #expect(selfService.tapLifetimeMinutes == 60)
        #expect(selfService.displayTimeoutSeconds == 300)
        #expect(selfService.apiScope == "Access")
        #expect(selfService.authorityHost == "https://login.microsoftonline.com")
        #expect(selfService.graphEndpoint == "https://graph.microsoft.com")
        #expect(selfService.tableEndpoint == "https://ephemgatestore.table.core.windows.net")
        #expect(selfService.tapIsUsableOnce)
        #expect(selfService.selfServiceLimitPerDay == 5)
        #expect(selfService.auditRetentionDays == 400)
        #expect(selfService.corsAllowedOrigins.isEmpty)
        #expect(selfService.privilegedRoleIds.isEmpty)
        #expect(selfService.issuableRoleIds == nil)
        let helpdesk = try Settings.parse(portal: .helpdesk, environment: Self.valid)
        #expect(helpdesk.tapLifetimeMinutes == 120)
        #expect(helpdesk.displayTimeoutSeconds == 120)
        #expect(helpdesk.rateLimitPerAgentPerHour == 10)
    }

    @Test func explicitValuesAreParsedAndNormalised() throws {
        var env = Self.valid
        env["ENTRA_TENANT_ID"] = "AAAAAAAA-1111-1111-1111-111111111111"
        env["TABLE_ENDPOINT"] = "http://127.0.0.1:10002/devstoreaccount1/"
        env["ENTRA_AUTHORITY_HOST"] = "http://127.0.0.1:7070/"
        env["BLOCKED_GROUP_IDS"] = " 33333333-3333-3333-3333-333333333333 ,44444444-4444-4444-4444-444444444444"
        env["CORS_ALLOWED_ORIGINS"] = "https://portal.contoso.com, https://other.contoso.com:8443"
        env["TAP_IS_USABLE_ONCE"] = "False"
        env["ENTRA_REQUIRED_AUTH_CONTEXT"] = "c12"
        env["NOTIFICATION_SENDER"] = "tap-notify@contoso.com"
        let settings = try Settings.parse(portal: .helpdesk, environment: env)
        #expect(settings.tenantId.value == "aaaaaaaa-1111-1111-1111-111111111111")
        #expect(settings.tableEndpoint == "http://127.0.0.1:10002/devstoreaccount1")
        #expect(settings.authority == "http://127.0.0.1:7070/aaaaaaaa-1111-1111-1111-111111111111")
        #expect(settings.blockedGroupIds.map(\.value) == ["33333333-3333-3333-3333-333333333333", "44444444-4444-4444-4444-444444444444"])
        #expect(settings.corsAllowedOrigins == ["https://portal.contoso.com", "https://other.contoso.com:8443"])
        #expect(settings.tapIsUsableOnce == false)
        #expect(settings.requiredAuthContext == "c12")
        #expect(settings.notificationSender == "tap-notify@contoso.com")
    }

    /// Each bad value names its setting, and only that setting.
    @Test(arguments: [
        ("FUNCTIONS_CUSTOMHANDLER_PORT", "0"),
        ("FUNCTIONS_CUSTOMHANDLER_PORT", "http"),
        ("ENTRA_TENANT_ID", "contoso.onmicrosoft.com"),
        ("ENTRA_TENANT_ID", "{11111111-1111-1111-1111-111111111111}"),
        ("ENTRA_CLIENT_ID", "2222222-2222-2222-2222-222222222222"),
        ("ENTRA_API_SCOPE", "Access Other"),
        ("ENTRA_AUTHORITY_HOST", "login.microsoftonline.com"),
        ("ENTRA_AUTHORITY_HOST", "https://login.microsoftonline.com/?x=1"),
        ("ENTRA_REQUIRED_AUTH_CONTEXT", "c100"),
        ("ENTRA_REQUIRED_AUTH_CONTEXT", "strong"),
        ("GRAPH_ENDPOINT", "ftp://graph"),
        ("TABLE_ENDPOINT", "not a url"),
        ("STORAGE_ACCOUNT_NAME", "Bad_Name"),
        ("TAP_LIFETIME_MINUTES", "9"),
        ("TAP_LIFETIME_MINUTES", "43201"),
        ("TAP_LIFETIME_MINUTES", "-60"),
        ("TAP_LIFETIME_MINUTES", "60.5"),
        ("TAP_IS_USABLE_ONCE", "yes"),
        ("TAP_DISPLAY_TIMEOUT_SECONDS", "0"),
        ("NOTIFICATION_SENDER", "not-a-mailbox"),
        ("BLOCKED_GROUP_IDS", "33333333-3333-3333-3333-333333333333,admins"),
        ("PRIVILEGED_ROLE_IDS", "Global Administrator"),
        ("RATE_LIMIT_PER_AGENT_PER_HOUR", "0"),
        ("SELF_SERVICE_LIMIT_PER_DAY", "1000"),
        ("AUDIT_RETENTION_DAYS", "forever"),
        ("CORS_ALLOWED_ORIGINS", "*"),
        ("CORS_ALLOWED_ORIGINS", "https://*.contoso.com"),
        ("CORS_ALLOWED_ORIGINS", "https://portal.contoso.com/app"),
        ("IDENTITY_ENDPOINT", "localhost:4141"),
    ])
    func badValueNamesItsSetting(name: String, value: String) {
        var env = Self.valid
        if name == "TABLE_ENDPOINT" { env["STORAGE_ACCOUNT_NAME"] = nil }
        env[name] = value
        #expect {
            _ = try Settings.parse(portal: .helpdesk, environment: env)
        } throws: { error in
            guard let errors = error as? SettingsErrors else { return false }
            return errors.errors.map(\.setting) == [name]
        }
    }

    @Test(arguments: ["FUNCTIONS_CUSTOMHANDLER_PORT", "ENTRA_TENANT_ID", "ENTRA_CLIENT_ID", "STORAGE_ACCOUNT_NAME"])
    func missingRequiredSettingIsNamed(name: String) {
        var env = Self.valid
        env[name] = nil
        #expect {
            _ = try Settings.parse(portal: .selfService, environment: env)
        } throws: { error in
            (error as? SettingsErrors)?.errors.map(\.setting) == [name]
        }
    }

    @Test func everyBadSettingIsReportedAtOnceAndSecretsAreNotEchoed() {
        let env = ["IDENTITY_ENDPOINT": "http://127.0.0.1:4141/msi/token", "TAP_LIFETIME_MINUTES": "1"]
        #expect {
            _ = try Settings.parse(portal: .selfService, environment: env)
        } throws: { error in
            guard let errors = error as? SettingsErrors else { return false }
            let names = Set(errors.errors.map(\.setting))
            return names == ["FUNCTIONS_CUSTOMHANDLER_PORT", "ENTRA_TENANT_ID", "ENTRA_CLIENT_ID", "STORAGE_ACCOUNT_NAME", "TAP_LIFETIME_MINUTES", "IDENTITY_HEADER"]
                && errors.description.split(separator: "\n").count == 6
        }
    }
}
