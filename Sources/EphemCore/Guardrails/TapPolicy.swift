/// The tenant's Temporary Access Pass policy (reference 1.5). Graph refuses lifetimes outside
/// min–max and multi-use passes when the policy says one-time, and a TAP for a user outside
/// `includeTargets` fails (reference 1.4), so we decide all of that ourselves before creating one.
public struct TapPolicy: Sendable, Equatable {
    public var enabled: Bool
    public var minimumLifetimeInMinutes: Int
    public var maximumLifetimeInMinutes: Int
    public var defaultLifetimeInMinutes: Int
    /// True: every TAP in the tenant is one-time.
    public var isUsableOnce: Bool
    /// Group ids, or `all_users`.
    public var includeTargets: [String]
    public var excludeTargets: [String]

    public init(enabled: Bool = true, minimumLifetimeInMinutes: Int = 60, maximumLifetimeInMinutes: Int = 480, defaultLifetimeInMinutes: Int = 60,
                isUsableOnce: Bool = false, includeTargets: [String] = ["all_users"], excludeTargets: [String] = []) {
        self.enabled = enabled
        self.minimumLifetimeInMinutes = minimumLifetimeInMinutes
        self.maximumLifetimeInMinutes = maximumLifetimeInMinutes
        self.defaultLifetimeInMinutes = defaultLifetimeInMinutes
        self.isUsableOnce = isUsableOnce
        self.includeTargets = includeTargets
        self.excludeTargets = excludeTargets
    }

    init?(json: JSONValue) {
        guard let state = json["state"]?.stringValue,
              let minimum = json["minimumLifetimeInMinutes"]?.doubleValue, let maximum = json["maximumLifetimeInMinutes"]?.doubleValue,
              minimum <= maximum
        else { return nil }
        func targets(_ key: String) -> [String] {
            (json[key]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue?.lowercased() }
        }
        self.init(enabled: state.lowercased() == "enabled", minimumLifetimeInMinutes: Int(minimum), maximumLifetimeInMinutes: Int(maximum),
                  defaultLifetimeInMinutes: json["defaultLifetimeInMinutes"]?.doubleValue.map { Int($0) } ?? Int(minimum),
                  isUsableOnce: json["isUsableOnce"]?.boolValue ?? true, includeTargets: targets("includeTargets"), excludeTargets: targets("excludeTargets"))
    }

    /// The lifetime we ask for: the configured one, bounded by the tenant's min and max.
    public func lifetime(requested: Int) -> Int {
        min(max(requested, minimumLifetimeInMinutes), maximumLifetimeInMinutes)
    }

    /// One-time when the tenant forces it, else as configured.
    public func usableOnce(requested: Bool) -> Bool { isUsableOnce || requested }

    /// Why the policy keeps this user from getting a TAP, or nil. `groups` is every group the user
    /// is in, nested included.
    public func refusal(userGroups groups: Set<GUID>) -> String? {
        guard enabled else { return "the tenant's Temporary Access Pass policy is disabled" }
        let ids = Set(groups.map(\.value))
        if let excluded = excludeTargets.first(where: { ids.contains($0) }) {
            return "excluded from the Temporary Access Pass policy by group \(excluded)"
        }
        guard includeTargets.contains("all_users") || includeTargets.contains(where: { ids.contains($0) }) else {
            return "not included in the Temporary Access Pass policy"
        }
        return nil
    }
}
