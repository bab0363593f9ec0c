import DevTenant
import EphemCore
import Foundation
import TestSupport
import Testing

/// SPEC 7.2 through the real helpdesk and self-service binaries: every way a target can be
/// protected is refused with 403 `target_privileged`, a `BLOCKED_PRIVILEGED` row naming the role or
/// group, and no TAP in the tenant.
@Suite struct TargetGuardEndToEndTests {
    @Test func everyProtectionPathIsRefusedAndAuditedByTheHelpdesk() async throws {
        try await withTapStack(seed: TestDirectory.seed, apps: .helpdesk, helpdeskSettings: ["BLOCKED_GROUP_IDS": TestDirectory.blockedGroup]) { stack in
            // Five groups per page: the late role-assignable group is on the third page.
            stack.tenant.graph.setMaxPageSize(5)
            let token = try stack.token("helpdesk", TestDirectory.agent)
            for protected in TestDirectory.Protected.allCases {
                let reply = try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(protected.rawValue)", token: token)
                #expect(reply.status == 403, "\(protected)")
                #expect(reply.code == "target_privileged", "\(protected)")
                #expect(stack.tenant.graph.temporaryAccessPassesCreated(forUser: protected.rawValue) == 0, "\(protected)")
            }
            let rows = try await stack.auditRows(.helpdesk)
            #expect(rows.count == TestDirectory.Protected.allCases.count)
            for protected in TestDirectory.Protected.allCases {
                let row = rows.first { $0["TargetId"]?.stringValue == protected.rawValue }
                #expect(row?["Action"]?.stringValue == "BLOCKED_PRIVILEGED", "\(protected)")
                // SPEC 7.4: a refusal's row carries no lifetime.
                #expect(row?["TapLifetimeMinutes"] == nil && row?["TapIsUsableOnce"] == nil, "\(protected)")
                #expect(row?["DenialReason"]?.stringValue?.contains(protected.reasonNames) == true, "\(protected): \(row?["DenialReason"]?.stringValue ?? "none")")
            }
            // Every group came from one getMemberGroups call per target, and no advanced
            // (eventually consistent) group query ran without its headers.
            let late = stack.tenant.requests.all.filter { $0.path.contains(TestDirectory.Protected.groupOnALaterPage.rawValue) }
            #expect(late.filter { $0.path.hasSuffix("/getMemberGroups") }.count == 1)
            #expect(!stack.tenant.requests.all.contains { $0.status == 400 && $0.target == .graph })

            // The controls stay issuable: ordinary groups (`isAssignableToRole` false or null), a
            // Directory Reader, an eligible Directory Reader at a unit's scope in an ordinary unit,
            // a group the app cannot read that is not role-assignable, the owner of an ordinary group.
            for number in TestDirectory.guardControls {
                let reply = try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(TestDirectory.user(number))", token: token)
                #expect(reply.status == 200, "user \(number): \(reply.text)")
            }
        }
    }

    /// The demo directory shows the wider rule: a Compliance Administrator, an eligible Teams
    /// Administrator, a custom role at a unit's scope and a restricted-unit member are refused, a
    /// Directory Reader is not.
    @Test func theDemoDirectoryShowsTheWiderRule() async throws {
        try await withTapStack(seed: .demo, apps: .helpdesk) { stack in
            let token = try stack.token("helpdesk", "aaaaaaaa-0000-4000-8000-000000000001")
            let expected: [(Int, Int, String)] = [
                (35, 403, "Compliance Administrator"), (36, 403, "PIM-eligible role Teams Administrator"),
                (37, 403, "scoped to administrative unit"), (38, 403, "restricted-management administrative unit 'Executive Board'"),
                (39, 200, ""),
            ]
            for (number, status, reason) in expected {
                let id = "aaaaaaaa-0000-4000-8000-0000000000\(number)"
                let reply = try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(id)", token: token)
                #expect(reply.status == status, "user \(number): \(reply.text)")
                if status == 403 {
                    #expect(reply.code == "target_privileged")
                    let row = try await stack.auditRows(.helpdesk).first { $0["TargetId"]?.stringValue == id }
                    #expect(row?["DenialReason"]?.stringValue?.contains(reason) == true, "\(row?["DenialReason"]?.stringValue ?? "no row")")
                }
            }
        }
    }

