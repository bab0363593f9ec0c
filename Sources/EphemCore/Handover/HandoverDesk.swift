#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// The handover's operations (SPEC 6.2, 6.3, 7.6) over `TapHandovers`, the issuance flow and the
/// audit: create (guard, eligibility, active pass and the manager checked now), approve, reject,
/// cancel, pick up (`TapIssuer`'s one flow, `HandoverPickup`), list, and expire (the
/// `audit-reconcile` timer). Every state change is an ETag-conditional write and one audit row
/// (`REQUESTED`, `APPROVED`, `REJECTED`, `CANCELLED`, `EXPIRED`; the pick-up's `SUCCESS` or refusal)
/// carrying `HandoverId`, `ApproverUPN`, `RecipientUPN`. No handover, row, mail or log line ever
/// holds a secret: the pass exists only inside the pick-up's response.
public struct HandoverDesk: Sendable {
    public let issuer: TapIssuer
    public let store: HandoverStore
    public let policy: HandoverPolicy
    /// The agents' limit (`RATE_LIMIT_PER_AGENT_PER_HOUR`), charged at pick-up.
    let agentLimiter: RateLimiter
    let tables: TableClient
    let mail: HandoverMail

    /// `selfServiceURL`: the link in the recipient's mail (nil: the mail names the portal without a link).
    public init(issuer: TapIssuer, tables: TableClient, policy: HandoverPolicy, agentLimitPerHour: Int, selfServiceURL: String?) {
        self.issuer = issuer
        self.tables = tables
        self.store = HandoverStore(client: tables)
        self.policy = policy
        self.agentLimiter = RateLimiter(scope: Portal.helpdesk.rawValue, limit: agentLimitPerHour, window: 3600, client: tables)
        self.mail = HandoverMail(graph: issuer.graph, sender: issuer.configuration.notificationSender, portalURL: selfServiceURL, logger: issuer.logger)
    }

    /// The audit facts of one HTTP request.
    public struct Facts: Sendable {
        public var caller: Caller
        public var clientIp: String?
        public var userAgent: String?
        public var correlationId: String

        public init(caller: Caller, clientIp: String?, userAgent: String?, correlationId: String) {
            self.caller = caller
            self.clientIp = clientIp
            self.userAgent = userAgent
            self.correlationId = correlationId
        }
    }

    /// What `POST /api/handovers` asks for.
    public struct Order: Sendable {
        public var target: GUID
        public var deliverTo: Handover.Delivery
        public var reason: String?
        public var ticketId: String?
        public var lifetimeMinutes: Int?

        public init(target: GUID, deliverTo: Handover.Delivery, reason: String? = nil, ticketId: String? = nil, lifetimeMinutes: Int? = nil) {
            self.target = target
            self.deliverTo = deliverTo
            self.reason = reason
            self.ticketId = ticketId
            self.lifetimeMinutes = lifetimeMinutes
        }
    }

    func row(_ handover: Handover, _ action: AuditAction, facts: Facts?, at date: Date) -> AuditEvent {
        let actor = facts?.caller
        var event = AuditEvent(portal: issuer.configuration.portal, action: action, agentId: (actor?.objectId ?? handover.requesterId).value,
                               agentUPN: actor.map { $0.userPrincipalName } ?? handover.requesterUPN, targetId: handover.targetId.value,
                               targetUPN: handover.targetUPN, clientIp: facts?.clientIp, userAgent: facts?.userAgent,
                               correlationId: facts?.correlationId ?? UUID().uuidString.lowercased(), reason: handover.reason,
                               ticketId: handover.ticketId, occurredAt: date)
        event.handoverId = handover.id
        event.approverUPN = handover.approverUPN
        event.recipientUPN = handover.recipientUPN
        return event
    }

    /// A transition's row: the transition stands even when the row cannot be written (logged).
    func record(_ event: AuditEvent) async {
        await issuer.recordRefusal(event)
    }

    // MARK: create

