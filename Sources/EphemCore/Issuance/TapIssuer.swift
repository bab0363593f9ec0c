#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// The one issuance flow both portals use (DESIGN: validate ► guard ► limit ► PENDING ► Graph ►
/// outcome ► notify), shaped so the success path needs three sequential rounds of upstream calls:
///
/// 1. concurrently: the `PENDING` audit row, the target's user object, the guard (SPEC 7.2), the
///    target's TAPs, the TAP policy (cached), the caller's rate-limit slot and the target lock;
/// 2. create the TAP;
/// 3. concurrently: the outcome audit row, the notification and the lock release.
///
/// Everything in round 1 is keyed on the object id the request named; a GUID in a Graph path always
/// means that object (a UPN cannot have this shape), and the user object read in the same round
/// must come back with that id. Whatever round 1 claimed (slot, lock) is given back when the
/// request ends in a refusal.
public struct TapIssuer: Sendable {
    public let configuration: IssuanceConfiguration
    let graph: GraphClient
    let guardrail: TargetGuard
    let limiter: RateLimiter
    let lock: TargetLock
    let audit: AuditLog
    /// The tenant's TAP policy, cached; `/api/config` clamps what it reports by it.
    public let policies: TapPolicyCache
    let notifier: Notifier
    /// The `TapLedger` (SPEC 7.7): its row is written in round 3 with the `SUCCESS` row.
    let ledger: TapLedger?
    let logger: Logger
    let now: @Sendable () -> Date
    /// A lock takeover this close to our start may postdate our read of the TAPs: read again.
    static let takeoverMargin: TimeInterval = 30

    public init(configuration: IssuanceConfiguration, graph: GraphClient, guardrail: TargetGuard, limiter: RateLimiter, lock: TargetLock,
                audit: AuditLog, policies: TapPolicyCache, logger: Logger, now: @escaping @Sendable () -> Date = Date.init, ledger: TapLedger? = nil) {
        self.configuration = configuration
        self.graph = graph
        self.guardrail = guardrail
        self.limiter = limiter
        self.lock = lock
        self.audit = audit
        self.policies = policies
        self.notifier = Notifier(graph: graph, sender: configuration.notificationSender, logger: logger)
        self.logger = logger
        self.now = now
        self.ledger = ledger
    }

    func event(_ request: IssuanceRequest, action: AuditAction, at date: Date) -> AuditEvent {
        AuditEvent(portal: configuration.portal, action: action, agentId: request.caller.objectId.value, agentUPN: request.caller.userPrincipalName,
                   targetId: request.target.value, tapLifetimeMinutes: configuration.lifetimeMinutes, tapIsUsableOnce: configuration.isUsableOnce,
                   clientIp: request.clientIp, userAgent: request.userAgent, correlationId: request.correlationId,
                   reason: request.reason, ticketId: request.ticketId, occurredAt: date)
            .named(agent: request.caller.displayName)
    }

    /// A helpdesk agent naming their own account: refused with its own audit row.
    func refuseSelfTarget(_ request: IssuanceRequest, started: Date) async throws(EphemError) {
        var row = event(request, action: .denied, at: started)
        row.targetUPN = request.caller.userPrincipalName
        row.targetName = request.caller.displayName
        row.tapLifetimeMinutes = nil
        row.tapIsUsableOnce = nil
        row.denialReason = "self_target"
        await recordRefusal(row)
        throw .selfTarget
    }

    /// The audit row of an issuing or revoking request refused before the flow starts (a role the
    /// caller lacks, a malformed id or body), so every such request leaves one row (SPEC 7.4).
    /// `targetText` is what the request named, cut to 128 characters.
    public func recordDenial(caller: Caller, targetText: String?, detail: String, clientIp: String?, userAgent: String?, correlationId: String) async {
        let target = targetText.map { String($0.unicodeScalars.filter { !$0.isControlCharacter }.prefix(128).map(Character.init)) }
        await recordRefusal(AuditEvent(portal: configuration.portal, action: .denied, agentId: caller.objectId.value, agentUPN: caller.userPrincipalName,
                                       targetId: target, denialReason: detail, clientIp: clientIp, userAgent: userAgent,
                                       correlationId: correlationId, occurredAt: now()).named(agent: caller.displayName))
    }

