import EphemCore
import EphemHTTP

/// The helpdesk portal's own API routes (SPEC 6.3), on top of the common ones.
enum HelpdeskRoutes {
    static let definition = HandlerDefinition(portal: .helpdesk) { dependencies in
        [AuditLogRoute.make(dependencies)] + TapAdminRoutes.make(dependencies) + HandoverRoutes.make(dependencies)
            + [WatchRoutes.userHistory(dependencies), ProtectedAccountsRoute.make(dependencies)]
    }
}
