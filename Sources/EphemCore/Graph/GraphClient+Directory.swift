/// Users, groups and roles (reference 3, 4). Every id in a path or filter is a `GUID` we validated,
/// and the one free-text input (search) goes through `ODataLiteral` and percent-encoding.
extension GraphClient {
    static let userSelect = "id,userPrincipalName,displayName,givenName,surname,mail,jobTitle,department,accountEnabled,userType,preferredLanguage"
    static let groupSelect = "id,displayName,isAssignableToRole"

    /// The user with this object id; `notFound` when there is none.
    public func user(_ id: GUID) async throws(GraphError) -> DirectoryUser {
        let reply = try await call("GET", "/v1.0/users/\(id.value)?$select=\(Self.userSelect)")
        guard let json = reply.json, let user = DirectoryUser(json: json) else { throw .unavailable(detail: "unreadable user") }
        // Graph answers for the id we asked; anything else would break "only the resolved id is used".
        guard user.id == id else { throw .unavailable(detail: "user lookup returned another object") }
        return user
    }

    /// Prefix match on UPN, display name or mail (basic query: no `ConsistencyLevel` needed).
    public func searchUsers(prefix: String, top: Int) async throws(GraphError) -> [DirectoryUser] {
        let literal = ODataLiteral.string(prefix)
        let filter = "startswith(userPrincipalName,\(literal)) or startswith(displayName,\(literal)) or startswith(mail,\(literal))"
        let reply = try await call("GET", "/v1.0/users?$filter=\(URLQuery.encode(filter))&$select=\(Self.userSelect)&$top=\(top)")
        guard let values = reply.json?["value"]?.arrayValue else { throw .unavailable(detail: "unreadable user list") }
        return values.compactMap(DirectoryUser.init(json:))
    }

    /// Direct role assignments of a principal (v1.0: never the group-based ones, reference 4.1).
    public func roleAssignments(principal: GUID) async throws(GraphError) -> [RoleGrant] {
        try await grants("/v1.0/roleManagement/directory/roleAssignments", principal: principal)
    }

    /// PIM-eligible roles of a principal (reference 4.3).
    public func roleEligibilities(principal: GUID) async throws(GraphError) -> [RoleGrant] {
        try await grants("/v1.0/roleManagement/directory/roleEligibilityScheduleInstances", principal: principal)
    }

    private func grants(_ base: String, principal: GUID) async throws(GraphError) -> [RoleGrant] {
        let filter = URLQuery.encode("principalId eq \(ODataLiteral.string(principal.value))")
        let items = try await collection("\(base)?$filter=\(filter)")
        return try items.map { (item) throws(GraphError) -> RoleGrant in
            guard let role = item["roleDefinitionId"]?.stringValue else { throw .unavailable(detail: "a role grant without roleDefinitionId") }
            return RoleGrant(roleDefinitionId: role, directoryScopeId: item["directoryScopeId"]?.stringValue)
        }
    }

    /// Every group the user is in, directly or nested, all pages (reference 4.4).
    public func transitiveGroups(user: GUID) async throws(GraphError) -> [DirectoryGroup] {
        try await groups(at: "/v1.0/users/\(user.value)/transitiveMemberOf/microsoft.graph.group?$select=\(Self.groupSelect)&$top=999")
    }

    /// Groups the user owns.
    public func ownedGroups(user: GUID) async throws(GraphError) -> [DirectoryGroup] {
        try await groups(at: "/v1.0/users/\(user.value)/ownedObjects/microsoft.graph.group?$select=\(Self.groupSelect)&$top=999")
    }

    /// The groups with these ids (15 per request, concurrently).
    public func groups(ids: [GUID]) async throws(GraphError) -> [DirectoryGroup] {
        return try await concurrently(Self.chunks(ids, of: 15)) { chunk throws(GraphError) in
            let list = chunk.map { ODataLiteral.string($0.value) }.joined(separator: ",")
            return try await groups(at: "/v1.0/groups?$filter=\(URLQuery.encode("id in (\(list))"))&$select=\(Self.groupSelect)")
        }.flatMap { $0 }
    }

    private func groups(at path: String) async throws(GraphError) -> [DirectoryGroup] {
        let items = try await collection(path)
        return try items.map { (item) throws(GraphError) -> DirectoryGroup in
            guard let group = DirectoryGroup(json: item) else { throw .unavailable(detail: "a group without an id") }
            return group
        }
    }

    /// PIM-for-Groups eligibilities of a principal (reference 4.3: the filter is required).
    public func groupEligibilities(principal: GUID) async throws(GraphError) -> [GroupEligibility] {
        let filter = URLQuery.encode("principalId eq \(ODataLiteral.string(principal.value))")
        let items = try await collection("/v1.0/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances?$filter=\(filter)")
        return try items.map { (item) throws(GraphError) -> GroupEligibility in
            guard let group = item["groupId"]?.stringValue.flatMap({ GUID($0) }) else { throw .unavailable(detail: "an eligibility without groupId") }
            return GroupEligibility(groupId: group, accessId: item["accessId"]?.stringValue ?? "member")
        }
    }

    /// Which of `groupIds` the user is a member of, nested membership included (reference 4.4:
    /// at most 20 ids per call, so larger lists are split and asked concurrently).
    public func memberGroups(user: GUID, among groupIds: [GUID]) async throws(GraphError) -> Set<GUID> {
        let found = try await concurrently(Self.chunks(groupIds, of: 20)) { chunk throws(GraphError) -> [GUID] in
            let body = JSONValue.object(["groupIds": .array(chunk.map { .string($0.value) })])
            let reply = try await call("POST", "/v1.0/users/\(user.value)/checkMemberGroups", body: body)
            guard let values = reply.json?["value"]?.arrayValue else { throw .unavailable(detail: "unreadable checkMemberGroups answer") }
            return values.compactMap { $0.stringValue.flatMap { GUID($0) } }
        }
        return Set(found.flatMap { $0 })
    }

    /// `ids` in requests of at most `size` (Graph's limits on `in (…)` filters and `checkMemberGroups`).
    static func chunks(_ ids: [GUID], of size: Int) -> [[GUID]] {
        stride(from: 0, to: ids.count, by: size).map { Array(ids[$0..<min($0 + size, ids.count)]) }
    }

    /// Runs `work` for every input concurrently; the first failure wins.
    func concurrently<Input: Sendable, Output: Sendable>(
        _ inputs: [Input], _ work: @escaping @Sendable (Input) async throws(GraphError) -> Output
    ) async throws(GraphError) -> [Output] {
        let results = await withTaskGroup(of: (Int, Result<Output, GraphError>).self) { group in
            for (index, input) in inputs.enumerated() {
                group.addTask {
                    do throws(GraphError) { return (index, .success(try await work(input))) } catch { return (index, .failure(error)) }
                }
            }
            var collected: [(Int, Result<Output, GraphError>)] = []
            for await result in group { collected.append(result) }
            return collected.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return try results.map { (result) throws(GraphError) -> Output in try result.get() }
    }
}
