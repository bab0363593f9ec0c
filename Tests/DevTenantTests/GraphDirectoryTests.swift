import DevTenant
import EphemCore
import Foundation
import Testing

/// Roles, PIM, groups and memberships (graph-contracts.md section 4).
@Suite struct GraphDirectoryTests {
    static let groupSelect = "$select=id,displayName,isAssignableToRole"

    static func principalFilter(_ id: String, property: String = "principalId") -> String {
        "$filter=" + GraphTestClient.encode("\(property) eq '\(id)'")
    }

    @Test func roleAssignmentsAreDirectOnly() async throws {
        try await withGraph { client in
            let base = "/v1.0/roleManagement/directory/roleAssignments?"
            let grace = try await client.get(base + Self.principalFilter(Demo.grace))
            #expect(grace.status == 200 && grace.values.count == 1)
            let item = try #require(grace.values.first?.objectValue)
            #expect(item.keys.sorted() == ["directoryScopeId", "id", "principalId", "resourceScope", "roleDefinitionId"])
            #expect(item["roleDefinitionId"]?.stringValue == "62e90394-69f5-4237-9190-012177145e10" && item["directoryScopeId"]?.stringValue == "/")
            let group = try await client.get(base + Self.principalFilter(Seed.DemoGroup.tier0Operators))
            #expect(group.strings("roleDefinitionId") == ["e8611ab8-c189-46e8-94e1-60213ab1f814"])
            #expect(try await client.get(base + Self.principalFilter(Demo.tom)).values.isEmpty)
            #expect(try await client.get(base + Self.principalFilter(Demo.priya)).values.isEmpty)
            let byRole = try await client.get(base + "$filter=" + GraphTestClient.encode("roleDefinitionId eq '62e90394-69f5-4237-9190-012177145e10'"))
            #expect(byRole.strings("principalId") == [Demo.grace])

            // Issue 16: api/rbacapplication-list-roleassignments.md lists $filter among the optional
            // parameters; the tenant-wide list is what the protected-accounts report reads.
            let all = try await client.get("/v1.0/roleManagement/directory/roleAssignments")
            #expect(all.status == 200 && all.values.count == (client.tenant.seed.roleAssignments ?? []).count)
            for filter in ["startswith(principalId,'a')", "principalId eq '\(Demo.grace)' or principalId eq '\(Demo.tom)'", "principalId eq"] {
                #expect(try await client.get(base + "$filter=" + GraphTestClient.encode(filter)).status == 400, "\(filter)")
            }
        }
    }

    @Test func pimEligibilitiesNeedTheirFilter() async throws {
        try await withGraph { client in
            let roles = try await client.get("/v1.0/roleManagement/directory/roleEligibilityScheduleInstances?" + Self.principalFilter(Demo.priya))
            #expect(roles.status == 200 && roles.strings("roleDefinitionId") == ["194ae4cb-b126-40b2-bd5b-6091b380977d"])
            let instance = try #require(roles.values.first)
            #expect(instance.member("memberType")?.stringValue == "Direct" && instance.member("directoryScopeId")?.stringValue == "/")
            #expect(instance.member("startDateTime")?.stringValue != nil && instance.member("endDateTime") == .null)
            #expect(try await client.get("/v1.0/roleManagement/directory/roleEligibilityScheduleInstances?" + Self.principalFilter(Demo.lena)).values.isEmpty)
            // The directory role list takes $filter as an option (issue 16); PIM for Groups requires it (below).
            #expect(try await client.get("/v1.0/roleManagement/directory/roleEligibilityScheduleInstances").values.count == (client.tenant.seed.roleEligibilities ?? []).count)

            let path = "/v1.0/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances"
            let felix = try await client.get(path + "?" + Self.principalFilter(Demo.felix))
            #expect(felix.status == 200 && felix.values.count == 1)
            let item = try #require(felix.values.first)
            #expect(item.member("groupId")?.stringValue == Seed.DemoGroup.tier0Operators && item.member("accessId")?.stringValue == "member")
            #expect(item.member("principalId")?.stringValue == Demo.felix && item.member("memberType")?.stringValue == "Direct")
            let byGroup = try await client.get(path + "?" + Self.principalFilter(Seed.DemoGroup.tier0Operators, property: "groupId"))
            #expect(byGroup.strings("principalId") == [Demo.felix])
            let none = try await client.get(path)
            #expect(none.status == 400 && none.errorCode == "BadRequest")
        }
    }