    /// A refusal's row. The refusal stands even when the row cannot be written (nothing was issued);
    /// the event's log line is written either way.
    func recordRefusal(_ row: AuditEvent) async {
        do throws(EphemError) {
            try await audit.record(row)
        } catch {
            logger.error("audit write for a refusal failed", metadata: ["audit.correlation_id": "\(row.correlationId)", "error.detail": "\(error)"])
        }
    }

    public func issue(_ request: IssuanceRequest) async throws(EphemError) -> IssuanceResult {
        try await issue(request, pickup: nil)
    }

    /// The flow above; with `pickup`, a handover's pick-up (SPEC 7.6): the requesting agent's limit
    /// and the handover's lifetime, the handover claimed (ETag) and the recipient checked again in
    /// round 1, the handover marked `ISSUED` in round 3, and the claim given back on a refusal.
    func issue(_ request: IssuanceRequest, pickup: HandoverPickup?) async throws(EphemError) -> IssuanceResult {
        let started = now()
        let target = request.target
        let limiter = pickup?.limiter ?? self.limiter
        if configuration.portal == .helpdesk, request.caller.objectId == target {
            try await refuseSelfTarget(request, started: started)
        }
        var first = event(request, action: .pending, at: started)
        if let pickup { pickup.annotate(&first) }
        let firstRow = first
        // Round 1.
        async let pendingResult = Outcome.of { () throws(EphemError) in try await audit.begin(firstRow) }
        async let claimResult = Outcome.of { () throws(HandoverStoreError) -> Handover? in try await pickup?.claim(at: started) }
        async let recipientResult = Outcome.of { () throws(GraphError) -> Bool in try await pickup?.recipientStillValid() ?? true }
        async let userResult = Outcome.of { () throws(GraphError) in try await graph.user(target) }
        async let guardResult = Outcome.of { () throws(EphemError) in try await guardrail.check(target) }
        async let tapsResult = Outcome.of { () throws(GraphError) in try await graph.temporaryAccessPasses(user: target) }
        async let policyResult = Outcome.of { () throws(EphemError) in try await policies.current() }
        async let slotResult = Outcome.of { () throws(EphemError) in try await limiter.reserve(for: request.caller.objectId) }
        async let lockResult = Outcome.of { () throws(EphemError) in try await lock.acquireOrLease(target) }
        let (pendingOutcome, user, report, taps, policy, slot, held) =
            await (pendingResult, userResult, guardResult, tapsResult, policyResult, slotResult, lockResult)
        let (claimed, recipientValid) = await (claimResult, recipientResult)

        var claims = Claims(limiter: limiter, lock: lock)
        claims.pickup = pickup
        if case .success(let handover?) = claimed { claims.claimed = handover }
        if case .success(.granted(let reservation)) = slot { claims.reservation = reservation }
        if case .success(.held(let lockHeld)) = held { claims.held = lockHeld }

        var pending: AuditLog.Pending
        do throws(EphemError) {
            pending = try pendingOutcome.get()
        } catch {
            await claims.giveBack()
            // No row can be written (storage down), but the audit log line is written all the same,
            // with what round 1 decided (e.g. BLOCKED_PRIVILEGED), so the alert on `audit.action`
            // still sees the refusal (issue 13, finding 8; SPEC 7.4 "one structured log line").
            var unrecorded = event(request, action: .error, at: started)
            if case .success(let found) = user { unrecorded.targetUPN = found.userPrincipalName }
            do throws(Refusal) {
                _ = try decide(user: user, report: report, policy: policy)
                unrecorded.denialReason = "audit PENDING write failed"
            } catch let refusal {
                unrecorded.action = refusal.action
                unrecorded.denialReason = refusal.detail
            }
            audit.log(unrecorded, rowWritten: false)
            throw error
        }
        // The row names the target's UPN whatever the outcome (a protected account's refusal too).
        if case .success(let found) = user {
            pending.event.targetUPN = found.userPrincipalName
            pending.event.targetName = found.displayName
        }
        do throws(Refusal) {
            if let pickup { try pickup.check(claimed: claimed, recipientValid: recipientValid) }
            let decided = try decide(user: user, report: report, policy: policy)
            try await checkNoActiveTap(taps: taps, held: held, target: target, started: started)
            let outcome: RateLimiter.Outcome
            do throws(EphemError) {
                outcome = try slot.get()
            } catch {
                throw Refusal(.error, detail: "rate limit", error: error)
            }
            if case .limited(let retryAfter) = outcome {
                throw Refusal(.rateLimited, detail: "rate_limited", error: .rateLimited(retryAfterSeconds: retryAfter))
            }
            // Round 2: the create, sent at most once (SPEC 7.4), and the PENDING row annotated with
            // the target's UPN and what is asked for, concurrently (no extra round).
            let lifetime = decided.policy.lifetime(requested: pickup?.handover.lifetimeMinutes ?? request.options.lifetimeInMinutes ?? configuration.lifetimeMinutes)
            let usableOnce = decided.policy.usableOnce(requested: pickup?.handover.isUsableOnce ?? request.options.isUsableOnce ?? configuration.isUsableOnce)
            pending.event.tapLifetimeMinutes = lifetime
            pending.event.tapIsUsableOnce = usableOnce
            let annotatedRow = pending
            async let annotation = audit.annotate(annotatedRow)
            let creation = await graph.createTemporaryAccessPassOnce(user: target, lifetimeInMinutes: lifetime, isUsableOnce: usableOnce,
                                                                     startDateTime: request.options.startDateTime)
            if let annotated = await annotation { pending = annotated }
            let tap = try await accept(creation, target: target, started: started, knownBefore: Set((try? taps.get())?.map(\.id) ?? []),
                                       futureStart: request.options.startDateTime.map { $0 > started } ?? false)
            if let actual = tap.lifetimeInMinutes { pending.event.tapLifetimeMinutes = actual }
            if let actual = tap.isUsableOnce { pending.event.tapIsUsableOnce = actual }
            // Round 3: the SUCCESS row, the notification and the lock release, concurrently. The pass
            // is returned only once its SUCCESS row is durable (SPEC 7.4).
            let finalRow = pending
            let agent = configuration.portal == .helpdesk || pickup != nil ? request.caller.userPrincipalName ?? request.caller.objectId.value : nil
            async let audited = audit.complete(finalRow, action: .success)
            async let mailed = notifier.notify(target: decided.user, issuedBy: agent, at: started, correlationId: request.correlationId,
                                               receivedBy: pickup?.recipientLabel)
            let held = claims
            async let released = held.releaseLock()
            async let marked = held.markIssued(at: started)
            async let ledgered: Void = recordInLedger(tap, request: request, target: decided.user, pickup: pickup)
            let (durable, notificationSent, _, issuedHandover, _) = await (audited, mailed, released, marked, ledgered)
            guard durable else {
                do throws(Refusal) {
                    try await withdraw(tap, target: target, row: finalRow)
                } catch {
                    // The pass was deleted, never shown: the handover may be picked up again (SPEC 7.6).
                    if case .upstreamUnavailable = error.error, let pickup, let issuedHandover {
                        await pickup.reopen(issuedHandover)
                    }
                    throw error
                }
            }
            return IssuanceResult(tap: tap, target: decided.user, notificationSent: notificationSent)
        } catch {
            if error.keepsSlot {
                claims.reservation = nil
                // A pass may exist: the handover's claim and lock stay until their lease ends (SPEC 7.6).
                claims.pickup = nil
            }
            if error.keepsPending {
                // Outcome unknown: the row stays PENDING for audit-reconcile (SPEC 7.4).
                logger.error("issuance outcome unknown; the row stays PENDING", metadata: [
                    "audit.correlation_id": "\(request.correlationId)", "error.detail": "\(error.detail)",
                ])
                await claims.giveBack()
                throw error.error
            }
            async let audited = audit.complete(pending, action: error.action, denialReason: error.detail)
            async let givenBack: Void = claims.giveBack()
            _ = await (audited, givenBack)
            throw error.error
        }
    }

