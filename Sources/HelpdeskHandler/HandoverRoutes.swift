import EphemCore
import EphemHTTP
import Hummingbird
import NIOCore

/// The helpdesk's handover routes (SPEC 6.3, 7.6): create (`POST /api/handovers`), list, approve,
/// reject, cancel, and the agent's pick-up for `deliverTo: agent`. The creating and pick-up routes
/// check the role themselves so that a refusal also leaves its audit row (SPEC 7.4).
enum HandoverRoutes {
    static func make(_ dependencies: HandlerDependencies) -> [FunctionRoute] {
        let desk = HandoverJSON.desk(dependencies)
        let issuer = dependencies.issuer
        return [
            FunctionRoute(.post, "api/handovers", access: .signedIn) { request, context in
                let caller = try await admitted(request, context, issuer: issuer, targetText: nil)
                let order: HandoverDesk.Order
                do {
                    order = try HandoverBody.parse(try await request.collectBody())
                } catch let error as EphemError {
                    try await TapRoutes.deny(error, detail: "handover: invalid_request", request: request, caller: caller, targetText: nil, issuer: issuer)
                }
                let handover = try await desk.create(order, facts: HandoverJSON.facts(request, caller: caller))
                return try HandoverJSON.one(handover, status: .created)
            },
            FunctionRoute(.get, "api/handovers", access: .anyRole([AppRole.tapAdmin, AppRole.tapViewer])) { request, _ in
                let values = request.uri.queryParameters[values: "state"]
                guard values.count <= 1 else { throw EphemError.invalidQuery(message: "state is given more than once.") }
                var state: Handover.State?
                if let text = values.first, !text.isEmpty {
                    guard let parsed = Handover.State(rawValue: String(text).uppercased()) else {
                        throw EphemError.invalidQuery(message: "state must be one of \(Handover.State.allCases.map(\.rawValue).joined(separator: ", ")).")
                    }
                    state = parsed
                }
                return try HandoverJSON.list(try await desk.list(state: state))
            },
            FunctionRoute(.post, "api/handovers/{id}/approve", access: .anyRole([AppRole.tapAdmin])) { request, context in
                let caller = try context.requireCaller()
                return try HandoverJSON.one(try await desk.decide(context.parameters.get("id") ?? "", approve: true, rejection: nil,
                                                                   facts: HandoverJSON.facts(request, caller: caller)))
            },
            FunctionRoute(.post, "api/handovers/{id}/reject", access: .anyRole([AppRole.tapAdmin])) { request, context in
                let caller = try context.requireCaller()
                let reason = try HandoverBody.rejection(try await request.collectBody())
                return try HandoverJSON.one(try await desk.decide(context.parameters.get("id") ?? "", approve: false, rejection: reason,
                                                                   facts: HandoverJSON.facts(request, caller: caller)))
            },
            FunctionRoute(.delete, "api/handovers/{id}", access: .anyRole([AppRole.tapAdmin])) { request, context in
                let caller = try context.requireCaller()
                try await desk.cancel(context.parameters.get("id") ?? "", facts: HandoverJSON.facts(request, caller: caller))
                return TapRoutes.noContent()
            },
            HandoverJSON.pickUpRoute(dependencies, desk: desk, access: .signedIn) { request, context in
                try await admitted(request, context, issuer: issuer, targetText: context.parameters.get("id"))
            },
        ]
    }

    /// The caller holds `Helpdesk.TapAdmin`; otherwise the refusal is recorded and thrown.
    static func admitted(_ request: Request, _ context: EphemRequestContext, issuer: TapIssuer, targetText: String?) async throws -> Caller {
        let caller = try context.requireCaller()
        do throws(EphemError) {
            try caller.require(anyOf: [AppRole.tapAdmin])
        } catch {
            try await TapRoutes.deny(error, detail: "missing_role", request: request, caller: caller, targetText: targetText, issuer: issuer)
        }
        return caller
    }

    /// Direct issuance (`PUT /api/generate-tap/{userId}`) under the handover settings: 403
    /// `direct_issue_disabled` where `HELPDESK_DIRECT_ISSUE` is false, 409 `approval_required` for a
    /// target that needs four-eyes approval; each refusal with its audit row.
    static func gateDirectIssue(_ request: Request, caller: Caller, target: GUID, desk: HandoverDesk, issuer: TapIssuer) async throws {
        guard desk.policy.directIssue else {
            try await TapRoutes.deny(.handover(.directIssueDisabled), detail: "direct_issue_disabled", request: request, caller: caller,
                                     targetText: target.value, issuer: issuer)
        }
        let needed: Bool
        do throws(GraphError) {
            needed = try await desk.approvalNeeded(target)
        } catch {
            try await TapRoutes.deny(error.asEphemError, detail: "approval group check failed", request: request, caller: caller,
                                     targetText: target.value, issuer: issuer)
        }
        if needed {
            try await TapRoutes.deny(.handover(.approvalRequired), detail: "approval_required", request: request, caller: caller,
                                     targetText: target.value, issuer: issuer)
        }
    }
}