    /// Least privilege, proven: the dev tenant's managed identity holds exactly the grants of
    /// infra/graph-permissions.json, and without one the call that needs it fails closed (503 for a
    /// read, 502 for the refused create) with a log line that names the cause.
    @Test(arguments: ["RoleManagement.Read.Directory", "GroupMember.Read.All", "PrivilegedEligibilitySchedule.Read.AzureADGroup",
                      "UserAuthMethod-TAP.ReadWrite.All", "User.Read.All", "Policy.Read.AuthenticationMethod"])
    func aMissingGrantFailsClosedAndSaysWhy(permission: String) async throws {
        try await withTapStack(seed: TestDirectory.seed, apps: .helpdesk, withheldGraphPermissions: [permission]) { stack in
            let token = try stack.token("helpdesk", TestDirectory.agent)
            let reply = try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(TestDirectory.user(3))", token: token)
            // A read that fails is an outage (503); the create refused is Graph's refusal (502).
            let expected = permission == "UserAuthMethod-TAP.ReadWrite.All" ? (502, "upstream_refused") : (503, "upstream_unavailable")
            #expect(reply.status == expected.0 && reply.code == expected.1, "\(permission): \(reply.status) \(reply.text)")
            #expect(stack.tenant.graph.temporaryAccessPassesCreated(forUser: TestDirectory.user(3)) == 0)
            #expect(stack.tenant.requests.all.contains { $0.target == .graph && $0.status == 403 })
            #expect(stack.handlerOutput.contains("may lack the application permission it needs"), "\(permission)")
        }
    }

    @Test func aProtectedUserCannotIssueForThemselvesEither() async throws {
        try await withTapStack(seed: TestDirectory.seed, apps: .selfService) { stack in
            let reply = try await stack.call(stack.selfService, "PUT", "/api/generate-tap",
                                             token: try stack.token("selfservice", TestDirectory.Protected.roleThroughGroup.rawValue))
            #expect(reply.status == 403 && reply.code == "target_privileged")
            let rows = try await stack.auditRows(.selfService)
            #expect(rows.count == 1 && rows.first?["Action"]?.stringValue == "BLOCKED_PRIVILEGED")
        }
    }

    /// The original's guard could be bypassed with a UPN in the path; here any non-GUID is 400 and
    /// nothing reaches Graph.
    @Test func aUPNOrOtherTextInThePathIsRejectedNeverResolved() async throws {
        try await withTapStack(seed: TestDirectory.seed, apps: .helpdesk) { stack in
            let token = try stack.token("helpdesk", TestDirectory.agent)
            let graphCallsBefore = stack.tenant.requests.all.filter { $0.target == .graph }.count
            for text in ["directRole@contoso.example", "CCCCCCCC-0000-4000-8000-00000000000", "{cccccccc-0000-4000-8000-000000000001}", "me"] {
                let reply = try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(URLQuery.encode(text))", token: token)
                #expect(reply.status == 400 && reply.code == "invalid_user_id", "\(text)")
                let status = try await stack.call(stack.helpdesk, "GET", "/api/users/\(URLQuery.encode(text))/tap", token: token)
                #expect(status.status == 400 && status.code == "invalid_user_id", "\(text)")
            }
            #expect(stack.tenant.requests.all.filter { $0.target == .graph }.count == graphCallsBefore)
            #expect(stack.tenant.graph.temporaryAccessPassesCreated(forUser: TestDirectory.Protected.directRole.rawValue) == 0)
            let rows = try await stack.auditRows(.helpdesk)
            #expect(rows.count == 4 && rows.allSatisfy { $0["Action"]?.stringValue == "DENIED" && $0["DenialReason"]?.stringValue == "invalid_user_id" })
        }
    }
}
