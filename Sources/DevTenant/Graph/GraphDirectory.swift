import EphemCore

/// The seed as Graph sees it: users by object id or UPN (case-insensitive), groups by id, and
/// membership followed through nested groups (a cycle in the seed ends where it repeats, as the
/// directory's transitive closure does). Immutable; the changing parts (TAPs, mail) live in
/// `DevGraph`.
struct GraphDirectory: Sendable {
    let seed: Seed
    private let userIndex: [String: Int]
    private let upnIndex: [String: Int]
    private let groupIndex: [String: Int]
    /// Member id → the ids of the groups it is a direct member of, in seed order.
    private let parents: [String: [String]]
    /// The seed's TAP policy with Graph's defaults filled in.
    let tapPolicy: EffectiveTapPolicy

    init(seed: Seed) {
        self.seed = seed
        tapPolicy = EffectiveTapPolicy(seed.tapPolicy)
        var users: [String: Int] = [:], upns: [String: Int] = [:], groups: [String: Int] = [:]
        for (index, user) in seed.users.enumerated() {
            users[user.id.lowercased()] = users[user.id.lowercased()] ?? index
            upns[user.userPrincipalName.lowercased()] = upns[user.userPrincipalName.lowercased()] ?? index
        }
        var parents: [String: [String]] = [:]
        for (index, group) in (seed.groups ?? []).enumerated() {
            groups[group.id.lowercased()] = groups[group.id.lowercased()] ?? index
            for member in group.members { parents[member.lowercased(), default: []].append(group.id.lowercased()) }
        }
        userIndex = users
        upnIndex = upns
        groupIndex = groups
        self.parents = parents
    }

    var users: [Seed.User] { seed.users }
    var groups: [Seed.Group] { seed.groups ?? [] }

    /// A user by object id or by userPrincipalName (Graph's `/users/{id | userPrincipalName}`).
    func user(_ key: String) -> Seed.User? {
        let lower = key.lowercased()
        if let index = userIndex[lower] ?? upnIndex[lower] { return seed.users[index] }
        return nil
    }

    func group(_ id: String) -> Seed.Group? {
        groupIndex[id.lowercased()].map { groups[$0] }
    }

    var administrativeUnits: [Seed.AdministrativeUnit] { seed.administrativeUnits ?? [] }

    func administrativeUnit(_ id: String) -> Seed.AdministrativeUnit? {
        administrativeUnits.first { $0.id.lowercased() == id.lowercased() }
    }

    /// The units `userId` is a member of, in seed order (units do not nest).
    func administrativeUnits(of userId: String) -> [Seed.AdministrativeUnit] {
        let lower = userId.lowercased()
        return administrativeUnits.filter { unit in unit.members.contains { $0.lowercased() == lower } }
    }

    /// The groups `memberId` is a direct member of, in seed order.
    func directGroups(of memberId: String) -> [Seed.Group] {
        let ids = Set(parents[memberId.lowercased()] ?? [])
        return groups.filter { ids.contains($0.id.lowercased()) }
    }

    /// The built-in roles `principalId` holds through an active tenant-wide assignment, directly or
    /// (with `transitive`) through a group: Graph lists these as `directoryRole` objects in
    /// `memberOf` / `transitiveMemberOf`.
    func directoryRoleTemplates(of principalId: String, transitive: Bool) -> [String] {
        var principals: Set<String> = [principalId.lowercased()]
        if transitive { principals.formUnion(transitiveGroupIds(of: principalId)) }
        var found: [String] = []
        for assignment in seed.roleAssignments ?? [] where principals.contains(assignment.principalId.lowercased())
            && (assignment.directoryScopeId ?? "/") == "/" && !found.contains(assignment.roleDefinitionId.lowercased()) {
            found.append(assignment.roleDefinitionId.lowercased())
        }
        return found
    }

    /// The ids of every group `memberId` belongs to, directly or through nested groups.
    func transitiveGroupIds(of memberId: String) -> Set<String> {
        var found = Set<String>()
        var pending = parents[memberId.lowercased()] ?? []
        while let next = pending.popLast() {
            guard found.insert(next).inserted else { continue }
            pending += parents[next] ?? []
        }
        return found
    }

    /// Those groups, in seed order.
    func transitiveGroups(of memberId: String) -> [Seed.Group] {
        let ids = transitiveGroupIds(of: memberId)
        return groups.filter { ids.contains($0.id.lowercased()) }
    }

    /// The groups `userId` owns, in seed order (ownership is direct only).
    func ownedGroups(of userId: String) -> [Seed.Group] {
        let lower = userId.lowercased()
        return groups.filter { ($0.owners ?? []).contains { $0.lowercased() == lower } }
    }

    /// Whether the TAP policy lets `userId` have a TAP: enabled, included (`all_users` or a group
    /// the user is in, nested too) and not excluded.
    func tapPolicyIncludes(_ userId: String) -> Bool {
        guard tapPolicy.state == "enabled" else { return false }
        let groups = transitiveGroupIds(of: userId)
        func covers(_ target: Seed.PolicyTarget) -> Bool { target.id == "all_users" || groups.contains(target.id.lowercased()) }
        return tapPolicy.includeTargets.contains(where: covers) && !tapPolicy.excludeTargets.contains(where: covers)
    }
}

/// The seed's TAP policy with Graph's defaults filled in (reference 1.5).
struct EffectiveTapPolicy: Sendable {
    var state: String
    var minimumLifetimeInMinutes: Int
    var maximumLifetimeInMinutes: Int
    var defaultLifetimeInMinutes: Int
    var isUsableOnce: Bool
    var defaultLength: Int
    var includeTargets: [Seed.PolicyTarget]
    var excludeTargets: [Seed.PolicyTarget]

    init(_ policy: Seed.TapPolicy?) {
        let policy = policy ?? Seed.TapPolicy()
        state = policy.state
        minimumLifetimeInMinutes = policy.minimumLifetimeInMinutes
        maximumLifetimeInMinutes = policy.maximumLifetimeInMinutes
        defaultLifetimeInMinutes = policy.defaultLifetimeInMinutes
        isUsableOnce = policy.isUsableOnce
        defaultLength = policy.defaultLength ?? 8
        includeTargets = policy.includeTargets ?? [Seed.PolicyTarget(id: "all_users", isRegistrationRequired: false)]
        excludeTargets = policy.excludeTargets ?? []
    }

    /// `GET …/authenticationMethodConfigurations/TemporaryAccessPass`.
    func json(context: String) -> GraphJSON {
        .object([
            ("@odata.context", .string(context)),
            ("@odata.type", .string("#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration")),
            ("id", .string("TemporaryAccessPass")),
            ("state", .string(state)),
            ("defaultLifetimeInMinutes", .int(defaultLifetimeInMinutes)),
            ("defaultLength", .int(defaultLength)),
            ("minimumLifetimeInMinutes", .int(minimumLifetimeInMinutes)),
            ("maximumLifetimeInMinutes", .int(maximumLifetimeInMinutes)),
            ("isUsableOnce", .bool(isUsableOnce)),
            ("includeTargets@odata.context", .string(context.replacing("/$entity", with: "('TemporaryAccessPass')") + "/microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration/includeTargets")),
            ("includeTargets", .array(includeTargets.map { target in
                .object([("targetType", .string(target.targetType)), ("id", .string(target.id)),
                         ("isRegistrationRequired", .bool(target.isRegistrationRequired ?? false))])
            })),
            ("excludeTargets", .array(excludeTargets.map { target in
                .object([("targetType", .string(target.targetType)), ("id", .string(target.id))])
            })),
        ])
    }
}
