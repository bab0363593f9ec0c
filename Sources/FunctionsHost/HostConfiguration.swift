import Foundation

/// The parts of `host.json` the emulator honours (reference 1.1): the custom handler's executable,
/// arguments and working directory, forwarding mode, and the HTTP route prefix.
public struct HostConfiguration: Sendable, Equatable {
    public var executablePath: String
    public var arguments: [String]
    public var workingDirectory: String
    public var enableForwardingHttpRequest: Bool
    public var routePrefix: String

    public struct LoadError: Error, CustomStringConvertible {
        public var file: String
        public var problem: String
        public var description: String { "\(file): \(problem)" }
    }

    public static func load(path: String) throws -> HostConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(file: path, problem: "cannot be read")
        }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw LoadError(file: path, problem: "is not a JSON object")
        }
        let custom = Self.member(root, "customHandler") as? [String: Any] ?? Self.member(root, "httpWorker") as? [String: Any]
        guard let custom, let description = Self.member(custom, "description") as? [String: Any] else {
            throw LoadError(file: path, problem: "has no customHandler.description")
        }
        guard let executable = Self.member(description, "defaultExecutablePath") as? String, !executable.isEmpty else {
            throw LoadError(file: path, problem: "customHandler.description.defaultExecutablePath is empty")
        }
        let http = (Self.member(root, "extensions") as? [String: Any]).flatMap { Self.member($0, "http") as? [String: Any] }
        return HostConfiguration(
            executablePath: executable,
            arguments: Self.member(description, "arguments") as? [String] ?? [],
            workingDirectory: Self.member(description, "workingDirectory") as? String ?? "",
            enableForwardingHttpRequest: Self.member(custom, "enableForwardingHttpRequest") as? Bool ?? false,
            routePrefix: (http.flatMap { Self.member($0, "routePrefix") as? String }) ?? "api"
        )
    }

    /// .NET configuration binding is case-insensitive (reference 1.1).
    static func member(_ object: [String: Any], _ key: String) -> Any? {
        if let exact = object[key] { return exact }
        return object.first(where: { $0.key.lowercased() == key.lowercased() })?.value
    }
}
