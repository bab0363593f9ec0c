#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import EphemCore

/// The simulated directory (SPEC 8, "Seed file"): users (with their manager), groups (nested, with
/// owners), active and PIM-eligible role assignments (any scope, built-in or custom role ids),
/// PIM-for-Groups eligibilities, administrative units and the TAP policy, which the simulated
/// Graph serves. `appRoles` are the users' roles on the helpdesk app (token claims).
public struct Seed: Sendable, Codable, Equatable {
    public var tenantId: String
    public var users: [User]
    public var groups: [Group]?
    public var roleAssignments: [RoleAssignment]?
    public var roleEligibilities: [RoleEligibility]?
    public var groupEligibilities: [GroupEligibility]?
    public var administrativeUnits: [AdministrativeUnit]?
    public var tapPolicy: TapPolicy?

    public struct User: Sendable, Codable, Equatable {
        public var id: String
        public var userPrincipalName: String
        public var displayName: String
        public var givenName: String?
        public var surname: String?
        public var mail: String?
        public var jobTitle: String?
        public var department: String?
        public var accountEnabled: Bool?
        public var userType: String?
        public var preferredLanguage: String?
        /// The object id of the user's manager (`GET /users/{id}/manager`).
        public var manager: String?
        public var appRoles: [String]?
        public var authenticationMethods: [AuthenticationMethod]?
    }

    public struct AuthenticationMethod: Sendable, Codable, Equatable {
        public var type: String
        public var displayName: String?
    }

    public struct Group: Sendable, Codable, Equatable {
        public var id: String
        public var displayName: String
        /// Set only when the group was created role-assignable; Graph answers `null` otherwise.
        public var isAssignableToRole: Bool?
        public var members: [String]
        public var owners: [String]?
        /// `true`: the app may see the group's id but not its properties, so Graph answers with
        /// only `@odata.type` and `id` (reference 4.4: "Objects the app can't read come back with
        /// only type+id").
        public var limitedVisibility: Bool?
    }

    /// An administrative unit (SPEC 8): members are users; `isMemberManagementRestricted` makes
    /// it a restricted-management unit, whose members no application permission may change.
    public struct AdministrativeUnit: Sendable, Codable, Equatable {
        public var id: String
        public var displayName: String
        public var isMemberManagementRestricted: Bool?
        public var members: [String]
    }

    public struct RoleAssignment: Sendable, Codable, Equatable {
        public var principalId: String
        public var roleDefinitionId: String
        public var directoryScopeId: String?
    }

    public struct RoleEligibility: Sendable, Codable, Equatable {
        public var principalId: String
        public var roleDefinitionId: String
        public var directoryScopeId: String?
    }

    public struct GroupEligibility: Sendable, Codable, Equatable {
        public var principalId: String
        public var groupId: String
        public var accessId: String
    }

    /// The Temporary Access Pass configuration of the authentication methods policy (reference
    /// 1.5). Members left out of a seed take the portal defaults: enabled, 60–480 minutes, default
    /// 60, multi-use allowed, 8 characters, all users included.
    public struct TapPolicy: Sendable, Codable, Equatable {
        public var state: String
        public var minimumLifetimeInMinutes: Int
        public var maximumLifetimeInMinutes: Int
        public var defaultLifetimeInMinutes: Int
        public var isUsableOnce: Bool
        public var defaultLength: Int?
        /// Graph's shape: `[{"targetType": "group", "id": "all_users" | "<group id>", "isRegistrationRequired": false}]`.
        public var includeTargets: [PolicyTarget]?
        public var excludeTargets: [PolicyTarget]?