    /// `POST /api/handovers`: refused now when nothing could be issued (self target, protected,
    /// not eligible, active pass, no manager, direct issue disabled), each refusal with its row;
    /// otherwise the `REQUESTED` row, the handover, and the recipient's mail (when no approval is
    /// needed). Two rounds: the Graph reads concurrently, then the row and its audit row.
    public func create(_ order: Order, facts: Facts) async throws(EphemError) -> Handover {
        let started = issuer.now()
        let target = order.target
        var refusalRow = AuditEvent(portal: issuer.configuration.portal, action: .denied, agentId: facts.caller.objectId.value,
                                    agentUPN: facts.caller.userPrincipalName, targetId: target.value, clientIp: facts.clientIp,
                                    userAgent: facts.userAgent, correlationId: facts.correlationId, reason: order.reason,
                                    ticketId: order.ticketId, occurredAt: started)
        func refuse(_ refusal: Refusal) async throws(EphemError) -> Never {
            var row = refusalRow
            row.action = refusal.action
            row.denialReason = "handover: " + refusal.detail
            await record(row)
            throw refusal.error
        }
        if facts.caller.objectId == target {
            try await refuse(Refusal(.denied, detail: "self_target", error: .selfTarget))
        }
        if order.deliverTo == .agent, !policy.directIssue {
            try await refuse(Refusal(.denied, detail: "direct_issue_disabled", error: .handover(.directIssueDisabled)))
        }
        let graph = issuer.graph
        async let userResult = Outcome.of { () throws(GraphError) in try await graph.user(target) }
        async let guardResult = Outcome.of { () throws(EphemError) in try await issuer.guardrail.check(target) }
        async let tapsResult = Outcome.of { () throws(GraphError) in try await graph.temporaryAccessPasses(user: target) }
        async let policyResult = Outcome.of { () throws(EphemError) in try await issuer.policies.current() }
        async let managerResult = Outcome.of { () throws(GraphError) -> DirectoryUser? in
            order.deliverTo == .manager ? try await graph.manager(of: target) : nil
        }
        async let approvalResult = Outcome.of { () throws(GraphError) -> Bool in try await approvalNeeded(target) }
        let (user, report, taps, tapPolicy, manager, approval) = await (userResult, guardResult, tapsResult, policyResult, managerResult, approvalResult)
        if case .success(let found) = user { refusalRow.targetUPN = found.userPrincipalName }

        let decided: TapIssuer.Decided
        let recipient: DirectoryUser
        let approvalRequired: Bool
        do throws(Refusal) {
            decided = try issuer.decide(user: user, report: report, policy: tapPolicy)
            if try taps.orRefusal("TAP list failed").contains(where: \.isActive) {
                throw Refusal(.denied, detail: "tap_active", error: .tapActive)
            }
            switch approval {
            case .success(let needed): approvalRequired = needed
            case .failure(let error): throw Refusal(.error, detail: "approval group check failed", error: error.asEphemError)
            }
            if order.deliverTo == .manager {
                switch manager {
                case .success(let found?) where found.id == facts.caller.objectId && !policy.directIssue:
                    // The agent is the target's manager: the pass would reach the agent after all.
                    throw Refusal(.denied, detail: "direct_issue_disabled: the requester is the target's manager", error: .handover(.directIssueDisabled))
                case .success(let found?): recipient = found
                case .success(nil):
                    throw Refusal(.denied, detail: "no_manager", error: .invalidRequest(
                        message: "This user has no manager in the directory, so the pass cannot be sent to a manager. Set the manager in Entra ID first."))
                case .failure(let error): throw Refusal(.error, detail: "manager lookup failed", error: error.asEphemError)
                }
            } else {
                recipient = DirectoryUser(id: facts.caller.objectId, userPrincipalName: facts.caller.userPrincipalName ?? facts.caller.objectId.value,
                                          displayName: facts.caller.displayName)
            }
            if let asked = order.lifetimeMinutes, !(decided.policy.minimumLifetimeInMinutes...decided.policy.maximumLifetimeInMinutes).contains(asked) {
                throw Refusal(.denied, detail: "invalid_request: lifetime", error: .invalidRequest(
                    message: "lifetimeInMinutes must be from \(decided.policy.minimumLifetimeInMinutes) to \(decided.policy.maximumLifetimeInMinutes) (the tenant's TAP policy)."))
            }
        } catch {
            try await refuse(error)
        }

        var handover = Handover(
            id: UUID().uuidString.lowercased(), state: .requested, targetId: target, targetUPN: decided.user.userPrincipalName,
            targetDisplayName: decided.user.displayName, requesterId: facts.caller.objectId, requesterUPN: facts.caller.userPrincipalName,
            deliverTo: order.deliverTo, recipientId: recipient.id, recipientUPN: recipient.userPrincipalName, recipientDisplayName: recipient.displayName,
            approvalRequired: approvalRequired, reason: order.reason, ticketId: order.ticketId,
            lifetimeMinutes: order.lifetimeMinutes ?? issuer.configuration.lifetimeMinutes, isUsableOnce: issuer.configuration.isUsableOnce,
            agentLimitPerHour: agentLimiter.limit, createdAt: started, expiresAt: started.addingTimeInterval(Double(policy.ttlMinutes) * 60))
        handover = try await store.insert(handover)
        await record(row(handover, .requested, facts: facts, at: started))
        if !approvalRequired, order.deliverTo == .manager {
            await mail.waiting(handover, recipient: recipient)
        }
        if approvalRequired, let approvers = policy.approverMailbox {
            await mail.approvalWaiting(handover, to: approvers)
        }
        return handover
    }

