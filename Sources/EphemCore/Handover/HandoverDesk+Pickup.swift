#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension HandoverDesk {
    /// Where a pick-up is made: the manager in the self-service portal, the agent in the helpdesk
    /// (SPEC 6.2, 6.3).
    public var pickupDelivery: Handover.Delivery { issuer.configuration.portal == .selfService ? .manager : .agent }

    /// `PUT /api/handovers/{id}/tap`: the pass for the recipient, created now by the one issuance
    /// flow (`TapIssuer.issue(_:pickup:)`). One round first, concurrently: read the handover (the
    /// target, the recipient and the row's ETag) and take the handover's own lock (`TargetLock`
    /// keyed by the handover id: an insert, or a takeover of a released or lapsed lease), so of
    /// racing pick-ups only one goes on to claim the agent's rate-limit slot and the target lock
    /// (were they all to claim those concurrently, the claim's winner could lose the target lock or
    /// the last slot to a pick-up that then loses the claim, and nobody would get the pass). Then
    /// the flow's three rounds with the claim and the manager check in round 1. A refusal before the
    /// flow (unknown, ended, expired, not yet approved, not the recipient, a pick-up under way)
    /// leaves its audit row too.
    public func pickUp(_ id: String, facts: Facts) async throws(EphemError) -> IssuanceResult {
        let date = issuer.now()
        guard let key = GUID(id) else {
            await refusePickup(nil, id: id, detail: "handover_not_found", facts: facts, at: date)
            throw .handover(.notFound)
        }
        let lock = issuer.lock
        async let readResult = Outcome.of { () throws(EphemError) in try await store.get(key.value) }
        async let lockResult = Outcome.of { () throws(EphemError) in try await lock.acquireOrLease(key) }
        let (read, locked) = await (readResult, lockResult)
        var held: TargetLock.Held?
        if case .success(.held(let found)) = locked { held = found }
        func giveBackLock() async {
            if let held { _ = await lock.release(held) }
        }
        let found: Handover?
        do throws(EphemError) {
            found = try read.get()
        } catch {
            await giveBackLock()
            throw error
        }
        guard let handover = found else {
            await giveBackLock()
            await refusePickup(nil, id: id, detail: "handover_not_found", facts: facts, at: date)
            throw .handover(.notFound)
        }
        let refusal: EphemError? = if !handover.state.isOpen || handover.isExpired(at: date) {
            .handover(.closed)
        } else if handover.deliverTo != pickupDelivery || handover.recipientId != facts.caller.objectId {
            .handover(.notRecipient)
        } else if handover.awaitsApproval {
            .handover(.approvalPending)
        } else if handover.pickupInProgress(at: date) {
            .issuanceInProgress(retryAfterSeconds: max(1, Int((handover.pickupStartedAt ?? date).addingTimeInterval(TargetLock.lease).timeIntervalSince(date).rounded(.up))))
        } else {
            switch locked {
            case .success(.held): nil
            case .success(.busy(let retryAfter)): .issuanceInProgress(retryAfterSeconds: retryAfter)
            case .failure(let error): error
            }
        }
        if let refusal {
            await giveBackLock()
            await refusePickup(handover, id: id, detail: "\(refusal)", facts: facts, at: date)
            throw refusal
        }
        let limiter = handover.agentLimitPerHour == agentLimiter.limit
            ? agentLimiter : RateLimiter(scope: Portal.helpdesk.rawValue, limit: handover.agentLimitPerHour, window: 3600, client: tables)
        let pickup = HandoverPickup(handover: handover, picker: facts.caller, store: store, graph: issuer.graph, limiter: limiter,
                                    lock: lock, held: held, logger: issuer.logger)
        // The flow runs as the requesting agent: their limit, their name in the row and the target's mail.
        let requester = Caller(objectId: handover.requesterId, userPrincipalName: handover.requesterUPN, displayName: nil, roles: [],
                               tenantId: facts.caller.tenantId)
        let request = IssuanceRequest(caller: requester, target: handover.targetId, reason: handover.reason, ticketId: handover.ticketId,
                                      clientIp: facts.clientIp, userAgent: facts.userAgent, correlationId: facts.correlationId)
        return try await issuer.issue(request, pickup: pickup)
    }

    func refusePickup(_ handover: Handover?, id: String, detail: String, facts: Facts, at date: Date) async {
        var event: AuditEvent
        if let handover {
            event = row(handover, .denied, facts: facts, at: date)
            event.agentId = handover.requesterId.value
            event.agentUPN = handover.requesterUPN
            event.recipientUPN = facts.caller.userPrincipalName ?? facts.caller.objectId.value
        } else {
            event = AuditEvent(portal: issuer.configuration.portal, action: .denied, agentId: facts.caller.objectId.value,
                               agentUPN: facts.caller.userPrincipalName, clientIp: facts.clientIp, userAgent: facts.userAgent,
                               correlationId: facts.correlationId, occurredAt: date)
            event.handoverId = GUID(id)?.value ?? String(id.prefix(64))
        }
        event.denialReason = "handover pick-up: \(detail)"
        await record(event)
    }

    // MARK: lists

    /// The helpdesk list (`GET /api/handovers?state=`): newest first, at most `limit`. An open
    /// handover past its expiry is shown as `EXPIRED` before the timer writes it.
    public func list(state: Handover.State?, limit: Int = 200) async throws(EphemError) -> [Handover] {
        let date = issuer.now()
        let filter: String?
        switch state {
        case .expired?: filter = "State eq 'EXPIRED' or State eq 'REQUESTED' or State eq 'APPROVED'"
        case .requested?, .approved?: filter = "State eq \(ODataLiteral.string(state!.rawValue))"
        case let other?: filter = "State eq \(ODataLiteral.string(other.rawValue))"
        case nil: filter = nil
        }
        let found = try await store.list(filter: filter, limit: 1000).map { Self.shown($0, at: date) }
        return Array(found.filter { state == nil || $0.state == state }.prefix(limit))
    }

    /// The passes waiting for `manager` (self-service `GET /api/handovers`): open handovers whose
    /// recipient is the caller as the target's manager, not expired, newest first.
    public func waiting(for manager: GUID) async throws(EphemError) -> [Handover] {
        let date = issuer.now()
        let filter = "RecipientId eq \(ODataLiteral.string(manager.value)) and DeliverTo eq 'manager' and (State eq 'REQUESTED' or State eq 'APPROVED')"
        return try await store.list(filter: filter, limit: 100).filter { !$0.isExpired(at: date) }
    }

    static func shown(_ handover: Handover, at date: Date) -> Handover {
        var shown = handover
        if handover.isExpired(at: date), !handover.pickupInProgress(at: date) { shown.state = .expired }
        return shown
    }

    // MARK: expiry

    /// The `audit-reconcile` timer's handover work (SPEC 7.6): every open handover past its expiry
    /// and not being picked up becomes `EXPIRED` (conditional write, so a racing pick-up or cancel
    /// wins or loses cleanly) with its `EXPIRED` row. Returns how many expired.
    public func expire() async throws(EphemError) -> Int {
        let date = issuer.now()
        let filter = "(State eq 'REQUESTED' or State eq 'APPROVED') and ExpiresAt le \(ODataLiteral.dateTime(RateLimiter.format(date)))"
        var expired = 0
        for var handover in try await store.list(filter: filter, limit: 500) where !handover.pickupInProgress(at: date) {
            handover.state = .expired
            handover.updatedAt = date
            do throws(HandoverStoreError) {
                handover = try await store.replace(handover)
            } catch {
                continue
            }
            var event = row(handover, .expired, facts: nil, at: date)
            event.denialReason = "handover expired after \(policy.ttlMinutes) minutes without pick-up"
            await record(event)
            expired += 1
        }
        return expired
    }
}
