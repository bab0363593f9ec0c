#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import EphemCore
import Hummingbird
import Logging

/// After issuance (SPEC 7.7): the `tap-watch` timer both apps run, and a target's pass history
/// (`GET /api/users/{userId}/history` in the helpdesk, `GET /api/my-history` in self-service).
public enum WatchRoutes {
    /// `tap-watch` (every 5 minutes): this app's passes in force, and with
    /// `OUT_OF_BAND_DETECTION` (helpdesk) the directory audit. The invocation's `Logs` carry the
    /// counts; it fails (503) only when the ledger cannot be read. An out-of-band read that fails
    /// (e.g. the identity lacks `AuditLog.Read.All` + `Directory.Read.All`) is logged as an error
    /// and named in `Logs`, and the watch's own counts still return.
    static func tapWatch(_ dependencies: HandlerDependencies) -> TimerFunction {
        let settings = dependencies.settings
        let watcher = TapWatcher(ledger: dependencies.ledger, graph: dependencies.graph, audit: dependencies.audit, logger: dependencies.logger,
                                 autoRevoke: settings.autoRevokeAfterRegistration)
        let detector = settings.outOfBandDetection
            ? OutOfBandDetector(ledger: dependencies.ledger, client: dependencies.tables, graph: dependencies.graph, audit: dependencies.audit, logger: dependencies.logger)
            : nil
        return TimerFunction(name: "tap-watch") { invocation, logger in
            let clock = ContinuousClock()
            let started = clock.now
            let result = try await watcher.run(portal: settings.portal)
            var lines = ["tap-watch: examined \(result.examined) passes in force with \(result.graphCalls) Graph calls; \(result.used) used, \(result.expired) expired, \(result.removed) removed, \(result.autoRevoked) auto-revoked, \(result.unchanged) unchanged, \(result.deferred) deferred" + (result.moreRemain ? "; more remain for the next run" : "")]
            var metadata: Logger.Metadata = [
                "watch.examined": "\(result.examined)", "watch.used": "\(result.used)", "watch.expired": "\(result.expired)",
                "watch.removed": "\(result.removed)", "watch.auto_revoked": "\(result.autoRevoked)", "watch.unchanged": "\(result.unchanged)",
                "watch.deferred": "\(result.deferred)", "watch.graph_calls": "\(result.graphCalls)", "watch.more_remain": "\(result.moreRemain)",
                "timer.past_due": "\(invocation.timerInfo?.isPastDue ?? false)",
            ]
            if let detector {
                do throws(EphemError) {
                    let found = try await detector.run()
                    lines.append("tap-watch: out-of-band detection read \(found.eventsRead) TAP registrations: \(found.reported) reported OUT_OF_BAND, \(found.ours) made here, \(found.alreadyReported) already reported")
                    metadata["watch.out_of_band_reported"] = "\(found.reported)"
                    metadata["watch.out_of_band_events"] = "\(found.eventsRead)"
                } catch {
                    lines.append("tap-watch: out-of-band detection failed: \(error)")
                    logger.error("tap-watch: out-of-band detection failed", metadata: ["error.detail": "\(error)"])
                }
            }
            let elapsed = clock.now - started
            metadata["watch.elapsed_ms"] = "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)"
            logger.notice("\(lines[0])", metadata: metadata)
            return lines
        }
    }

    /// One pass of a target's history (SPEC 7.7): who issued it (or, out of band, who created
    /// it), from which portal, when, and its fate. Never the secret (the ledger has none).
    struct HistoryItem: Encodable {
        var methodId: String
        var portal: String
        var state: String
        var createdDateTime: String?
        var startDateTime: String?
        var expiresDateTime: String?
        var lifetimeInMinutes: Int?
        var isUsableOnce: Bool?
        var issuedBy: String?
        var issuedById: String?
        /// A handover's pick-up: who received the pass (SPEC 7.6), and the handover.
        var receivedBy: String?
        var handoverId: String?
        var correlationId: String?
        var changedDateTime: String?
        var detail: String?

        init(_ entry: TapLedger.Entry) {
            methodId = entry.methodId
            portal = entry.portal
            state = entry.state.rawValue
            createdDateTime = entry.createdDateTime
            startDateTime = entry.startDateTime
            expiresDateTime = entry.expiresDateTime
            lifetimeInMinutes = entry.lifetimeMinutes
            isUsableOnce = entry.isUsableOnce
            issuedBy = entry.agentUPN
            issuedById = entry.agentId
            receivedBy = entry.recipientUPN
            handoverId = entry.handoverId
            correlationId = entry.correlationId
            changedDateTime = entry.changedAt
            detail = entry.detail
        }
    }

    struct HistoryBody: Encodable {
        var userId: String
        var passes: [HistoryItem]
    }

    /// The history of `target`, newest first, at most `limit` passes.
    static func history(_ ledger: TapLedger, target: GUID, limit: Int) async throws -> Response {
        let entries: [TapLedger.Entry]
        do {
            entries = try await ledger.history(target: target)
        } catch {
            throw EphemError.upstreamUnavailable(detail: "ledger read: \(error)")
        }
        return try JSONResponse.make(HistoryBody(userId: target.value, passes: entries.prefix(limit).map(HistoryItem.init)),
                                     headers: [.cacheControl: "no-store"])
    }

    /// `GET /api/users/{userId}/history` (helpdesk, TapAdmin or TapViewer): the target's passes,
    /// both portals' and out-of-band ones, newest first (at most 100).
    public static func userHistory(_ dependencies: HandlerDependencies) -> FunctionRoute {
        let ledger = dependencies.ledger
        return FunctionRoute(.get, "api/users/{userId}/history", access: .anyRole([AppRole.tapAdmin, AppRole.tapViewer])) { _, context in
            guard let target = TapRoutes.userId(context).0 else { throw EphemError.invalidUserId }
            return try await history(ledger, target: target, limit: 100)
        }
    }

    /// `GET /api/my-history` (self-service, new): the caller's own recent passes (at most 20),
    /// the same way; the target is the token's `oid`.
    public static func myHistory(_ dependencies: HandlerDependencies) -> FunctionRoute {
        let ledger = dependencies.ledger
        return FunctionRoute(.get, "api/my-history", access: .signedIn) { _, context in
            let caller = try context.requireCaller()
            return try await history(ledger, target: caller.objectId, limit: 20)
        }
    }
}