        public init(state: String = "enabled", minimumLifetimeInMinutes: Int = 60, maximumLifetimeInMinutes: Int = 480,
                    defaultLifetimeInMinutes: Int = 60, isUsableOnce: Bool = false, defaultLength: Int? = nil,
                    includeTargets: [PolicyTarget]? = nil, excludeTargets: [PolicyTarget]? = nil) {
            self.state = state
            self.minimumLifetimeInMinutes = minimumLifetimeInMinutes
            self.maximumLifetimeInMinutes = maximumLifetimeInMinutes
            self.defaultLifetimeInMinutes = defaultLifetimeInMinutes
            self.isUsableOnce = isUsableOnce
            self.defaultLength = defaultLength
            self.includeTargets = includeTargets
            self.excludeTargets = excludeTargets
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = TapPolicy()
            state = try c.decodeIfPresent(String.self, forKey: .state) ?? defaults.state
            minimumLifetimeInMinutes = try c.decodeIfPresent(Int.self, forKey: .minimumLifetimeInMinutes) ?? defaults.minimumLifetimeInMinutes
            maximumLifetimeInMinutes = try c.decodeIfPresent(Int.self, forKey: .maximumLifetimeInMinutes) ?? defaults.maximumLifetimeInMinutes
            defaultLifetimeInMinutes = try c.decodeIfPresent(Int.self, forKey: .defaultLifetimeInMinutes) ?? defaults.defaultLifetimeInMinutes
            isUsableOnce = try c.decodeIfPresent(Bool.self, forKey: .isUsableOnce) ?? defaults.isUsableOnce
            defaultLength = try c.decodeIfPresent(Int.self, forKey: .defaultLength)
            includeTargets = try c.decodeIfPresent([PolicyTarget].self, forKey: .includeTargets)
            excludeTargets = try c.decodeIfPresent([PolicyTarget].self, forKey: .excludeTargets)
        }
    }

    public struct PolicyTarget: Sendable, Codable, Equatable {
        public var targetType: String
        public var id: String
        public var isRegistrationRequired: Bool?

        public init(targetType: String = "group", id: String, isRegistrationRequired: Bool? = nil) {
            self.targetType = targetType
            self.id = id
            self.isRegistrationRequired = isRegistrationRequired
        }
    }

    public static func load(path: String) throws -> Seed {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SeedError(problem: "\(path) cannot be read")
        }
        let seed: Seed
        do {
            seed = try JSONDecoder().decode(Seed.self, from: data)
        } catch {
            throw SeedError(problem: "\(path) is not a valid directory seed: \(error)")
        }
        do {
            try seed.validate()
        } catch {
            throw SeedError(problem: "\(path): \(error.problem)")
        }
        return seed
    }
}

