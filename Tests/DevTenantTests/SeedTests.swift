import DevTenant
import Foundation
import TestSupport
import Testing

/// The seed file format of SPEC 8.
struct SeedTests {
    @Test func theSpecExampleShapeDecodes() throws {
        let json = #"""
        { "tenantId": "11111111-1111-1111-1111-111111111111",
          "users": [{ "id": "aaaaaaaa-0000-4000-8000-000000000009", "userPrincipalName": "x@contoso.example", "displayName": "X",
                      "appRoles": ["Helpdesk.TapAdmin"], "authenticationMethods": [{ "type": "fido2AuthenticationMethod" }] }],
          "groups": [{ "id": "bbbbbbbb-0000-4000-8000-000000000001", "displayName": "Admins", "isAssignableToRole": true, "members": ["aaaaaaaa-0000-4000-8000-000000000009"] }],
          "roleAssignments": [{ "principalId": "bbbbbbbb-0000-4000-8000-000000000001", "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10" }],
          "roleEligibilities": [],
          "tapPolicy": { "state": "enabled", "minimumLifetimeInMinutes": 60, "maximumLifetimeInMinutes": 480, "defaultLifetimeInMinutes": 60, "isUsableOnce": false } }
        """#
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("seed-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let seed = try Seed.load(path: url.path)
        #expect(seed.users.first?.appRoles == ["Helpdesk.TapAdmin"])
        #expect(seed.groups?.first?.isAssignableToRole == true)
        #expect(seed.tapPolicy?.maximumLifetimeInMinutes == 480)
    }

    @Test func aBrokenSeedIsRefusedWithItsPath() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("seed-\(UUID().uuidString).json")
        try Data(#"{"tenantId": 5}"#.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect { try Seed.load(path: url.path) } throws: { error in "\(error)".contains(url.path) }
    }
}

/// The dev tenant's default managed identity holds exactly what infra/graph-permissions.json grants
/// in the usual configuration, so every test runs with the product's least-privilege grants: a call that
/// needs a permission the file lacks fails in the tests as it would in Azure.
@Suite struct GraphGrantTests {
    @Test func theDefaultIdentityHoldsExactlyTheInfrastructuresGrants() throws {
        let grants = try GraphGrants.load(path: TestPaths.repoRoot + "/infra/graph-permissions.json")
        let usual = grants.permissions(app: "selfservice", conditions: ["notificationSender"])
            .union(grants.permissions(app: "helpdesk", conditions: ["notificationSender"]))
        #expect(DevTenantOptions.productGraphPermissions == usual)
        #expect(grants.all.subtracting(usual) == ["AuditLog.Read.All", "Directory.Read.All"])
        #expect(!grants.all.contains("UserAuthenticationMethod.ReadWrite.All"))
        // Per app and per switch, as ephemgate-dev grants them.
        #expect(!grants.permissions(app: "selfservice", conditions: []).contains("Mail.Send"))
        #expect(grants.permissions(app: "selfservice", conditions: ["notificationSender"]).contains("Mail.Send"))
        #expect(!grants.permissions(app: "selfservice", conditions: ["outOfBandDetection"]).contains("AuditLog.Read.All"))
        #expect(grants.permissions(app: "helpdesk", conditions: ["outOfBandDetection"]).isSuperset(of: ["AuditLog.Read.All", "Directory.Read.All"]))
    }
}
