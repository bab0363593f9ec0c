/// Who may never get a TAP (SPEC 7.2). Mirrors Microsoft's rule for whom an Authentication
/// Administrator may manage (reference 5), a little stricter: a target is protected when it
/// - holds any directory role but the issuable ones (`ProtectedRoles.Rule`), active or
///   PIM-eligible, built-in or custom, at any scope (tenant, administrative unit, object);
/// - is a member (nested too), owner, or PIM-eligible member or owner of a role-assignable group.
///   Directory roles can only be given to role-assignable groups and `roleAssignments` lists only
///   direct assignments (reference 4.1), so this also covers every role held or eligible through a
///   group without asking for it;
/// - is a member of a restricted-management administrative unit;
/// - is a member (nested too) of a group in `BLOCKED_GROUP_IDS`.
///
/// Every check is keyed on the resolved object id and all run concurrently, in the issuance's
/// first round (docs/architecture.md, "The guard"): the direct role assignments and eligibilities,
/// `getMemberGroups` (every security group id, nested included, one basic call), `checkMemberGroups`
/// for `BLOCKED_GROUP_IDS`, the tenant's
/// role-assignable groups (at most 500, one basic query), the target's owned objects, its
/// PIM-for-Groups eligibilities and its administrative units. No check is an advanced
/// (eventually consistent) query. Any failure without a definite protection denies (503).
public struct TargetGuard: Sendable {
    public let graph: GraphClient
    public let roles: ProtectedRoles.Rule
    public let blockedGroups: [GUID]

    public init(graph: GraphClient, roles: ProtectedRoles.Rule, blockedGroups: [GUID]) {
        self.graph = graph
        self.roles = roles
        self.blockedGroups = blockedGroups
    }

    public struct Report: Sendable, Equatable {
        /// Why the target is protected (for the audit row's `DenialReason`), or nil.
        public var protection: String?
        /// Every group the target is in, nested included (the TAP policy's scope needs it).
        public var groups: Set<GUID>
    }

    /// One check's answer. `order` ranks the reasons so the audit row names the strongest one.
    private enum Finding: Sendable {
        case protected(order: Int, reason: String)
        case memberOf(Set<GUID>)
        case roleAssignable([DirectoryGroup])
        case owned(Set<GUID>)
        case eligibleFor([GroupEligibility])
        case clear
        case failed(GraphError)
    }

    /// The guard's verdict for `target` (an object id). Throws `upstreamUnavailable` when a check
    /// failed and none of the others found a protection.
    public func check(_ target: GUID) async throws(EphemError) -> Report {
        let findings = await withTaskGroup(of: Finding.self) { group in
            group.addTask { await finding { () throws(GraphError) in try await directRoles(target) } }
            group.addTask { await finding { () throws(GraphError) in try await eligibleRoles(target) } }
            group.addTask { await finding { () throws(GraphError) in .memberOf(try await graph.memberGroupIds(user: target)) } }
            group.addTask { await finding { () throws(GraphError) in .roleAssignable(try await graph.roleAssignableGroups()) } }
            group.addTask { await finding { () throws(GraphError) in try await ownedGroups(target) } }
            group.addTask { await finding { () throws(GraphError) in .eligibleFor(try await graph.groupEligibilities(principal: target)) } }
            group.addTask { await finding { () throws(GraphError) in try await restrictedUnits(target) } }
            if !blockedGroups.isEmpty {
                group.addTask { await finding { () throws(GraphError) in try await blockedMembership(target) } }
            }
            var all: [Finding] = []
            for await finding in group { all.append(finding) }
            return all
        }
        var protections: [(Int, String)] = []
        var memberOf: Set<GUID>?, roleAssignable: [DirectoryGroup]?, owned: Set<GUID>?, eligibilities: [GroupEligibility]?
        var failure: GraphError?
        for finding in findings {
            switch finding {
            case .protected(let order, let reason): protections.append((order, reason))
            case .memberOf(let found): memberOf = found
            case .roleAssignable(let found): roleAssignable = found
            case .owned(let found): owned = found
            case .eligibleFor(let found): eligibilities = found
            case .clear: break
            case .failed(let error): failure = failure ?? error
            }
        }
        protections += groupProtections(memberOf: memberOf, roleAssignable: roleAssignable, owned: owned, eligibilities: eligibilities)
        // A definite protection is a refusal even when another check failed: both deny.
        if let first = protections.min(by: { $0.0 < $1.0 }) {
            return Report(protection: first.1, groups: memberOf ?? [])
        }
        if let failure {
            throw .upstreamUnavailable(detail: "guard: \(failure)")
        }
        return Report(protection: nil, groups: memberOf ?? [])
    }

