#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Every account the guard of SPEC 7.2 refuses, and why, read tenant-wide (SPEC 7.7,
/// `GET /api/protected-accounts`), with the same notions as `TargetGuard`:
/// - a role grant (active or PIM-eligible, any scope) whose role `ProtectedRoles.Rule` protects:
///   a user principal directly, a group principal through its members (only role-assignable
///   groups hold roles, and they cannot nest groups); service principals are not accounts;
/// - member, owner, or PIM-eligible member or owner of a role-assignable group
///   (`GET /groups?$filter=isAssignableToRole eq true`, as the guard reads it);
/// - member of a restricted-management administrative unit (a unit silent about the flag counts,
///   as in the guard);
/// - member (nested too) or PIM-eligible member/owner of a group in `BLOCKED_GROUP_IDS`.
/// Reasons use the guard's wording (`TargetGuard.describe`, `DirectoryGroup.label`,
/// `AdministrativeUnit.label`). Only users are listed. Reads run concurrently, per group and unit at
/// most `concurrency` at a time; any failed read fails the report (503): a partial list would
/// claim accounts are issuable that are not.
public struct ProtectedAccountsReport: Sendable {
    let graph: GraphClient
    let roles: ProtectedRoles.Rule
    let blockedGroups: [GUID]
    public var concurrency = 8

    public init(graph: GraphClient, roles: ProtectedRoles.Rule, blockedGroups: [GUID]) {
        self.graph = graph
        self.roles = roles
        self.blockedGroups = blockedGroups
    }

    public struct Account: Sendable, Equatable {
        public var id: String
        public var userPrincipalName: String?
        public var displayName: String?
        public var reasons: [String]
        /// The tenant's TAP policy still includes the account: an admin in the admin center could
        /// issue it a pass (SPEC 7.7).
        public var includedByTapPolicy: Bool
    }

    public struct Result: Sendable {
        /// Sorted by UPN (then id).
        public var accounts: [Account]
        public var policy: TapPolicy
        /// Names of the policy's groups where known.
        public var policyGroupNames: [String: String]
        public var graphCalls: Int
    }

    /// Collects reasons per user id, with the best-known UPN and name.
    struct Collector {
        var reasons: [String: [String]] = [:]
        var names: [String: (upn: String?, name: String?)] = [:]

        mutating func add(_ member: GraphClient.DirectoryMember, _ reason: String) {
            add(id: member.id, upn: member.userPrincipalName, name: member.displayName, reason)
        }

        mutating func add(id: String, upn: String?, name: String?, _ reason: String) {
            let key = id.lowercased()
            if !(reasons[key]?.contains(reason) ?? false) { reasons[key, default: []].append(reason) }
            let known = names[key]
            names[key] = (known?.upn ?? upn, known?.name ?? name)
        }
    }

