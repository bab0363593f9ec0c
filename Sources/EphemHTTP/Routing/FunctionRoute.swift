public import Hummingbird
public import HTTPTypes
public import Logging

/// One HTTP route a handler serves, written as the Functions host writes it in `function.json`
/// (`api/users/{userId}/tap`, `{file?}`). The router is built from these and nothing else, so the
/// contract test can compare them with the `function.json` files (SPEC 4).
public struct FunctionRoute: Sendable {
    public typealias Handler = @Sendable (Request, EphemRequestContext) async throws -> Response

    /// Who may call a route. Authentication happens before the handler runs, from the token alone.
    public enum Access: Sendable, Equatable {
        case anonymous
        /// Any valid delegated token for this API.
        case signedIn
        /// A valid token whose `roles` hold at least one of these app roles.
        case anyRole([String])
    }

    public var method: HTTPRequest.Method
    public var template: String
    public var access: Access
    public var handler: Handler
    /// The route records its own refusals in the audit log (issuing and revoking routes, SPEC
    /// 7.4), so the early body-size refusal is left to it (`TapRoutes.readBody`).
    public var recordsRefusals = false

    /// This route with `recordsRefusals` set.
    public func audited() -> FunctionRoute {
        var route = self
        route.recordsRefusals = true
        return route
    }

    public init(_ method: HTTPRequest.Method, _ template: String, access: Access, handler: @escaping Handler) {
        self.method = method
        self.template = template
        self.access = access
        self.handler = handler
    }

    /// The Hummingbird paths this template stands for: an optional last parameter `{x?}` expands to
    /// the path with and without it; a catch-all `{*x}` becomes `**`.
    public var routerPaths: [String] {
        var segments = template.split(separator: "/").map(String.init)
        guard let last = segments.last else { return ["/"] }
        if last.hasPrefix("{*") {
            segments[segments.count - 1] = "**"
            return ["/" + segments.joined(separator: "/")]
        }
        if last.hasPrefix("{"), last.hasSuffix("?}") {
            let name = last.dropFirst().dropLast(2)
            let without = segments.dropLast().joined(separator: "/")
            segments[segments.count - 1] = "{\(name)}"
            return ["/" + without, "/" + segments.joined(separator: "/")]
        }
        return ["/" + segments.joined(separator: "/")]
    }
}

/// A timer-triggered function. The host invokes it in default mode as `POST /{name}`.
public struct TimerFunction: Sendable {
    public typealias Body = @Sendable (InvocationRequest, Logger) async throws -> [String]

    public var name: String
    /// Runs the work and returns the lines for the invocation's `Logs`.
    public var run: Body

    public init(name: String, run: @escaping Body) {
        self.name = name
        self.run = run
    }
}
