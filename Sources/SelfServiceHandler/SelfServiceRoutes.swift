import EphemCore
import EphemHTTP
import Hummingbird

/// The self-service portal's own API routes (SPEC 6.2), on top of the common ones. The target is
/// always the validated token's `oid`: no path, query or body field can name another user, and a
/// request body is ignored.
enum SelfServiceRoutes {
    static let definition = HandlerDefinition(portal: .selfService) { dependencies in
        let issuer = dependencies.issuer
        let graph = dependencies.graph
        let displayTimeout = dependencies.settings.displayTimeoutSeconds
        return SelfServiceHandoverRoutes.make(dependencies) + [
            FunctionRoute(.get, "api/my-auth-methods", access: .signedIn) { _, context in
                let caller = try context.requireCaller()
                let methods: [AuthenticationMethodSummary]
                do throws(GraphError) {
                    methods = try await graph.authenticationMethods(user: caller.objectId)
                } catch {
                    throw error.asEphemError
                }
                return try JSONResponse.make(MethodsBody(methods: methods), headers: [.cacheControl: "no-store"])
            },
            FunctionRoute(.put, "api/generate-tap", access: .signedIn) { request, context in
                let caller = try context.requireCaller()
                _ = try await TapRoutes.readBody(request, caller: caller, targetText: caller.objectId.value, issuer: issuer)
                let result = try await issuer.issue(TapRoutes.issuanceRequest(request, caller: caller, target: caller.objectId))
                return try TapRoutes.issued(result, displayTimeoutSeconds: displayTimeout, includeTarget: false)
            }.audited(),
            FunctionRoute(.get, "api/my-tap", access: .signedIn) { _, context in
                let caller = try context.requireCaller()
                return try TapRoutes.status(try await issuer.status(target: caller.objectId))
            },
            FunctionRoute(.delete, "api/my-tap", access: .signedIn) { request, context in
                let caller = try context.requireCaller()
                _ = try await TapRoutes.readBody(request, caller: caller, targetText: caller.objectId.value, issuer: issuer)
                try await issuer.revoke(TapRoutes.issuanceRequest(request, caller: caller, target: caller.objectId))
                return TapRoutes.noContent()
            }.audited(),
            WatchRoutes.myHistory(dependencies),
        ]
    }

    struct MethodsBody: Encodable {
        var methods: [AuthenticationMethodSummary]
    }
}
