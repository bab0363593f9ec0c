#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// The `tap-watch` timer's work (SPEC 7.7, every 5 minutes, each app its own passes): every
/// ledger row in force is read from Graph with one call (`GET /users/{id}/authentication/methods`,
/// which lists the pass with `isUsable`/`methodUsabilityReason` and every other method with its
/// `createdDateTime`), and its fate recorded:
/// - `USED`: Graph says `OneTimeUsed`;
/// - `EXPIRED`: Graph says `Expired`, or our own clock is `expiryMargin` past its expiry (then no
///   call is made);
/// - `REMOVED`: the pass (or the user) is gone and our revoke did not do it;
/// - `AUTO_REVOKED` (with `autoRevoke`): the pass is still usable and a phishing-resistant method
///   (`fido2AuthenticationMethod`, `windowsHelloForBusinessAuthenticationMethod`,
///   `platformCredentialAuthenticationMethod`) was registered after the pass was created: the
///   pass is deleted first, then recorded.
///
/// Each change is an ETag-conditional ledger write; only its winner writes the audit row and the
/// log line, so two instances (or a repeated run) record each change once. Rows no longer in
/// force are never read from Graph. Bounded: at most `maxPassesPerRun` rows (least recently
/// checked first), `concurrency` passes at a time (a sliding window; each records its own change);
/// when Graph fails (throttled past the client's budget, or down) no further pass is started and
/// the rest wait for the next run.
public struct TapWatcher: Sendable {
    let ledger: TapLedger
    let graph: GraphClient
    let audit: AuditLog
    let logger: Logger
    let now: @Sendable () -> Date
    public var autoRevoke: Bool
    public var maxPassesPerRun = 1000
    public var concurrency = 8
    /// How far past its expiry (by our clock) a pass is taken as expired without asking Graph.
    public var expiryMargin: TimeInterval = 3600

    /// The method types that make a pass redundant (SPEC 7.7: passkey/FIDO2, Windows Hello for
    /// Business, platform credential), as Graph's `@odata.type` names them.
    public static let phishingResistant: Set<String> = [
        "fido2AuthenticationMethod", "windowsHelloForBusinessAuthenticationMethod", "platformCredentialAuthenticationMethod",
    ]

    public init(ledger: TapLedger, graph: GraphClient, audit: AuditLog, logger: Logger, autoRevoke: Bool, now: @escaping @Sendable () -> Date = Date.init) {
        self.ledger = ledger
        self.graph = graph
        self.audit = audit
        self.logger = logger
        self.autoRevoke = autoRevoke
        self.now = now
    }

    /// Counts for the invocation's `Logs`.
    public struct Result: Sendable, Equatable {
        public var examined = 0
        public var used = 0
        public var expired = 0
        public var removed = 0
        public var autoRevoked = 0
        public var unchanged = 0
        /// Rows left for the next run (Graph failed, or the run's bound was reached).
        public var deferred = 0
        public var graphCalls = 0
        public var moreRemain = false
    }

    enum Verdict: Sendable {
        case change(TapLedger.State, detail: String, calls: Int)
        case unchanged(calls: Int)
        case failed(calls: Int)
    }

    /// Watches the passes `portal` issued. Throws `upstreamUnavailable` only when the ledger
    /// cannot be read.
    public func run(portal: Portal) async throws(EphemError) -> Result {
        var result = Result()
        let found: (entries: [TapLedger.Entry], more: Bool)
        do {
            found = try await ledger.inForce(portal: portal, limit: maxPassesPerRun)
        } catch {
            throw .upstreamUnavailable(detail: "tap-watch ledger read: \(error)")
        }
        result.moreRemain = found.more
        let entries = found.entries
        let touchUnchanged = found.more
        // A sliding window of `concurrency` passes; each task judges its pass and records the
        // change itself, so a slow write never holds the others back. After a Graph failure no
        // new pass is started.
        let outcomes = await withTaskGroup(of: PassOutcome.self) { group in
            var collected: [PassOutcome] = []
            var next = 0, running = 0, failed = false
            while true {
                while !failed, next < entries.count, running < concurrency {
                    let entry = entries[next]
                    next += 1
                    running += 1
                    group.addTask { await process(entry, touch: touchUnchanged) }
                }
                guard running > 0, let outcome = await group.next() else { break }
                running -= 1
                if case .failed = outcome.verdict { failed = true }
                collected.append(outcome)
            }
            return (collected, entries.count - next)
        }
        for outcome in outcomes.0 {
            result.examined += 1
            switch outcome.verdict {
            case .change(let state, _, let calls):
                result.graphCalls += calls
                guard outcome.recorded else { result.unchanged += 1; continue }
                switch state {
                case .used: result.used += 1
                case .expired: result.expired += 1
                case .removed: result.removed += 1
                case .autoRevoked: result.autoRevoked += 1
                default: break
                }
            case .unchanged(let calls):
                result.graphCalls += calls
                result.unchanged += 1
            case .failed(let calls):
                result.graphCalls += calls
                result.deferred += 1
            }
        }
        // Throttled or down: the passes that failed or were not started wait for the next run.
        result.deferred += outcomes.1
        if result.deferred > 0 { result.moreRemain = true }
        return result
    }