    @Test func transitiveMembershipFollowsNestingAndPages() async throws {
        try await withGraph { client in
            // A cast on a transitive list is an advanced query (docs/graph-calls.md #3).
            let eventual = [("ConsistencyLevel", "eventual")]
            let refused = try await client.get("/v1.0/users/\(Demo.nina)/transitiveMemberOf/microsoft.graph.group?\(Self.groupSelect)")
            #expect(refused.status == 400 && refused.errorCode == "Request_UnsupportedQuery")
            let nina = try await client.pages("/v1.0/users/\(Demo.nina)/transitiveMemberOf/microsoft.graph.group?\(Self.groupSelect)&$count=true&$top=999",
                                              headers: eventual)
            let ids = nina.flatMap { $0.strings("id") }
            #expect(ids == [Seed.DemoGroup.tapBlocked, Seed.DemoGroup.restrictedVendors, Seed.DemoGroup.financeContractors, Seed.DemoGroup.allStaff])
            #expect(nina[0].values.first?.objectValue?.keys.sorted() == ["displayName", "id", "isAssignableToRole"])
            #expect(nina[0]["@odata.context"]?.stringValue?.hasSuffix("$metadata#groups(id,displayName,isAssignableToRole)") == true)

            client.graph.setMaxPageSize(1)
            let paged = try await client.pages("/v1.0/users/\(Demo.nina)/transitiveMemberOf/microsoft.graph.group?\(Self.groupSelect)&$count=true&$top=999",
                                               headers: eventual)
            #expect(paged.count == 4 && paged.flatMap { $0.strings("id") } == ids)
            client.graph.setMaxPageSize(999)

            // Uncast: groups, then the role Tom holds through his role-assignable group, each typed;
            // an ordinary group answers `isAssignableToRole: null`, as Graph does.
            let uncast = try await client.get("/v1.0/users/\(Demo.tom)/transitiveMemberOf")
            #expect(uncast.strings("@odata.type") == ["#microsoft.graph.group", "#microsoft.graph.group", "#microsoft.graph.directoryRole"])
            #expect(uncast.values.first?.member("isAssignableToRole") == .bool(true))
            #expect(uncast.values[1].member("isAssignableToRole") == .null)
            #expect(uncast.values[2].member("roleTemplateId")?.stringValue == Seed.DemoRole.privilegedRoleAdministrator)
            let filtered = try await client.get("/v1.0/users/\(Demo.tom)/transitiveMemberOf/microsoft.graph.group?$filter=" + GraphTestClient.encode("isAssignableToRole eq true"))
            #expect(filtered.status == 400 && filtered.errorCode == "Request_UnsupportedQuery")
            #expect(try await client.get("/v1.0/users/\(Demo.tom)/transitiveMemberOf?$orderby=displayName").errorCode == "Request_UnsupportedQuery")
            let advanced = try await client.get("/v1.0/users/\(Demo.tom)/transitiveMemberOf/microsoft.graph.group?$count=true&$filter=" + GraphTestClient.encode("isAssignableToRole eq true"),
                                                headers: [("ConsistencyLevel", "eventual")])
            #expect(advanced.strings("id") == [Seed.DemoGroup.tier0Operators] && advanced["@odata.count"] == .number(1))
            #expect(try await client.get("/v1.0/users/nobody@contoso.example/transitiveMemberOf").errorCode == "Request_ResourceNotFound")

            let owned = try await client.get("/v1.0/users/\(Demo.olivia)/ownedObjects/microsoft.graph.group?\(Self.groupSelect)")
            #expect(try await client.get("/v1.0/users/\(Demo.olivia)/ownedObjects").strings("@odata.type") == ["#microsoft.graph.group"])
            #expect(owned.strings("id") == [Seed.DemoGroup.tier0Operators])
            #expect(try await client.get("/v1.0/users/\(Demo.lena)/ownedObjects/microsoft.graph.group").values.isEmpty)
        }
    }