    struct Decided {
        var user: DirectoryUser
        var policy: TapPolicy
    }

    /// Round 1's Graph answers, in the order the API reports them: unknown user, protected target,
    /// failures, then eligibility.
    func decide(user: Result<DirectoryUser, GraphError>, report: Result<TargetGuard.Report, EphemError>,
                policy: Result<TapPolicy, EphemError>) throws(Refusal) -> Decided {
        let resolved = try user.orRefusal("user lookup failed")
        let groups: Set<GUID>
        switch report {
        case .success(let report):
            if let protection = report.protection {
                throw Refusal(.blockedPrivileged, detail: protection, error: .targetPrivileged(reason: protection))
            }
            groups = report.groups
        case .failure(let error): throw Refusal(.error, detail: "guard could not complete", error: error)
        }
        let tapPolicy: TapPolicy
        switch policy {
        case .success(let found): tapPolicy = found
        case .failure(let error): throw Refusal(.error, detail: "TAP policy unavailable", error: error)
        }
        if resolved.accountEnabled == false {
            throw Refusal(.denied, detail: "account disabled", error: .targetNotEligible(reason: "The account is disabled."))
        }
        if resolved.isExternalGuest {
            throw Refusal(.denied, detail: "external guest", error: .targetNotEligible(reason: "Guests from another tenant sign in at their home tenant."))
        }
        if let refusal = tapPolicy.refusal(userGroups: groups) {
            throw Refusal(.denied, detail: refusal, error: .targetNotEligible(reason: "The account is outside the tenant's Temporary Access Pass policy."))
        }
        return Decided(user: resolved, policy: tapPolicy)
    }

