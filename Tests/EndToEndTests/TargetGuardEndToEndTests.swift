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
                #expect(row?["DenialReason"]?.stringValue?.contains(protected.reasonNames) == true, "\(protected): \(row?["DenialReason"]?.stringValue ?? "none")")
            }
            // The late group was found by reading past the first page.
            let pages = stack.tenant.requests.all.filter { $0.path.contains(TestDirectory.Protected.groupOnALaterPage.rawValue) && $0.path.contains("transitiveMemberOf") }
            #expect(pages.count >= 3)

            // The same users stay ordinary for a harmless role or group: user 3 is in the twelve ordinary groups, user 4 a Directory Reader.
            for number in [3, 4] {
                #expect(try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(TestDirectory.user(number))", token: token).status == 200)
            }
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
