import EphemCore
import EphemHTTP
import Hummingbird

/// The helpdesk's user and TAP routes (SPEC 6.3), all for `Helpdesk.TapAdmin`. The issuing and
/// revoking routes check the role themselves so that a refusal also leaves its audit row.
enum TapAdminRoutes {
    static func make(_ dependencies: HandlerDependencies) -> [FunctionRoute] {
        let issuer = dependencies.issuer
        let graph = dependencies.graph
        let displayTimeout = dependencies.settings.displayTimeoutSeconds
        let settings = dependencies.settings
        let handovers = HandoverJSON.desk(dependencies)
        return [
            FunctionRoute(.get, "api/search-user", access: .anyRole([AppRole.tapAdmin])) { request, _ in
                let prefix = try UserSearch.query(request.uri.query)
                let users: [DirectoryUser]
                do throws(GraphError) {
                    users = try await graph.searchUsers(prefix: prefix, top: UserSearch.maxResults)
                } catch {
                    throw EphemError.upstreamUnavailable(detail: "user search: \(error)")
                }
                return try JSONResponse.make(UserSearch.Body(users: users.prefix(UserSearch.maxResults).map(UserSearch.Item.init)), headers: [.cacheControl: "no-store"])
            },
            FunctionRoute(.put, "api/generate-tap/{userId}", access: .signedIn) { request, context in
                let (caller, target) = try await admitted(request, context, issuer: issuer)
                try await HandoverRoutes.gateDirectIssue(request, caller: caller, target: target, desk: handovers, issuer: issuer)
                let bytes = try await TapRoutes.readBody(request, caller: caller, targetText: target.value, issuer: issuer)
                let body: IssueBody
                do {
                    body = try IssueBody.parse(bytes)
                } catch let error as EphemError {
                    try await TapRoutes.deny(error, detail: "invalid_request", request: request, caller: caller, targetText: target.value, issuer: issuer)
                }
                if !body.options.isEmpty {
                    try await IssueOptionsCheck.check(body.options, request: request, caller: caller, target: target, issuer: issuer, settings: settings)
                }
                var issuance = TapRoutes.issuanceRequest(request, caller: caller, target: target, reason: body.reason, ticketId: body.ticketId)
                issuance.options = body.options
                let result = try await issuer.issue(issuance)
                return try TapRoutes.issued(result, displayTimeoutSeconds: displayTimeout, includeTarget: true)
            }.audited(),
            FunctionRoute(.get, "api/users/{userId}/tap", access: .anyRole([AppRole.tapAdmin])) { _, context in
                guard let target = TapRoutes.userId(context).0 else { throw EphemError.invalidUserId }
                return try TapRoutes.status(try await issuer.status(target: target))
            },
            FunctionRoute(.delete, "api/users/{userId}/tap", access: .signedIn) { request, context in
                let (caller, target) = try await admitted(request, context, issuer: issuer)
                // Issue 14: an optional `{"reason"?, "ticketId"?}` as for issuance, kept on the row;
                // issue 13: a body over 16 KiB is 413 with its row, however it is framed.
                let bytes = try await TapRoutes.readBody(request, caller: caller, targetText: target.value, issuer: issuer)
                let body: IssueBody
                do {
                    body = try IssueBody.parse(bytes)
                    guard body.options.isEmpty else { throw EphemError.invalidRequest(message: "Only reason and ticketId are accepted when revoking.") }
                } catch let error as EphemError {
                    try await TapRoutes.deny(error, detail: "invalid_request", request: request, caller: caller, targetText: target.value, issuer: issuer)
                }
                try await issuer.revoke(TapRoutes.issuanceRequest(request, caller: caller, target: target, reason: body.reason, ticketId: body.ticketId))
                return TapRoutes.noContent()
            }.audited(),
        ]
    }

    /// The caller holds `Helpdesk.TapAdmin` and the path names an object id; otherwise the request
    /// is refused with its audit row.
    static func admitted(_ request: Request, _ context: EphemRequestContext, issuer: TapIssuer) async throws -> (Caller, GUID) {
        let caller = try context.requireCaller()
        let (target, text) = TapRoutes.userId(context)
        do throws(EphemError) {
            try caller.require(anyOf: [AppRole.tapAdmin])
        } catch {
            try await TapRoutes.deny(error, detail: "missing_role", request: request, caller: caller, targetText: text, issuer: issuer)
        }
        guard let target else {
            try await TapRoutes.deny(.invalidUserId, detail: "invalid_user_id", request: request, caller: caller, targetText: text, issuer: issuer)
        }
        return (caller, target)
    }
}
