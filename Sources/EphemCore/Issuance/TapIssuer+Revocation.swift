/// Reading and revoking a target's TAP (SPEC 6.2, 6.3). A revocation leaves exactly one audit row,
/// written ahead like an issuance: `PENDING`, then `REVOKED` or the refusal.
extension TapIssuer {
    /// The target's TAP without its secret (lists never carry it), or nil.
    public func status(target: GUID) async throws(EphemError) -> TemporaryAccessPass? {
        do throws(GraphError) {
            let taps = try await graph.temporaryAccessPasses(user: target)
            return taps.first(where: \.isActive) ?? taps.first
        } catch {
            throw error.asEphemError
        }
    }

    public func revoke(_ request: IssuanceRequest) async throws(EphemError) {
        let started = now()
        let target = request.target
        if configuration.portal == .helpdesk, request.caller.objectId == target {
            try await refuseSelfTarget(request, started: started)
        }
        var row = event(request, action: .pending, at: started)
        row.tapLifetimeMinutes = nil
        row.tapIsUsableOnce = nil
        let begun = row
        async let pendingResult = Outcome.of { () throws(EphemError) in try await audit.begin(begun) }
        async let userResult = Outcome.of { () throws(GraphError) in try await graph.user(target) }
        async let tapsResult = Outcome.of { () throws(GraphError) in try await graph.temporaryAccessPasses(user: target) }
        let (pendingOutcome, user, taps) = await (pendingResult, userResult, tapsResult)
        var pending = try pendingOutcome.get()
        do throws(Refusal) {
            let found = try user.orRefusal("user lookup failed")
            pending.event.targetUPN = found.userPrincipalName
            pending.event.targetName = found.displayName
            let active = try taps.orRefusal("TAP list failed").filter(\.isActive)
            guard !active.isEmpty else { throw Refusal(.denied, detail: "no_active_tap", error: .noActiveTap) }
            for tap in active {
                do throws(GraphError) {
                    try await graph.deleteTemporaryAccessPass(user: target, methodId: tap.id)
                } catch .notFound {
                    // Gone already (expired and cleaned up, or revoked concurrently): the goal holds.
                } catch {
                    throw Refusal(.error, detail: "Graph failed to delete the TAP", error: error.asEphemError)
                }
            }
            // The ledger learns of our own revoke (SPEC 7.7), concurrently with the outcome row.
            async let ledgered: Void = ledger?.markRevoked(target: target, methodIds: active.map(\.id),
                                                           by: request.caller.userPrincipalName, at: now()) ?? ()
            await audit.complete(pending, action: .revoked)
            await ledgered
        } catch {
            await audit.complete(pending, action: error.action, denialReason: error.detail)
            throw error.error
        }
    }
}