    /// SPEC 7.3: one active TAP per target, and one issuance at a time per target. A lock held by
    /// another issuance (or left by one that crashed) with no active pass in Graph is
    /// `issuance_in_progress` with the lease's remaining seconds; an active pass is `tap_active`.
    func checkNoActiveTap(taps: Result<[TemporaryAccessPass], GraphError>, held: Result<TargetLock.Acquisition, EphemError>,
                          target: GUID, started: Date) async throws(Refusal) {
        let lockHeld: TargetLock.Held
        switch held {
        case .success(.held(let found)): lockHeld = found
        case .success(.busy(let retryAfter)):
            if case .success(let current) = taps, current.contains(where: \.isActive) {
                throw Refusal(.denied, detail: "tap_active", error: .tapActive)
            }
            throw Refusal(.denied, detail: "issuance_in_progress: another issuance for this target holds the lock", error: .issuanceInProgress(retryAfterSeconds: retryAfter))
        case .failure(let error): throw Refusal(.error, detail: "target lock", error: error)
        }
        var current = try taps.orRefusal("TAP list failed")
        if let previousEnd = lockHeld.previousEnd, previousEnd >= started.addingTimeInterval(-Self.takeoverMargin) {
            // The previous issuance for this target ended around our read: read again, now that we hold the lock.
            current = try await Outcome.of { () throws(GraphError) in try await graph.temporaryAccessPasses(user: target) }.orRefusal("TAP list failed")
        }
        if current.contains(where: \.isActive) {
            throw Refusal(.denied, detail: "tap_active", error: .tapActive)
        }
    }
}

/// How a request that issued nothing ends: its audit action, the row's reason, the API error.
struct Refusal: Error {
    var action: AuditAction
    var detail: String
    var error: EphemError
    /// A failure whose effect is unknown (the TAP may exist): the rate-limit slot stays used.
    var keepsSlot = false
    /// The outcome is unknown: the row stays `PENDING` for `audit-reconcile` (SPEC 7.4).
    var keepsPending = false

    init(_ action: AuditAction, detail: String, error: EphemError, keepsSlot: Bool = false, keepsPending: Bool = false) {
        self.action = action
        self.detail = detail
        self.error = error
        self.keepsSlot = keepsSlot
        self.keepsPending = keepsPending
    }
}

extension Result where Failure == GraphError {
    /// The answer of a Graph read about the target, or how the request ends: a 404 means the user
    /// does not exist; anything else is a failure (`detail` for the audit row).
    func orRefusal(_ detail: String) throws(Refusal) -> Success {
        switch self {
        case .success(let value): return value
        case .failure(.notFound): throw Refusal(.denied, detail: "user_not_found", error: .userNotFound)
        case .failure(let error): throw Refusal(.error, detail: detail, error: error.asEphemError)
        }
    }
}