extension Seed {
    /// Refuses a seed whose ids do not resolve (a member, owner, principal or policy target that
    /// is no user or group of the seed), duplicate ids or UPNs, malformed GUIDs and a TAP policy
    /// outside Graph's ranges (reference 1.5). The first problem is reported.
    public func validate() throws(SeedError) {
        func fail(_ problem: String) -> SeedError { SeedError(problem: problem) }
        func isGUID(_ text: String) -> Bool { GUID(text) != nil }
        guard isGUID(tenantId) else { throw fail("tenantId '\(tenantId)' is not a GUID") }
        var userIds = Set<String>(), upns = Set<String>(), groupIds = Set<String>()
        for user in users {
            guard isGUID(user.id) else { throw fail("user '\(user.userPrincipalName)' has id '\(user.id)', which is not a GUID") }
            guard userIds.insert(user.id.lowercased()).inserted else { throw fail("user id '\(user.id)' appears twice") }
            guard user.userPrincipalName.contains("@") else { throw fail("user '\(user.id)' has userPrincipalName '\(user.userPrincipalName)' without '@'") }
            guard upns.insert(user.userPrincipalName.lowercased()).inserted else { throw fail("userPrincipalName '\(user.userPrincipalName)' appears twice") }
            for method in user.authenticationMethods ?? [] where method.type.isEmpty {
                throw fail("user '\(user.userPrincipalName)' has an authentication method without a type")
            }
            // Graph knows three phone types (mobile, alternateMobile, office), one method each.
            guard (user.authenticationMethods ?? []).filter({ $0.type == "phoneAuthenticationMethod" }).count <= 3 else {
                throw fail("user '\(user.userPrincipalName)' has more than three phone methods")
            }
        }
        for group in groups ?? [] {
            guard isGUID(group.id) else { throw fail("group '\(group.displayName)' has id '\(group.id)', which is not a GUID") }
            guard !userIds.contains(group.id.lowercased()), groupIds.insert(group.id.lowercased()).inserted else {
                throw fail("group id '\(group.id)' appears twice")
            }
        }
        func isPrincipal(_ id: String) -> Bool { userIds.contains(id.lowercased()) || groupIds.contains(id.lowercased()) }
        for group in groups ?? [] {
            for member in group.members where !isPrincipal(member) {
                throw fail("group '\(group.displayName)' lists member '\(member)', which is no user or group of the seed")
            }
            for owner in group.owners ?? [] where !userIds.contains(owner.lowercased()) {
                throw fail("group '\(group.displayName)' lists owner '\(owner)', which is no user of the seed")
            }
        }
        var unitIds = Set<String>()
        for unit in administrativeUnits ?? [] {
            guard isGUID(unit.id) else { throw fail("administrative unit '\(unit.displayName)' has id '\(unit.id)', which is not a GUID") }
            guard !userIds.contains(unit.id.lowercased()), !groupIds.contains(unit.id.lowercased()), unitIds.insert(unit.id.lowercased()).inserted else {
                throw fail("administrative unit id '\(unit.id)' appears twice")
            }
            for member in unit.members where !userIds.contains(member.lowercased()) {
                throw fail("administrative unit '\(unit.displayName)' lists member '\(member)', which is no user of the seed")
            }
        }
        for user in users {
            if let manager = user.manager {
                guard userIds.contains(manager.lowercased()), manager.lowercased() != user.id.lowercased() else {
                    throw fail("user '\(user.userPrincipalName)' has manager '\(manager)', which is no other user of the seed")
                }
            }
        }
        func checkScope(_ scope: String?, _ what: String) throws(SeedError) {
            guard let scope else { return }
            guard scope.hasPrefix("/") else { throw fail("\(what) directoryScopeId '\(scope)' does not start with '/'") }
            let lower = scope.lowercased()
            if lower.hasPrefix("/administrativeunits/"), !unitIds.contains(String(lower.dropFirst("/administrativeunits/".count))) {
                throw fail("\(what) directoryScopeId '\(scope)' names no administrative unit of the seed")
            }
        }
        for assignment in roleAssignments ?? [] {
            guard isPrincipal(assignment.principalId) else { throw fail("role assignment principal '\(assignment.principalId)' is no user or group of the seed") }
            guard isGUID(assignment.roleDefinitionId) else { throw fail("role assignment roleDefinitionId '\(assignment.roleDefinitionId)' is not a GUID") }
            try checkScope(assignment.directoryScopeId, "role assignment")
        }
        for eligibility in roleEligibilities ?? [] {
            guard isPrincipal(eligibility.principalId) else { throw fail("role eligibility principal '\(eligibility.principalId)' is no user or group of the seed") }
            guard isGUID(eligibility.roleDefinitionId) else { throw fail("role eligibility roleDefinitionId '\(eligibility.roleDefinitionId)' is not a GUID") }
            try checkScope(eligibility.directoryScopeId, "role eligibility")
        }
        for eligibility in groupEligibilities ?? [] {
            guard userIds.contains(eligibility.principalId.lowercased()) else {
                throw fail("group eligibility principal '\(eligibility.principalId)' is no user of the seed")
            }
            guard groupIds.contains(eligibility.groupId.lowercased()) else { throw fail("group eligibility groupId '\(eligibility.groupId)' is no group of the seed") }
            guard ["member", "owner"].contains(eligibility.accessId) else { throw fail("group eligibility accessId '\(eligibility.accessId)' is not member or owner") }
        }
        if let policy = tapPolicy {
            guard ["enabled", "disabled"].contains(policy.state) else { throw fail("tapPolicy.state '\(policy.state)' is not enabled or disabled") }
            let range = 10...43200
            guard range.contains(policy.minimumLifetimeInMinutes), range.contains(policy.maximumLifetimeInMinutes),
                  policy.minimumLifetimeInMinutes <= policy.maximumLifetimeInMinutes else {
                throw fail("tapPolicy minimum and maximum lifetimes must be 10–43200 minutes, minimum ≤ maximum")
            }
            guard (policy.minimumLifetimeInMinutes...policy.maximumLifetimeInMinutes).contains(policy.defaultLifetimeInMinutes) else {
                throw fail("tapPolicy.defaultLifetimeInMinutes must lie between the minimum and the maximum")
            }
            if let length = policy.defaultLength, !(8...48).contains(length) { throw fail("tapPolicy.defaultLength must be 8–48") }
            for target in (policy.includeTargets ?? []) + (policy.excludeTargets ?? []) {
                guard target.targetType == "group", target.id == "all_users" || groupIds.contains(target.id.lowercased()) else {
                    throw fail("tapPolicy target '\(target.id)' is neither all_users nor a group of the seed")
                }
            }
        }
    }
}

public struct SeedError: Error, CustomStringConvertible {
    public var problem: String
    public var description: String { problem }
}
