/// One bad app setting: its name and what is wrong, in words an operator can act on.
public struct SettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var setting: String
    public var problem: String

    public init(setting: String, problem: String) {
        self.setting = setting
        self.problem = problem
    }

    /// The one line the handler prints before it exits.
    public var description: String { "invalid app setting \(setting): \(problem)" }
}

/// All the bad settings found in one pass, so an operator fixes them in one deployment.
public struct SettingsErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var errors: [SettingsError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
