import EphemCore
import EphemHTTP
import Hummingbird

/// The manager's side of a handover (SPEC 6.2, 7.6): `GET /api/handovers` lists the passes
/// waiting for the signed-in user as a target's manager; `PUT /api/handovers/{id}/tap` picks one
/// up through the one issuance flow (403 `not_recipient` when the caller is not, or no longer,
/// the target's manager).
enum SelfServiceHandoverRoutes {
    static func make(_ dependencies: HandlerDependencies) -> [FunctionRoute] {
        let desk = HandoverJSON.desk(dependencies)
        return [
            FunctionRoute(.get, "api/handovers", access: .signedIn) { _, context in
                let caller = try context.requireCaller()
                return try HandoverJSON.list(try await desk.waiting(for: caller.objectId))
            },
            HandoverJSON.pickUpRoute(dependencies, desk: desk, access: .signedIn) { _, context in
                try context.requireCaller()
            },
        ]
    }
}