    struct PassOutcome: Sendable {
        var verdict: Verdict
        var recorded: Bool
    }

    /// Judges one pass and records its change (or notes the check when the run is bounded).
    func process(_ entry: TapLedger.Entry, touch: Bool) async -> PassOutcome {
        let verdict = await judge(entry)
        switch verdict {
        case .change(let state, let detail, _):
            return PassOutcome(verdict: verdict, recorded: await record(entry, state: state, detail: detail))
        case .unchanged:
            if touch { await self.touch(entry) }
            return PassOutcome(verdict: verdict, recorded: false)
        case .failed:
            return PassOutcome(verdict: verdict, recorded: false)
        }
    }

    /// What became of one pass (no writes, except the auto-revoke's delete).
    func judge(_ entry: TapLedger.Entry) async -> Verdict {
        let current = now()
        if let expires = entry.expiresDateTime.flatMap(RateLimiter.parse), current >= expires.addingTimeInterval(expiryMargin) {
            return .change(.expired, detail: "pass \(entry.methodId) expired at \(entry.expiresDateTime ?? "")", calls: 0)
        }
        guard let target = GUID(entry.targetId) else { return .change(.removed, detail: "no valid target recorded", calls: 0) }
        let snapshot: GraphClient.MethodsSnapshot
        do throws(GraphError) {
            snapshot = try await graph.methodsSnapshot(user: target)
        } catch .notFound {
            return .change(.removed, detail: "the user no longer exists", calls: 1)
        } catch {
            logger.warning("tap-watch: Graph read failed; pass left for the next run", metadata: [
                "audit.correlation_id": "\(entry.correlationId ?? "")", "error.detail": "\(error)",
            ])
            return .failed(calls: 1)
        }
        guard let pass = snapshot.passes.first(where: { $0.id.lowercased() == entry.methodId.lowercased() }) else {
            return .change(.removed, detail: "pass \(entry.methodId) no longer exists in Entra (deleted or replaced outside this product)", calls: 1)
        }
        switch pass.methodUsabilityReason {
        case "OneTimeUsed": return .change(.used, detail: "pass \(entry.methodId) was used to sign in", calls: 1)
        case "Expired": return .change(.expired, detail: "pass \(entry.methodId) expired", calls: 1)
        default: break
        }
        guard autoRevoke, pass.isActive else { return .unchanged(calls: 1) }
        let created = (pass.createdDateTime ?? entry.createdDateTime).flatMap(GraphDate.parse)
        let registered = snapshot.methods.filter { method in
            guard Self.phishingResistant.contains(method.type), let at = method.createdDateTime.flatMap(GraphDate.parse), let created else { return false }
            return at > created
        }.min { ($0.createdDateTime ?? "") < ($1.createdDateTime ?? "") }
        guard let method = registered else { return .unchanged(calls: 1) }
        do throws(GraphError) {
            try await graph.deleteTemporaryAccessPass(user: target, methodId: pass.id)
        } catch .notFound {
            // Gone already: the goal holds.
        } catch {
            logger.warning("tap-watch: auto-revoke delete failed; pass left for the next run", metadata: [
                "audit.correlation_id": "\(entry.correlationId ?? "")", "error.detail": "\(error)",
            ])
            return .failed(calls: 2)
        }
        let name = method.displayName.map { " '\($0)'" } ?? ""
        return .change(.autoRevoked, detail: "pass \(entry.methodId) deleted: \(method.type)\(name) registered at \(method.createdDateTime ?? "?")", calls: 2)
    }

    /// The change, if this watcher is the first to write it: ledger row, then audit row and log line.
    func record(_ entry: TapLedger.Entry, state: TapLedger.State, detail: String) async -> Bool {
        var changed = entry
        changed.state = state
        changed.detail = detail
        changed.changedAt = RateLimiter.format(now())
        changed.checkedAt = changed.changedAt
        let won: Bool
        do throws(TableError) {
            won = try await ledger.update(changed)
        } catch {
            logger.warning("tap-watch: ledger write failed", metadata: ["audit.correlation_id": "\(entry.correlationId ?? "")", "error.detail": "\(error)"])
            return false
        }
        guard won, let action = state.auditAction, let portal = Portal(rawValue: entry.portal) else { return false }
        let row = AuditEvent(portal: portal, action: action, agentUPN: "tap-watch", targetId: entry.targetId, targetUPN: entry.targetUPN,
                             denialReason: detail, tapLifetimeMinutes: entry.lifetimeMinutes, tapIsUsableOnce: entry.isUsableOnce,
                             correlationId: entry.correlationId ?? UUID().uuidString.lowercased(), occurredAt: now())
        do throws(EphemError) {
            try await audit.record(row)
        } catch {
            logger.error("tap-watch: audit write failed after the ledger recorded the change", metadata: [
                "audit.correlation_id": "\(row.correlationId)", "audit.action": "\(action.rawValue)", "error.detail": "\(error)",
            ])
        }
        return true
    }

    /// Notes that a pass was looked at, so a bounded run reaches the others next time.
    func touch(_ entry: TapLedger.Entry) async {
        var checked = entry
        checked.checkedAt = RateLimiter.format(now())
        _ = try? await ledger.update(checked)
    }
}
