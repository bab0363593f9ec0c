#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `infra/graph-permissions.json`, the one list of Graph application permissions the Bicep grants
/// to each Function App's managed identity: `ephemgate-dev` gives each app's simulated identity
/// exactly these, so a call the product makes without a grant fails locally as it would in Azure.
public struct GraphGrants: Sendable, Decodable, Equatable {
    public struct Entry: Sendable, Decodable, Equatable {
        public var name: String
        /// `selfservice`, `helpdesk`.
        public var apps: [String]
        /// `always`, or the name of a switch such as `notificationSender` (granted only when the
        /// app's setting turns it on).
        public var condition: String
    }

    public var permissions: [Entry]

    /// Reads the file; throws a `SeedError` naming it when it cannot be read or parsed.
    public static func load(path: String) throws -> GraphGrants {
        guard let data = FileManager.default.contents(atPath: path) else { throw SeedError(problem: "\(path) cannot be read") }
        do {
            return try JSONDecoder().decode(GraphGrants.self, from: data)
        } catch {
            throw SeedError(problem: "\(path) is not a valid permission list: \(error)")
        }
    }

    /// The permissions granted to `app` when the switches in `conditions` are on.
    public func permissions(app: String, conditions: Set<String>) -> Set<String> {
        Set(permissions.filter { $0.apps.contains(app) && ($0.condition == "always" || conditions.contains($0.condition)) }.map(\.name))
    }

    /// Every permission any app can be granted, every switch on.
    public var all: Set<String> { Set(permissions.map(\.name)) }
}
