public import EphemCore
public import Hummingbird
public import HTTPTypes

/// The JSON of a handover (SPEC 6.2, 6.3): `{"id","state","targetUser","recipient","approvalRequired",
/// "expiresDateTime"}` plus who asked, why, who approved and what became of it. Never a secret: a
/// handover holds none.
public enum HandoverJSON {
    public struct Person: Encodable, Sendable {
        var id: String
        var upn: String?
        var displayName: String?
    }

    public struct Body: Encodable, Sendable {
        var id: String
        var state: String
        var deliverTo: String
        var targetUser: Person
        var recipient: Person
        var requester: Person
        var approvalRequired: Bool
        var approver: String?
        var reason: String?
        var ticketId: String?
        var rejectionReason: String?
        var createdDateTime: String
        var expiresDateTime: String
        var issuedDateTime: String?
        var pickedUpBy: String?
        var pickupInProgress: Bool

        public init(_ handover: Handover) {
            id = handover.id
            state = handover.state.rawValue
            deliverTo = handover.deliverTo.rawValue
            targetUser = Person(id: handover.targetId.value, upn: handover.targetUPN, displayName: handover.targetDisplayName)
            recipient = Person(id: handover.recipientId.value, upn: handover.recipientUPN, displayName: handover.recipientDisplayName)
            requester = Person(id: handover.requesterId.value, upn: handover.requesterUPN, displayName: nil)
            approvalRequired = handover.approvalRequired
            approver = handover.approverUPN
            reason = handover.reason
            ticketId = handover.ticketId
            rejectionReason = handover.rejectionReason
            createdDateTime = GraphDate.format(handover.createdAt)
            expiresDateTime = GraphDate.format(handover.expiresAt)
            issuedDateTime = handover.issuedAt.map(GraphDate.format)
            pickedUpBy = handover.pickedUpBy
            pickupInProgress = handover.pickupId != nil && handover.state.isOpen
        }
    }

    struct ListBody: Encodable {
        var handovers: [Body]
    }

    public static func one(_ handover: Handover, status: HTTPResponse.Status = .ok) throws -> Response {
        try JSONResponse.make(status: status, Body(handover), headers: [.cacheControl: "no-store"])
    }

    public static func list(_ handovers: [Handover]) throws -> Response {
        try JSONResponse.make(ListBody(handovers: handovers.map(Body.init)), headers: [.cacheControl: "no-store"])
    }

    /// The audit facts of a request, for a handover operation.
    public static func facts(_ request: Request, caller: Caller) -> HandoverDesk.Facts {
        let facts = TapRoutes.auditFacts(request)
        return HandoverDesk.Facts(caller: caller, clientIp: facts.clientIp, userAgent: facts.userAgent, correlationId: facts.correlationId)
    }

    /// The handover desk of this app: the process's issuer and tables, the helpdesk's handover settings.
    public static func desk(_ dependencies: HandlerDependencies) -> HandoverDesk {
        HandoverDesk(issuer: dependencies.issuer, tables: dependencies.tables, policy: dependencies.settings.handover,
                     agentLimitPerHour: dependencies.settings.rateLimitPerAgentPerHour, selfServiceURL: dependencies.settings.handover.selfServiceURL)
    }

    /// `PUT /api/handovers/{id}/tap` in either app: the pass, shown only to the recipient.
    public static func pickUpRoute(_ dependencies: HandlerDependencies, desk: HandoverDesk, access: FunctionRoute.Access,
                                   admit: @escaping @Sendable (Request, EphemRequestContext) async throws -> Caller) -> FunctionRoute {
        let displayTimeout = dependencies.settings.displayTimeoutSeconds
        return FunctionRoute(.put, "api/handovers/{id}/tap", access: access) { request, context in
            let caller = try await admit(request, context)
            let id = context.parameters.get("id") ?? ""
            let result = try await desk.pickUp(id, facts: facts(request, caller: caller))
            return try TapRoutes.issued(result, displayTimeoutSeconds: displayTimeout, includeTarget: true)
        }
    }
}
