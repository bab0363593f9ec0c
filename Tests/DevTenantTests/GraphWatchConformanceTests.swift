import DevTenant
import EphemCore
import Foundation
import TestSupport
import Testing

/// Issue 16: the dev tenant's answers to the calls `tap-watch`, out-of-band detection and the
/// protected-accounts report make, compared with Microsoft's documented answers
/// (`Tests/Fixtures/graph/`), and the directory audit's permission (docs/graph-calls.md #22).
@Suite struct GraphWatchConformanceTests {
    /// An app-only Graph token with exactly `roles`.
    static func token(_ client: GraphTestClient, roles: [String]) throws -> String {
        let now = Date().timeIntervalSince1970
        let claims: [String: JSONValue] = [
            "aud": .string("https://graph.microsoft.com"), "iss": .string("https://sts.windows.net/\(client.tenant.seed.tenantId)/"),
            "tid": .string(client.tenant.seed.tenantId), "nbf": .number(now), "exp": .number(now + 600), "idtyp": .string("app"),
            "appid": .string("99999999-0000-4000-8000-000000000002"), "oid": .string("99999999-0000-4000-8000-000000000001"),
            "roles": .array(roles.map(JSONValue.string)),
        ]
        return "Bearer " + (try client.tenant.signer.sign(claims: claims))
    }

    /// An admin-center pass is recorded as "Admin registered security info" initiated by a user;
    /// the list (filtered by initiator, as Microsoft's Example 2) answers in the documented shape.
    @Test func directoryAuditsAnswerAsGraphDocuments() async throws {
        try await withGraph { client in
            let admin = DevAuditInitiator.user(id: Demo.agent, userPrincipalName: "agent@contoso.example", displayName: "Agent")
            #expect(client.graph.adminCenterCreateTemporaryAccessPass(userId: Demo.lena, lifetimeInMinutes: 60, initiator: admin) != nil)
            let auth = try Self.token(client, roles: ["AuditLog.Read.All", "Directory.Read.All"])
            let filter = GraphTestClient.encode("initiatedBy/user/id eq '\(Demo.agent)'")
            let listed = try await client.send(.GET, "/v1.0/auditLogs/directoryAudits?$filter=\(filter)", authorization: auth)
            try GraphConformanceTests.expectShape(listed, like: "directoryaudits-filter-initiatedby")
            let event = try #require(listed.values.first)
            #expect(event.member("activityDisplayName")?.stringValue == "Admin registered security info")
            #expect(event.member("targetResources")?.arrayValue?.first?.member("id")?.stringValue == Demo.lena)

            // The filter tap-watch sends: activity and time, oldest first.
            let since = GraphTestClient.encode("activityDisplayName eq 'Admin registered security info' and activityDateTime ge 2020-01-01T00:00:00Z")
            let watched = try await client.send(.GET, "/v1.0/auditLogs/directoryAudits?$filter=\(since)&$orderby=activityDateTime%20asc&$top=500", authorization: auth)
            #expect(watched.status == 200 && watched.values.count == 1)
            let future = GraphTestClient.encode("activityDateTime ge 2999-01-01T00:00:00Z")
            #expect(try await client.send(.GET, "/v1.0/auditLogs/directoryAudits?$filter=\(future)", authorization: auth).values.isEmpty)
        }
    }

    /// docs/graph-calls.md #22: "AuditLog.Read.All and Directory.Read.All"; either alone is 403.
    @Test func directoryAuditsNeedBothPermissions() async throws {
        try await withGraph { client in
            for roles in [["AuditLog.Read.All"], ["Directory.Read.All"]] {
                let denied = try await client.send(.GET, "/v1.0/auditLogs/directoryAudits", authorization: try Self.token(client, roles: roles))
                #expect(denied.status == 403 && denied.errorCode == "Authorization_RequestDenied", "\(roles)")
            }
        }
    }

    /// Methods registered after the seed (`POST /dev/methods`) are listed as Graph documents them,
    /// with their real `createdDateTime`.
    @Test func registeredMethodsAnswerAsGraphDocuments() async throws {
        try await withGraph { client in
            #expect(client.graph.registerMethod(userId: Demo.sam, type: "windowsHelloForBusinessAuthenticationMethod", displayName: "Surface") != nil)
            #expect(client.graph.registerMethod(userId: Demo.sam, type: "platformCredentialAuthenticationMethod", displayName: "Mac") != nil)
            #expect(client.graph.registerMethod(userId: Demo.sam, type: "fido2AuthenticationMethod", displayName: "Key") != nil)
            #expect(client.graph.registerMethod(userId: Demo.sam, type: "passwordAuthenticationMethod", displayName: nil) == nil)
            let listed = try await client.get("/v1.0/users/\(Demo.sam)/authentication/methods")
            let documented = try #require(GraphFixture.named("auth-methods-list").response)
            let problems = JSONShape.compare(documented: JSONShape.removing(["creationDateTime"], from: documented), actual: try #require(listed.json),
                                             exact: false, at: "auth-methods-list")
            #expect(problems.isEmpty, "\(problems)")
            let platform = try #require(GraphFixture.named("auth-methods-platformcredential").response)
            let item = try #require(listed.values.first { $0.member("@odata.type")?.stringValue == "#microsoft.graph.platformCredentialAuthenticationMethod" })
            let more = JSONShape.compare(documented: JSONShape.removing(["creationDateTime"], from: platform), actual: .object(["value": .array([item])]),
                                         exact: true, at: "auth-methods-platformcredential")
            #expect(more.filter { !$0.contains("createdDateTime") }.isEmpty, "\(more)")
            #expect(item.member("createdDateTime")?.stringValue.flatMap(GraphDate.parse) != nil)
        }
    }

    /// The tenant-wide role list with `$expand=principal` (Microsoft's Example 1) and without a
    /// filter (the page lists `$filter` among the optional parameters), paged.
    @Test func tenantRoleAssignmentsAnswerAsGraphDocuments() async throws {
        try await withGraph { client in
            let filter = GraphTestClient.encode("roleDefinitionId eq '62e90394-69f5-4237-9190-012177145e10'")
            let expanded = try await client.get("/v1.0/roleManagement/directory/roleAssignments?$filter=\(filter)&$expand=principal")
            try GraphConformanceTests.expectShape(expanded, like: "roleassignments-expand-principal", exact: false)
            client.graph.setMaxPageSize(2)
            let all = try await client.get("/v1.0/roleManagement/directory/roleAssignments?$expand=principal")
            #expect(all.status == 200 && all.values.count == 2 && all.nextLink != nil)
        }
    }
}