    public func run() async throws(EphemError) -> Result {
        var calls = 0
        do throws(GraphError) {
            async let active = Outcome.of { () throws(GraphError) in try await graph.tenantRoleGrants(eligible: false) }
            async let eligible = Outcome.of { () throws(GraphError) in try await graph.tenantRoleGrants(eligible: true) }
            async let assignable = Outcome.of { () throws(GraphError) in try await graph.roleAssignableGroups() }
            async let units = Outcome.of { () throws(GraphError) in try await graph.tenantAdministrativeUnits() }
            async let policyRead = Outcome.of { () throws(GraphError) in try await graph.temporaryAccessPassPolicy() }
            let (activeResult, eligibleResult, groupsResult, unitsResult, policyResult) = await (active, eligible, assignable, units, policyRead)
            let activeGrants = try activeResult.get(), eligibleGrants = try eligibleResult.get(), groups = try groupsResult.get()
            let allUnits = try unitsResult.get(), policy = try policyResult.get()
            calls += 5
            var collector = Collector()
            let groupIds = groups.map(\.id)
            let restricted = allUnits.filter(\.restrictsManagement)
            // Per role-assignable group: members, owners, PIM eligibilities; per restricted unit:
            // members; per blocked or policy group: transitive members (and blocked: eligibilities).
            let policyGroups = Set((policy.includeTargets + policy.excludeTargets).compactMap { GUID($0) })
            let blocked = Set(blockedGroups)
            enum Job: Sendable { case groupRelation(GUID, GraphClient.GroupRelation), groupEligibility(GUID), unit(String) }
            var jobs: [Job] = []
            for id in groupIds { jobs += [.groupRelation(id, .members), .groupRelation(id, .owners), .groupEligibility(id)] }
            for unit in restricted { jobs.append(.unit(unit.id)) }
            for id in blocked.union(policyGroups) { jobs.append(.groupRelation(id, .transitiveMembers)) }
            for id in blocked where !groupIds.contains(id) { jobs.append(.groupEligibility(id)) }
            enum Answer: Sendable { case objects([GraphClient.DirectoryMember]), eligibilities([(principalId: String, accessId: String)]) }
            let answers = try await graph.concurrentlyBounded(jobs, limit: concurrency) { job throws(GraphError) -> Answer in
                switch job {
                case .groupRelation(let id, let relation): return .objects(try await graph.groupObjects(id, relation))
                case .groupEligibility(let id): return .eligibilities(try await graph.groupEligibilities(group: id))
                case .unit(let id): return .objects(try await graph.administrativeUnitMembers(id))
                }
            }
            calls += jobs.count
            var members: [GUID: [GraphClient.DirectoryMember]] = [:], owners: [GUID: [GraphClient.DirectoryMember]] = [:]
            var transitive: [GUID: [GraphClient.DirectoryMember]] = [:], eligibilities: [GUID: [(principalId: String, accessId: String)]] = [:]
            var unitMembers: [String: [GraphClient.DirectoryMember]] = [:]
            for (job, answer) in zip(jobs, answers) {
                switch (job, answer) {
                case (.groupRelation(let id, .members), .objects(let found)): members[id] = found
                case (.groupRelation(let id, .owners), .objects(let found)): owners[id] = found
                case (.groupRelation(let id, .transitiveMembers), .objects(let found)): transitive[id] = found
                case (.groupEligibility(let id), .eligibilities(let found)): eligibilities[id] = found
                case (.unit(let id), .objects(let found)): unitMembers[id] = found
                default: break
                }
            }
            let byId = Dictionary(groups.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            func groupLabel(_ id: GUID) -> String { byId[id]?.label ?? id.value }
            // Roles, active then eligible; a group principal expands to its members.
            for (grants, kind) in [(activeGrants, "active role"), (eligibleGrants, "PIM-eligible role")] {
                for item in grants where roles.protects(item.grant.roleDefinitionId) {
                    let description = "\(kind) \(TargetGuard.describe(item.grant))"
                    if let group = GUID(item.principal.id), byId[group] != nil || item.principal.isGroup {
                        for member in members[group] ?? [] where member.isUser {
                            collector.add(member, "\(description) through group \(groupLabel(group))")
                        }
                    } else if item.principal.isUser || item.principal.odataType == nil {
                        // A principal of unknown type is kept only if a later list shows it is a user.
                        if item.principal.isUser {
                            collector.add(item.principal, description)
                        }
                    }
                }
            }
            for id in groupIds {
                for member in members[id] ?? [] where member.isUser { collector.add(member, "member of role-assignable group \(groupLabel(id))") }
                for owner in owners[id] ?? [] where owner.isUser { collector.add(owner, "owner of role-assignable group \(groupLabel(id))") }
                for eligibility in eligibilities[id] ?? [] {
                    collector.add(id: eligibility.principalId, upn: nil, name: nil, "PIM-eligible \(eligibility.accessId) of role-assignable group \(groupLabel(id))")
                }
            }
            for unit in restricted {
                for member in unitMembers[unit.id] ?? [] where member.isUser {
                    collector.add(member, "member of restricted-management administrative unit \(unit.label)")
                }
            }
            for id in blocked {
                for member in transitive[id] ?? [] where member.isUser { collector.add(member, "member of blocked group \(id)") }
                for eligibility in eligibilities[id] ?? [] {
                    collector.add(id: eligibility.principalId, upn: nil, name: nil, "PIM-eligible \(eligibility.accessId) of blocked group \(id)")
                }
            }
            // The policy's scope: included unless excluded (groups nested too).
            var groupsOf: [String: Set<GUID>] = [:]
            for id in policyGroups {
                for member in transitive[id] ?? [] { groupsOf[member.id, default: []].insert(id) }
            }
            var accounts = collector.reasons.map { id, reasons in
                let names = collector.names[id]
                let included = policy.refusal(userGroups: groupsOf[id] ?? []) == nil
                return Account(id: id, userPrincipalName: names?.upn, displayName: names?.name, reasons: reasons, includedByTapPolicy: included)
            }
            // Principals named only by an eligibility (no UPN yet): look the users up.
            let unnamed = accounts.indices.filter { accounts[$0].userPrincipalName == nil }
            let looked = try await graph.concurrentlyBounded(unnamed.map { accounts[$0].id }, limit: concurrency) { id throws(GraphError) -> DirectoryUser? in
                guard let guid = GUID(id) else { return nil }
                do throws(GraphError) { return try await graph.user(guid) } catch .notFound { return nil }
            }
            calls += unnamed.count
            var drop = Set<Int>()
            for (index, user) in zip(unnamed, looked) {
                if let user {
                    accounts[index].userPrincipalName = user.userPrincipalName
                    accounts[index].displayName = user.displayName
                } else {
                    drop.insert(index) // not a user (a service principal or a group)
                }
            }
            accounts = accounts.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
            accounts.sort { ($0.userPrincipalName?.lowercased() ?? "~" + $0.id, $0.id) < ($1.userPrincipalName?.lowercased() ?? "~" + $1.id, $1.id) }
            var names: [String: String] = [:]
            for group in groups { names[group.id.value] = group.displayName }
            return Result(accounts: accounts, policy: policy, policyGroupNames: names, graphCalls: calls)
        } catch {
            throw .upstreamUnavailable(detail: "protected-accounts report: \(error)")
        }
    }
}

extension GraphClient {
    /// Runs `work` for every input with at most `limit` in flight; the first failure wins.
    func concurrentlyBounded<Input: Sendable, Output: Sendable>(
        _ inputs: [Input], limit: Int, _ work: @escaping @Sendable (Input) async throws(GraphError) -> Output
    ) async throws(GraphError) -> [Output] {
        let results = await withTaskGroup(of: (Int, Result<Output, GraphError>).self) { group in
            var collected: [(Int, Result<Output, GraphError>)] = []
            var next = 0
            while !inputs.isEmpty {
                // Keep `limit` in flight; then take one answer.
                while next < inputs.count && next - collected.count < limit {
                    let index = next, input = inputs[index]
                    group.addTask {
                        do throws(GraphError) { return (index, .success(try await work(input))) } catch { return (index, .failure(error)) }
                    }
                    next += 1
                }
                guard let result = await group.next() else { break }
                collected.append(result)
                if collected.count == inputs.count { break }
            }
            return collected.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return try results.map { (result) throws(GraphError) -> Output in try result.get() }
    }
}
