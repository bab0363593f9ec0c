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

    /// People search for the helpdesk (issue 14, reference 3), two reads sent concurrently:
    /// - a basic `$filter` (strongly consistent, no `ConsistencyLevel`): `startsWith` on UPN,
    ///   display name, mail, given name and surname (all "Default" in Graph's filter table);
    /// - `$search="displayName:<text>"` with `ConsistencyLevel: eventual`: Graph's tokenized search
    ///   finds each word of the display name ("Farsi" in "Mohammed Al-Farsi"), in any order
    ///   (concepts/search-query-parameter.md). Inside the clause `"` and `\` are escaped with a
    ///   backslash, then the whole value is percent-encoded.
    /// The filter's users come first, then those only the search found; at most `top`. Either
    /// read failing fails the search.
    public func searchUsers(prefix: String, top: Int) async throws(GraphError) -> [DirectoryUser] {
        let literal = ODataLiteral.string(prefix)
        let filter = ["userPrincipalName", "displayName", "mail", "givenName", "surname"]
            .map { "startswith(\($0),\(literal))" }.joined(separator: " or ")
        let escaped = prefix.reduce(into: "") { text, character in
            if character == "\\" || character == "\"" { text.append("\\") }
            text.append(character)
        }
        let clause = "\"displayName:\(escaped)\""
        async let filtered = Outcome.of { () throws(GraphError) in
            try await call("GET", "/v1.0/users?$filter=\(URLQuery.encode(filter))&$select=\(Self.userSelect)&$top=\(top)")
        }
        async let searched = Outcome.of { () throws(GraphError) in
            try await call("GET", "/v1.0/users?$search=\(URLQuery.encode(clause))&$select=\(Self.userSelect)&$top=\(top)",
                           headers: [("ConsistencyLevel", "eventual")])
        }
        let (first, second) = await (filtered, searched)
        var users: [DirectoryUser] = []
        var seen: Set<GUID> = []
        for reply in [try first.get(), try second.get()] {
            guard let values = reply.json?["value"]?.arrayValue else { throw .unavailable(detail: "unreadable user list") }
            for user in values.compactMap(DirectoryUser.init(json:)) where users.count < top {
                if seen.insert(user.id).inserted { users.append(user) }
            }
        }
        return users
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

    /// The ids of every security group the user is a member of, nested membership included, in
    /// one call (`POST /users/{id}/getMemberGroups`, docs/graph-calls.md #14). Graph takes the
    /// call on a user only with `securityEnabledOnly: true`; role-assignable groups are always
    /// security groups, and `BLOCKED_GROUP_IDS` is also checked with `checkMemberGroups`, which
    /// sees every kind. A basic call: it needs no `ConsistencyLevel` and reads the directory's
    /// consistent store, unlike the cast `transitiveMemberOf` list, which Graph documents as an
    /// advanced (eventually consistent) query. Graph returns at most `getMemberGroupsLimit` ids and
    /// refuses more (400): an answer at the limit may be cut short, so it fails closed too.
    public func memberGroupIds(user: GUID) async throws(GraphError) -> Set<GUID> {
        let body = JSONValue.object(["securityEnabledOnly": .bool(true)])
        let reply = try await call("POST", "/v1.0/users/\(user.value)/getMemberGroups", body: body)
        guard let values = reply.json?["value"]?.arrayValue else { throw .unavailable(detail: "unreadable getMemberGroups answer") }
        guard values.count < Self.getMemberGroupsLimit else {
            throw .unavailable(detail: "getMemberGroups returned \(values.count) ids, the most Graph returns: the list may be cut short")
        }
        var ids = Set<GUID>()
        for value in values {
            guard let id = value.stringValue.flatMap({ GUID($0) }) else { throw .unavailable(detail: "getMemberGroups returned a non-GUID") }
            ids.insert(id)
        }
        return ids
    }

    /// The most group ids `getMemberGroups` returns in one answer (docs/graph-calls.md).
    public static let getMemberGroupsLimit = 11_000

    /// Every role-assignable group of the tenant (`GET /groups?$filter=isAssignableToRole eq true`,
    /// a basic query; Microsoft's own guidance for finding group-based role holders lists them this
    /// way). A tenant holds at most 500, and `isAssignableToRole` is fixed when a group is created,
    /// so one page of 999 normally holds them all; further pages are followed.
    public func roleAssignableGroups() async throws(GraphError) -> [DirectoryGroup] {
        let filter = URLQuery.encode("isAssignableToRole eq true")
        return try await groups(at: "/v1.0/groups?$filter=\(filter)&$select=\(Self.groupSelect)&$top=999")
    }

    /// The directory objects the user owns, directly (`GET /users/{id}/ownedObjects`, uncast: a
    /// basic query). Items are groups, applications, service principals or devices, each with its
    /// `@odata.type`; callers keep what they need by type.
    public func ownedObjects(user: GUID) async throws(GraphError) -> [DirectoryObject] {
        let items = try await collection("/v1.0/users/\(user.value)/ownedObjects?$top=999")
        return try items.map { (item) throws(GraphError) -> DirectoryObject in
            guard let object = DirectoryObject(json: item) else { throw .unavailable(detail: "an owned object without an id") }
            return object
        }
    }

    /// The administrative units the user is a member of, with whether each restricts management
    /// of its members (`GET /users/{id}/transitiveMemberOf/microsoft.graph.administrativeUnit`;
    /// docs/graph-calls.md #3, #5). Units do not nest, so the transitive list holds exactly the
    /// direct units; it is used because its application permission is documented as
    /// `User.Read.All` (the direct `memberOf` list's is unclear), and the units' properties need
    /// `AdministrativeUnit.Read.All`. A cast is an advanced query, so the call carries
    /// `ConsistencyLevel: eventual` and `$count=true`; the eventual consistency is acceptable
    /// here because Graph itself refuses an application's write to a restricted unit's member
    /// (403), which the create maps to the same refusal.
    public func administrativeUnits(user: GUID) async throws(GraphError) -> [AdministrativeUnit] {
        let items = try await collection(
            "/v1.0/users/\(user.value)/transitiveMemberOf/microsoft.graph.administrativeUnit?$select=id,displayName,isMemberManagementRestricted&$count=true&$top=999",
            headers: [("ConsistencyLevel", "eventual")])
        var units: [AdministrativeUnit] = []
        for item in items {
            // A cast list holds only units; anything else Graph might add is not a unit.
            if let type = item["@odata.type"]?.stringValue, type != "#microsoft.graph.administrativeUnit" { continue }
            guard let unit = AdministrativeUnit(json: item) else { throw .unavailable(detail: "an administrative unit without an id") }
            units.append(unit)
        }
        return units
    }

    /// The user's manager (`GET /users/{id}/manager`), or nil when none is set (Graph answers 404).
    public func manager(of user: GUID) async throws(GraphError) -> DirectoryUser? {
        let reply: Reply
        do throws(GraphError) {
            reply = try await call("GET", "/v1.0/users/\(user.value)/manager?$select=\(Self.userSelect)")
        } catch .notFound {
            return nil
        }
        guard let json = reply.json, let manager = DirectoryUser(json: json) else { throw .unavailable(detail: "unreadable manager") }
        return manager
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