    /// `APPROVAL_REQUIRED`: `always`, or `sensitive` and the target a member (nested) of an
    /// `APPROVAL_GROUP_IDS` group (`checkMemberGroups`, 20 ids a call, reference 4.4).
    public func approvalNeeded(_ target: GUID) async throws(GraphError) -> Bool {
        switch policy.approval {
        case .never: return false
        case .always: return true
        case .sensitive: return !(try await issuer.graph.memberGroups(user: target, among: policy.approvalGroupIds)).isEmpty
        }
    }

    // MARK: approve, reject, cancel

    /// `POST /api/handovers/{id}/approve` or `/reject` (a reason is required to reject): never by
    /// the requester (403 `same_agent`); 409 `handover_closed` once it left `REQUESTED` or when a
    /// racing action won.
    public func decide(_ id: String, approve: Bool, rejection: String?, facts: Facts) async throws(EphemError) -> Handover {
        let date = issuer.now()
        var handover = try await open(id, at: date)
        guard handover.requesterId != facts.caller.objectId else { throw .handover(.sameAgent) }
        guard handover.awaitsApproval, !handover.pickupInProgress(at: date) else { throw .handover(.closed) }
        if !approve, rejection == nil { throw .invalidRequest(message: "A rejection needs a reason.") }
        handover.state = approve ? .approved : .rejected
        handover.approverId = facts.caller.objectId
        handover.approverUPN = facts.caller.userPrincipalName ?? facts.caller.objectId.value
        handover.rejectionReason = approve ? nil : rejection
        handover.updatedAt = date
        handover = try await transition(handover)
        var event = row(handover, approve ? .approved : .rejected, facts: facts, at: date)
        event.denialReason = approve ? nil : rejection
        await record(event)
        if approve, handover.deliverTo == .manager, let recipient = try? await issuer.graph.user(handover.recipientId) {
            await mail.waiting(handover, recipient: recipient)
        }
        return handover
    }

    /// `DELETE /api/handovers/{id}`: the requester cancels a handover nobody picked up; 409
    /// `handover_closed` when it ended, a pick-up is under way, or a racing action won.
    public func cancel(_ id: String, facts: Facts) async throws(EphemError) {
        let date = issuer.now()
        var handover = try await open(id, at: date)
        guard handover.requesterId == facts.caller.objectId else { throw .handover(.notRequester) }
        guard !handover.pickupInProgress(at: date) else { throw .handover(.closed) }
        handover.state = .cancelled
        handover.updatedAt = date
        handover = try await transition(handover)
        await record(row(handover, .cancelled, facts: facts, at: date))
    }

    /// The handover, open and not expired: else 404 `handover_not_found` or 409 `handover_closed`.
    func open(_ id: String, at date: Date) async throws(EphemError) -> Handover {
        guard let handover = try await store.get(id) else { throw .handover(.notFound) }
        guard handover.state.isOpen, !handover.isExpired(at: date) else { throw .handover(.closed) }
        return handover
    }

    func transition(_ handover: Handover) async throws(EphemError) -> Handover {
        do throws(HandoverStoreError) {
            return try await store.replace(handover)
        } catch {
            switch error {
            case .conflict: throw .handover(.closed)
            case .unavailable(let failure): throw failure
            }
        }
    }
}
