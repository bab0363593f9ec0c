import EphemCore
import EphemHTTP

/// The self-service portal's own API routes (SPEC 6.2), on top of the common ones.
enum SelfServiceRoutes {
    static let definition = HandlerDefinition(portal: .selfService) { _ in
        []
    }
}