    /// What the group answers prove, as far as each pair of answers arrived (a missing answer is a
    /// failure the caller already holds).
    private func groupProtections(memberOf: Set<GUID>?, roleAssignable: [DirectoryGroup]?, owned: Set<GUID>?,
                                  eligibilities: [GroupEligibility]?) -> [(Int, String)] {
        var found: [(Int, String)] = []
        // Every group in the role-assignable list is role-assignable: Graph filtered on the flag.
        // One that answers without the flag counts too (SPEC 7.2), so the list is taken whole.
        let assignable = Dictionary((roleAssignable ?? []).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        func label(_ id: GUID) -> String { assignable[id]?.label ?? id.value }
        if roleAssignable != nil {
            if let hit = memberOf?.filter({ assignable[$0] != nil }).min() {
                found.append((2, "member of role-assignable group \(label(hit))"))
            }
            if let hit = owned?.filter({ assignable[$0] != nil }).min() {
                found.append((3, "owner of role-assignable group \(label(hit))"))
            }
            if let hit = eligibilities?.filter({ assignable[$0.groupId] != nil }).min(by: { $0.groupId < $1.groupId }) {
                found.append((4, "PIM-eligible \(hit.accessId) of role-assignable group \(label(hit.groupId))"))
            }
        }
        let blocked = Set(blockedGroups)
        if let hit = memberOf?.intersection(blocked).min() {
            found.append((6, "member of blocked group \(hit)"))
        }
        if let hit = eligibilities?.filter({ blocked.contains($0.groupId) }).min(by: { $0.groupId < $1.groupId }) {
            found.append((6, "PIM-eligible \(hit.accessId) of blocked group \(hit.groupId)"))
        }
        return found
    }

    private func finding(_ work: () async throws(GraphError) -> Finding) async -> Finding {
        do throws(GraphError) {
            return try await work()
        } catch {
            return .failed(error)
        }
    }

    private func directRoles(_ target: GUID) async throws(GraphError) -> Finding {
        let grants = try await graph.roleAssignments(principal: target)
        if let hit = grants.first(where: { roles.protects($0.roleDefinitionId) }) {
            return .protected(order: 0, reason: "active role \(Self.describe(hit))")
        }
        return .clear
    }

    private func eligibleRoles(_ target: GUID) async throws(GraphError) -> Finding {
        let grants = try await graph.roleEligibilities(principal: target)
        if let hit = grants.first(where: { roles.protects($0.roleDefinitionId) }) {
            return .protected(order: 1, reason: "PIM-eligible role \(Self.describe(hit))")
        }
        return .clear
    }

    /// Owned groups only: applications, service principals and devices in the list are ignored.
    private func ownedGroups(_ target: GUID) async throws(GraphError) -> Finding {
        .owned(Set(try await graph.ownedObjects(user: target).compactMap(\.groupId)))
    }

    private func restrictedUnits(_ target: GUID) async throws(GraphError) -> Finding {
        let units = try await graph.administrativeUnits(user: target)
        if let hit = units.first(where: \.restrictsManagement) {
            return .protected(order: 5, reason: "member of restricted-management administrative unit \(hit.label)")
        }
        return .clear
    }

    /// `BLOCKED_GROUP_IDS` may name Microsoft 365 groups, which `getMemberGroups` (security groups
    /// only) leaves out: `checkMemberGroups` sees every kind, nested too, 20 ids a call.
    private func blockedMembership(_ target: GUID) async throws(GraphError) -> Finding {
        if let hit = try await graph.memberGroups(user: target, among: blockedGroups).min() {
            return .protected(order: 6, reason: "member of blocked group \(hit)")
        }
        return .clear
    }

    /// `Compliance Administrator (1731…)`, plus the scope when it is not the tenant.
    static func describe(_ grant: RoleGrant) -> String {
        let name = ProtectedRoles.label(grant.roleDefinitionId)
        guard let scope = grant.directoryScopeId, scope != "/" else { return name }
        if scope.lowercased().hasPrefix("/administrativeunits/") {
            return "\(name) scoped to administrative unit \(scope.dropFirst("/administrativeUnits/".count))"
        }
        return "\(name) scoped to \(scope)"
    }
}
