import Foundation

/// One function of an app, read from `{app}/{name}/function.json` (reference 1.3).
public struct FunctionMetadata: Sendable, Equatable {
    public enum Trigger: Sendable, Equatable {
        /// `methods` upper-cased; empty means every method. `route` nil means the function name.
        case http(methods: [String], route: String?, authLevel: String, bindingName: String)
        case timer(schedule: String, bindingName: String, runOnStartup: Bool)
        case other(type: String)
    }

    public var name: String
    public var trigger: Trigger
    /// True for HTTP-in/HTTP-out functions, the only ones the host forwards (reference 1.6).
    public var isHTTPInAndOut: Bool

    /// The HTTP route template the host serves this function at, without the route prefix.
    public var routeTemplate: String? {
        guard case .http(_, let route, _, _) = trigger else { return nil }
        return route ?? name
    }

    public struct LoadError: Error, CustomStringConvertible {
        public var file: String
        public var problem: String
        public var description: String { "\(file): \(problem)" }
    }

    /// Every folder of `appDirectory` that holds a `function.json`, sorted by name.
    public static func loadAll(appDirectory: String) throws -> [FunctionMetadata] {
        let names = try FileManager.default.contentsOfDirectory(atPath: appDirectory).sorted()
        var result: [FunctionMetadata] = []
        for name in names {
            let file = "\(appDirectory)/\(name)/function.json"
            guard FileManager.default.fileExists(atPath: file) else { continue }
            result.append(try load(name: name, file: file))
        }
        return result
    }

    public static func load(name: String, file: String) throws -> FunctionMetadata {
        guard let data = FileManager.default.contents(atPath: file),
              let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let bindings = HostConfiguration.member(root, "bindings") as? [[String: Any]]
        else {
            throw LoadError(file: file, problem: "is not a function.json with a bindings array")
        }
        func string(_ binding: [String: Any], _ key: String) -> String? {
            HostConfiguration.member(binding, key) as? String
        }
        let inputs = bindings.filter { string($0, "direction")?.lowercased() == "in" }
        let triggers = inputs.filter { string($0, "type")?.lowercased().hasSuffix("trigger") == true }
        guard triggers.count == 1, let binding = triggers.first, let type = string(binding, "type") else {
            throw LoadError(file: file, problem: "must have exactly one trigger binding")
        }
        let bindingName = string(binding, "name") ?? ""
        let trigger: Trigger
        switch type.lowercased() {
        case "httptrigger":
            let methods = (HostConfiguration.member(binding, "methods") as? [String] ?? []).map { $0.uppercased() }
            trigger = .http(methods: methods, route: string(binding, "route"), authLevel: (string(binding, "authLevel") ?? "function").lowercased(), bindingName: bindingName)
        case "timertrigger":
            guard let schedule = string(binding, "schedule") else {
                throw LoadError(file: file, problem: "timerTrigger has no schedule")
            }
            trigger = .timer(schedule: schedule, bindingName: bindingName, runOnStartup: HostConfiguration.member(binding, "runOnStartup") as? Bool ?? false)
        default:
            trigger = .other(type: type)
        }
        let outputs = bindings.filter { string($0, "direction")?.lowercased() == "out" }
        let httpIn = inputs.filter { string($0, "type")?.lowercased() == "httptrigger" }.count == 1
        let httpOut = outputs.filter { string($0, "type")?.lowercased() == "http" }.count == 1
        return FunctionMetadata(name: name, trigger: trigger, isHTTPInAndOut: httpIn && httpOut && inputs.count == 1 && outputs.count == 1)
    }
}