    static let cyclic = #"""
    {"tenantId": "11111111-1111-1111-1111-111111111111",
     "users": [{"id": "aaaaaaaa-0000-4000-8000-000000000001", "userPrincipalName": "a@contoso.example", "displayName": "A"}],
     "groups": [{"id": "bbbbbbbb-0000-4000-8000-000000000001", "displayName": "One", "members": ["bbbbbbbb-0000-4000-8000-000000000003", "aaaaaaaa-0000-4000-8000-000000000001"]},
                {"id": "bbbbbbbb-0000-4000-8000-000000000002", "displayName": "Two", "members": ["bbbbbbbb-0000-4000-8000-000000000001"]},
                {"id": "bbbbbbbb-0000-4000-8000-000000000003", "displayName": "Three", "members": ["bbbbbbbb-0000-4000-8000-000000000002"]},
                {"id": "bbbbbbbb-0000-4000-8000-000000000004", "displayName": "Elsewhere", "members": []}],
     "roleAssignments": [], "roleEligibilities": []}
    """#

    @Test func cyclicGroupsEndWhereTheyRepeat() async throws {
        try await withGraph(seed: try seed(Self.cyclic)) { client in
            let groups = try await client.send(.POST, "/v1.0/users/aaaaaaaa-0000-4000-8000-000000000001/getMemberGroups", body: #"{"securityEnabledOnly": true}"#)
            #expect(groups.values.compactMap(\.stringValue) == ["bbbbbbbb-0000-4000-8000-000000000001", "bbbbbbbb-0000-4000-8000-000000000002", "bbbbbbbb-0000-4000-8000-000000000003"])
            let check = try await client.send(.POST, "/v1.0/users/a@contoso.example/checkMemberGroups",
                                              body: #"{"groupIds": ["BBBBBBBB-0000-4000-8000-000000000003", "bbbbbbbb-0000-4000-8000-000000000004"]}"#)
            #expect(check.status == 200 && check.values == [.string("bbbbbbbb-0000-4000-8000-000000000003")])
        }
    }

    @Test func checkMemberGroupsIsTransitiveAndBounded() async throws {
        try await withGraph { client in
            let path = "/v1.0/users/\(Demo.nina)/checkMemberGroups"
            let hit = try await client.send(.POST, path, body: #"{"groupIds": ["\#(Seed.DemoGroup.tapBlocked)", "\#(Seed.DemoGroup.engineering)"]}"#)
            #expect(hit.status == 200 && hit.values == [.string(Seed.DemoGroup.tapBlocked)])
            #expect(try await client.send(.POST, "/v1.0/users/\(Demo.lena)/checkMemberGroups", body: #"{"groupIds": ["\#(Seed.DemoGroup.tapBlocked)"]}"#).values.isEmpty)
            let many = (1...21).map { #""bbbbbbbb-0000-4000-8000-0000000001\#($0 < 10 ? "0" : "")\#($0)""# }.joined(separator: ",")
            let tooMany = try await client.send(.POST, path, body: #"{"groupIds": [\#(many)]}"#)
            #expect(tooMany.status == 400 && tooMany.errorCode == "Request_BadRequest")
            #expect(try await client.send(.POST, path, body: #"{"groupIds": ["not-a-guid"]}"#).errorCode == "Request_BadRequest")
            #expect(try await client.send(.POST, path, body: #"{"ids": []}"#).errorCode == "Request_BadRequest")
            #expect(try await client.send(.POST, "/v1.0/users/00000000-0000-4000-8000-00000000abcd/checkMemberGroups", body: #"{"groupIds": []}"#).status == 404)
        }
    }

    @Test func groupsAreListedByIdAndReadOneByOne() async throws {
        try await withGraph { client in
            let filter = GraphTestClient.encode("id in ('\(Seed.DemoGroup.engineering)','\(Seed.DemoGroup.tier0Operators)','bbbbbbbb-0000-4000-8000-0000000000ff')")
            let listed = try await client.get("/v1.0/groups?$filter=\(filter)&\(Self.groupSelect)")
            #expect(listed.status == 200 && listed.strings("id") == [Seed.DemoGroup.tier0Operators, Seed.DemoGroup.engineering])
            #expect(listed.values.map { $0.member("isAssignableToRole") } == [.bool(true), .null])
            let one = try await client.get("/v1.0/groups/\(Seed.DemoGroup.tapBlocked)")
            #expect(one.status == 200 && one["displayName"]?.stringValue == "TAP Blocked")
            #expect(one["@odata.context"]?.stringValue?.hasSuffix("$metadata#groups/$entity") == true)
            #expect(try await client.get("/v1.0/groups/bbbbbbbb-0000-4000-8000-0000000000ff").errorCode == "Request_ResourceNotFound")
            let named = try await client.get("/v1.0/groups?$filter=" + GraphTestClient.encode("startswith(displayName,'tap')") + "&$select=displayName")
            #expect(named.strings("displayName") == ["TAP Blocked", "TAP Policy Excluded"])
        }
    }
}
