public import EphemCore
public import Logging

/// What a handler's routes are built from: the parsed settings and the process-wide services.
/// Built once by the composition root (`HandlerApplication.build`), and by tests the same way.
public struct HandlerDependencies: Sendable {
    public var settings: Settings
    public var logger: Logger

    public init(settings: Settings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }
}

/// One handler: which portal it is and the routes and timers only it serves.
public struct HandlerDefinition: Sendable {
    public typealias RouteBuilder = @Sendable (HandlerDependencies) -> [FunctionRoute]
    public var portal: Portal
    public var routes: RouteBuilder

    public init(portal: Portal, routes: @escaping RouteBuilder) {
        self.portal = portal
        self.routes = routes
    }
}
