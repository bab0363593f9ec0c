/// Tenant-wide reads of the protected-accounts report (SPEC 7.7). All basic queries, each paged
/// by `@odata.nextLink`:
/// - role assignments and eligibilities with their principal (`$expand=principal`; fixture
///   `roleassignments-expand-principal`; RoleManagement.Read.Directory);
/// - a group's members, owners, transitive members (GroupMember.Read.All);
/// - PIM-for-Groups eligibilities of a group (`$filter=groupId eq`, required;
///   PrivilegedEligibilitySchedule.Read.AzureADGroup);
/// - administrative units and their members (AdministrativeUnit.Read.All; the members' user
///   properties need User.Read.All).
extension GraphClient {
    /// A role assignment or eligibility with what Graph says about its principal.
    public struct TenantRoleGrant: Sendable, Equatable {
        public var grant: RoleGrant
        public var principal: DirectoryMember
    }

    /// A directory object in a member list: its id, `@odata.type` (`#microsoft.graph.user`, …),
    /// and a user's UPN and name.
    public struct DirectoryMember: Sendable, Equatable, Hashable {
        public var id: String
        public var odataType: String?
        public var userPrincipalName: String?
        public var displayName: String?

        init?(json: JSONValue) {
            guard let id = json["id"]?.stringValue else { return nil }
            self.id = id.lowercased()
            odataType = json["@odata.type"]?.stringValue
            userPrincipalName = json["userPrincipalName"]?.stringValue
            displayName = json["displayName"]?.stringValue
        }

        public init(id: String, odataType: String?) {
            self.id = id.lowercased()
            self.odataType = odataType
        }

        public var isUser: Bool { odataType == "#microsoft.graph.user" }
        public var isGroup: Bool { odataType == "#microsoft.graph.group" }
    }

    /// Every active (`eligible` false) or PIM-eligible role grant of the tenant.
    public func tenantRoleGrants(eligible: Bool) async throws(GraphError) -> [TenantRoleGrant] {
        let base = eligible ? "/v1.0/roleManagement/directory/roleEligibilityScheduleInstances" : "/v1.0/roleManagement/directory/roleAssignments"
        let items = try await collection("\(base)?$expand=principal", maxPages: 1000)
        return try items.map { (item) throws(GraphError) -> TenantRoleGrant in
            guard let role = item["roleDefinitionId"]?.stringValue, let principalId = item["principalId"]?.stringValue else {
                throw .unavailable(detail: "a role grant without roleDefinitionId or principalId")
            }
            let principal = item["principal"].flatMap(DirectoryMember.init(json:)) ?? DirectoryMember(id: principalId, odataType: nil)
            return TenantRoleGrant(grant: RoleGrant(roleDefinitionId: role, directoryScopeId: item["directoryScopeId"]?.stringValue), principal: principal)
        }
    }

    public enum GroupRelation: String, Sendable { case members, owners, transitiveMembers }

    /// A group's members, owners or transitive members (users with UPN and name).
    public func groupObjects(_ group: GUID, _ relation: GroupRelation) async throws(GraphError) -> [DirectoryMember] {
        let items = try await collection("/v1.0/groups/\(group.value)/\(relation.rawValue)?$select=id,userPrincipalName,displayName&$top=999", maxPages: 1000)
        return items.compactMap(DirectoryMember.init(json:))
    }

    /// PIM-for-Groups eligibilities for one group (principal ids and `member`/`owner`).
    public func groupEligibilities(group: GUID) async throws(GraphError) -> [(principalId: String, accessId: String)] {
        let filter = URLQuery.encode("groupId eq \(ODataLiteral.string(group.value))")
        let items = try await collection("/v1.0/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances?$filter=\(filter)")
        return items.compactMap { item in
            guard let principal = item["principalId"]?.stringValue else { return nil }
            return (principal.lowercased(), item["accessId"]?.stringValue ?? "member")
        }
    }

    /// Every administrative unit with its restriction flag.
    public func tenantAdministrativeUnits() async throws(GraphError) -> [AdministrativeUnit] {
        let items = try await collection("/v1.0/directory/administrativeUnits?$select=id,displayName,isMemberManagementRestricted&$top=999")
        return items.compactMap(AdministrativeUnit.init(json:))
    }

    /// A unit's members (users with UPN and name).
    public func administrativeUnitMembers(_ unitId: String) async throws(GraphError) -> [DirectoryMember] {
        let items = try await collection("/v1.0/directory/administrativeUnits/\(Self.pathSegment(unitId))/members?$select=id,userPrincipalName,displayName&$top=999",
                                         maxPages: 1000)
        return items.compactMap(DirectoryMember.init(json:))
    }
}
