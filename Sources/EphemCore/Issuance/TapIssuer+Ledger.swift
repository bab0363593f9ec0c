#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// The ledger row of an issued pass (SPEC 7.7), written in round 3 concurrently with the
/// `SUCCESS` row, the mail and the lock release: no extra round. A failed ledger write does not
/// withhold the pass (its `SUCCESS` row is the durable record, SPEC 7.4); it is logged, and that
/// pass is then not watched.
extension TapIssuer {
    /// `pickup`: a handover's pick-up (SPEC 7.6): the requesting agent issued the pass and the
    /// picker received it, so the history can say both.
    func recordInLedger(_ tap: TemporaryAccessPass, request: IssuanceRequest, target: DirectoryUser, pickup: HandoverPickup? = nil) async {
        guard let ledger else { return }
        var entry = TapLedger.Entry(targetId: request.target.value, methodId: tap.id, portal: configuration.portal.rawValue, state: .issued)
        entry.targetUPN = target.userPrincipalName
        entry.createdDateTime = tap.createdDateTime.flatMap(GraphDate.parse).map(RateLimiter.format) ?? RateLimiter.format(now())
        entry.startDateTime = (tap.startDateTime ?? tap.createdDateTime).flatMap(GraphDate.parse).map(RateLimiter.format)
        entry.expiresDateTime = tap.expiresDateTime.flatMap(GraphDate.parse).map(RateLimiter.format)
        entry.lifetimeMinutes = tap.lifetimeInMinutes
        entry.isUsableOnce = tap.isUsableOnce
        entry.correlationId = request.correlationId
        entry.agentId = request.caller.objectId.value
        entry.agentUPN = request.caller.userPrincipalName
        if let pickup {
            entry.agentId = pickup.handover.requesterId.value
            entry.agentUPN = pickup.handover.requesterUPN
            entry.recipientUPN = pickup.recipientLabel
            entry.handoverId = pickup.handover.id
        }
        entry.changedAt = RateLimiter.format(now())
        do throws(TableError) {
            try await ledger.recordIssued(entry)
        } catch {
            logger.error("ledger write failed; this pass will not be watched", metadata: [
                "audit.correlation_id": "\(request.correlationId)", "error.detail": "\(error)",
            ])
        }
    }
}
