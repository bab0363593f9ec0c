#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The simulated directory (SPEC 8, "Seed file"). Fields the Graph simulation does not use yet are
/// still decoded, so a seed file written for the whole product loads today.
public struct Seed: Sendable, Codable, Equatable {
    public var tenantId: String
    public var users: [User]
    public var groups: [Group]?
    public var roleAssignments: [RoleAssignment]?
    public var roleEligibilities: [RoleEligibility]?
    public var groupEligibilities: [GroupEligibility]?
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
        public var isAssignableToRole: Bool?
        public var members: [String]
        public var owners: [String]?
    }

    public struct RoleAssignment: Sendable, Codable, Equatable {
        public var principalId: String
        public var roleDefinitionId: String
        public var directoryScopeId: String?
    }

    public struct RoleEligibility: Sendable, Codable, Equatable {
        public var principalId: String
        public var roleDefinitionId: String
    }

    public struct GroupEligibility: Sendable, Codable, Equatable {
        public var principalId: String
        public var groupId: String
        public var accessId: String
    }

    public struct TapPolicy: Sendable, Codable, Equatable {
        public var state: String
        public var minimumLifetimeInMinutes: Int
        public var maximumLifetimeInMinutes: Int
        public var defaultLifetimeInMinutes: Int
        public var isUsableOnce: Bool
    }

    public static func load(path: String) throws -> Seed {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SeedError(problem: "\(path) cannot be read")
        }
        do {
            return try JSONDecoder().decode(Seed.self, from: data)
        } catch {
            throw SeedError(problem: "\(path) is not a valid directory seed: \(error)")
        }
    }
}

public struct SeedError: Error, CustomStringConvertible {
    public var problem: String
    public var description: String { problem }
}
