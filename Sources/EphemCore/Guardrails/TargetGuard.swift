/// Who may never get a TAP (SPEC 7.2). Mirrors Microsoft's rule for what an Authentication
/// Administrator may touch (reference 5): a target is protected when it holds a protected role
/// directly, through a group or as PIM-eligible, is a member, owner or eligible member of a
/// role-assignable group, or is in (nested) one of `BLOCKED_GROUP_IDS`.
///
/// Directory roles can only be given to *role-assignable* groups, and `roleAssignments` never lists
/// group-based roles (reference 4.1); so membership, ownership or PIM eligibility of any
/// role-assignable group protects on its own, which also covers roles (active or eligible) held
/// through such a group without asking for them. All checks are keyed on the resolved object id
/// and run concurrently; any failure denies (503), never allows.
public struct TargetGuard: Sendable {
    public let graph: GraphClient
    public let protectedRoles: Set<GUID>
    public let blockedGroups: [GUID]

    public init(graph: GraphClient, protectedRoles: Set<GUID>, blockedGroups: [GUID]) {
        self.graph = graph
        self.protectedRoles = protectedRoles
        self.blockedGroups = blockedGroups
    }

    public struct Report: Sendable, Equatable {
        /// Why the target is protected (for the audit row's `DenialReason`), or nil.
        public var protection: String?
        /// Every group the target is in, nested included (the TAP policy's scope needs it).
        public var groups: Set<GUID>
    }

    private enum Finding: Sendable {
        case protected(order: Int, reason: String)
        case groups(Set<GUID>)
        case clear
        case failed(GraphError)
    }

    public func check(_ target: GUID) async throws(EphemError) -> Report {
        let findings = await withTaskGroup(of: Finding.self) { group in
            group.addTask { await finding { () throws(GraphError) in try await directRoles(target) } }
            group.addTask { await finding { () throws(GraphError) in try await eligibleRoles(target) } }
            group.addTask { await finding { () throws(GraphError) in try await memberships(target) } }
            group.addTask { await finding { () throws(GraphError) in try await ownerships(target) } }
            group.addTask { await finding { () throws(GraphError) in try await groupEligibilities(target) } }
            if !blockedGroups.isEmpty {
                group.addTask { await finding { () throws(GraphError) in try await blockedMembership(target) } }
            }
            var all: [Finding] = []
            for await finding in group { all.append(finding) }
            return all
        }
        var protections: [(Int, String)] = []
        var groups: Set<GUID> = []
        var failure: GraphError?
        for finding in findings {
            switch finding {
            case .protected(let order, let reason): protections.append((order, reason))
            case .groups(let found): groups = found
            case .clear: break
            case .failed(let error): failure = failure ?? error
            }
        }
        // A definite protection is a refusal even when another check failed: both deny.
        if let first = protections.min(by: { $0.0 < $1.0 }) {
            return Report(protection: first.1, groups: groups)
        }
        if let failure {
            throw .upstreamUnavailable(detail: "guard: \(failure)")
        }
        return Report(protection: nil, groups: groups)
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
        if let hit = grants.first(where: { isProtected($0.roleDefinitionId) }) {
            return .protected(order: 0, reason: "active role \(ProtectedRoles.label(hit.roleDefinitionId))")
        }
        return .clear
    }

    private func eligibleRoles(_ target: GUID) async throws(GraphError) -> Finding {
        let grants = try await graph.roleEligibilities(principal: target)
        if let hit = grants.first(where: { isProtected($0.roleDefinitionId) }) {
            return .protected(order: 1, reason: "PIM-eligible role \(ProtectedRoles.label(hit.roleDefinitionId))")
        }
        return .clear
    }

    /// Transitive groups, every page. A group whose `isAssignableToRole` Graph did not return is
    /// treated as role-assignable: we cannot prove it is not.
    private func memberships(_ target: GUID) async throws(GraphError) -> Finding {
        let groups = try await graph.transitiveGroups(user: target)
        if let hit = groups.first(where: { $0.isAssignableToRole != false }) {
            return .protected(order: 2, reason: "member of role-assignable group \(hit.label)")
        }
        let blocked = Set(blockedGroups)
        if let hit = groups.first(where: { blocked.contains($0.id) }) {
            return .protected(order: 5, reason: "member of blocked group \(hit.label)")
        }
        return .groups(Set(groups.map(\.id)))
    }

    private func ownerships(_ target: GUID) async throws(GraphError) -> Finding {
        let owned = try await graph.ownedGroups(user: target)
        if let hit = owned.first(where: { $0.isAssignableToRole != false }) {
            return .protected(order: 3, reason: "owner of role-assignable group \(hit.label)")
        }
        return .clear
    }

    /// PIM for Groups: an eligible member or owner does not appear in `transitiveMemberOf`
    /// (reference 4.3), so eligibilities are read and their groups looked up (one more round, only
    /// for the few users who have any).
    private func groupEligibilities(_ target: GUID) async throws(GraphError) -> Finding {
        let eligibilities = try await graph.groupEligibilities(principal: target)
        guard !eligibilities.isEmpty else { return .clear }
        let blocked = Set(blockedGroups)
        if let hit = eligibilities.first(where: { blocked.contains($0.groupId) }) {
            return .protected(order: 4, reason: "eligible \(hit.accessId) of blocked group \(hit.groupId)")
        }
        let ids = Array(Set(eligibilities.map(\.groupId))).sorted()
        let groups = try await graph.groups(ids: ids)
        let known = Dictionary(groups.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for eligibility in eligibilities {
            // A group Graph did not return cannot be shown to be harmless.
            guard let group = known[eligibility.groupId], group.isAssignableToRole == false else {
                let label = known[eligibility.groupId]?.label ?? eligibility.groupId.value
                return .protected(order: 4, reason: "PIM-eligible \(eligibility.accessId) of role-assignable group \(label)")
            }
        }
        return .clear
    }

    private func blockedMembership(_ target: GUID) async throws(GraphError) -> Finding {
        let hits = try await graph.memberGroups(user: target, among: blockedGroups)
        if let hit = hits.sorted().first {
            return .protected(order: 5, reason: "member of blocked group \(hit)")
        }
        return .clear
    }

    private func isProtected(_ roleDefinitionId: String) -> Bool {
        GUID(roleDefinitionId).map { protectedRoles.contains($0) } ?? true
    }
}
