import EphemCore
@testable import EphemHTTP
import Testing

/// SPEC 5's handover settings: defaults, parsing, and a refusal at start for every bad value.
struct HandoverSettingsTests {
    @Test func defaultsAreDirectIssueNoApprovalAndAnHour() throws {
        let helpdesk = try Settings.parse(portal: .helpdesk, environment: SettingsTests.valid)
        #expect(helpdesk.handover == HandoverPolicy(directIssue: true, approval: .never, approvalGroupIds: [], ttlMinutes: 60))
    }

    @Test func valuesAreParsed() throws {
        var env = SettingsTests.valid
        env["HELPDESK_DIRECT_ISSUE"] = "false"
        env["APPROVAL_REQUIRED"] = "Sensitive"
        env["APPROVAL_GROUP_IDS"] = "33333333-3333-3333-3333-333333333333"
        env["HANDOVER_TTL_MINUTES"] = "1440"
        env["SELF_SERVICE_PORTAL_URL"] = "https://selfservice.contoso.com/"
        let parsed = try Settings.parse(portal: .helpdesk, environment: env).handover
        #expect(parsed.directIssue == false && parsed.approval == .sensitive && parsed.ttlMinutes == 1440)
        #expect(parsed.approvalGroupIds == [GUID("33333333-3333-3333-3333-333333333333")!])
        #expect(parsed.selfServiceURL == "https://selfservice.contoso.com")
    }

    @Test(arguments: [
        ("APPROVAL_REQUIRED", "sometimes"), ("HANDOVER_TTL_MINUTES", "9"), ("HANDOVER_TTL_MINUTES", "1441"),
        ("HELPDESK_DIRECT_ISSUE", "no"), ("APPROVAL_GROUP_IDS", "finance"),
    ])
    func badValuesStopTheStart(name: String, value: String) {
        var env = SettingsTests.valid
        env[name] = value
        #expect(throws: SettingsErrors.self) { try Settings.parse(portal: .helpdesk, environment: env) }
    }

    @Test func sensitiveWithoutGroupsStopsTheStart() {
        var env = SettingsTests.valid
        env["APPROVAL_REQUIRED"] = "sensitive"
        do {
            _ = try Settings.parse(portal: .helpdesk, environment: env)
            Issue.record("a sensitive approval without groups must not start")
        } catch {
            #expect(error.errors.map(\.setting) == ["APPROVAL_GROUP_IDS"])
        }
    }
}
