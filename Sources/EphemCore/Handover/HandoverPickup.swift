#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// What a handover's pick-up adds to `TapIssuer`'s one issuance flow (SPEC 7.6):
///
/// - round 1, concurrently with the flow's own reads: the **claim** (the handover row rewritten
///   with a pick-up id, ETag-conditional on the row this request read: of any number of racing
///   pick-ups, approvals or cancels exactly one lands) and, for `deliverTo: manager`, the target's
///   **current manager** read again from Graph (`GET /users/{id}/manager`, reference: Graph
///   "List manager"; 404 means none);
/// - round 3, concurrently with the `SUCCESS` row: the row becomes `ISSUED` (conditional on the
///   claim's ETag);
/// - on a refusal the claim is given back (the handover can be picked up again); when the outcome
///   is unknown it is kept until its lease (`TargetLock.lease`) ends.
///
/// The rate limit charged is the requesting agent's (helpdesk scope, the limit recorded in the
/// handover), whichever app serves the pick-up.
struct HandoverPickup: Sendable {
    var handover: Handover
    var picker: Caller
    let store: HandoverStore
    let graph: GraphClient
    let limiter: RateLimiter
    /// The handover's own lock (`TargetLock` keyed by the handover id), released when the pick-up ends.
    let lock: TargetLock
    let held: TargetLock.Held?
    let logger: Logger

    /// The recipient's name for the target's notification ("the pass was handed to …").
    var recipientLabel: String { picker.userPrincipalName ?? handover.recipientUPN }

    func annotate(_ row: inout AuditEvent) {
        row.handoverId = handover.id
        row.recipientUPN = picker.userPrincipalName ?? handover.recipientUPN
        row.approverUPN = handover.approverUPN
        row.targetUPN = handover.targetUPN
        row.reason = handover.reason
        row.ticketId = handover.ticketId
    }

    func claim(at date: Date) async throws(HandoverStoreError) -> Handover {
        var row = handover
        row.pickupId = UUID().uuidString.lowercased()
        row.pickupStartedAt = date
        row.updatedAt = date
        return try await store.replace(row)
    }

    /// For `deliverTo: manager`: the picker is still the target's manager in Graph.
    func recipientStillValid() async throws(GraphError) -> Bool {
        guard handover.deliverTo == .manager else { return picker.objectId == handover.recipientId }
        guard let manager = try await graph.manager(of: handover.targetId) else { return false }
        return manager.id == picker.objectId
    }

    /// Round 1's verdict on the handover, before the guard's: a lost claim is `handover_closed`,
    /// a recipient who is no longer the manager `not_recipient`, a failed read fails closed.
    func check(claimed: Result<Handover?, HandoverStoreError>, recipientValid: Result<Bool, GraphError>) throws(Refusal) {
        switch claimed {
        case .success: break
        case .failure(.conflict):
            throw Refusal(.denied, detail: "handover_closed: another action on the handover won", error: .handover(.closed))
        case .failure(.unavailable(let error)):
            throw Refusal(.error, detail: "handover claim failed", error: error)
        }
        switch recipientValid {
        case .success(true): break
        case .success(false):
            throw Refusal(.denied, detail: "not_recipient: \(picker.userPrincipalName ?? picker.objectId.value) is no longer the target's manager",
                          error: .handover(.notRecipient))
        case .failure(let error):
            throw Refusal(.error, detail: "manager lookup failed", error: error.asEphemError)
        }
    }

    @discardableResult
    func markIssued(_ claimed: Handover, at date: Date) async -> Handover? {
        var row = claimed
        row.state = .issued
        row.issuedAt = date
        row.updatedAt = date
        row.pickedUpBy = recipientLabel
        async let unlocked: Void = releaseLock()
        var stored: Handover?
        do throws(HandoverStoreError) {
            stored = try await store.replace(row)
        } catch {
            // The pass exists and its SUCCESS row says so; the row keeps the claim, whose lease
            // blocks other pick-ups, and the target lock's active-pass check blocks a second pass.
            logger.error("handover could not be marked ISSUED", metadata: ["handover.id": "\(claimed.id)", "error.detail": "\(error)"])
        }
        await unlocked
        return stored
    }

    /// The pass of an `ISSUED` handover was deleted before anyone saw it (its `SUCCESS` row was not
    /// durable, SPEC 7.4): the handover returns to the state it was picked up in.
    func reopen(_ issued: Handover) async {
        var row = issued
        row.state = handover.state
        row.issuedAt = nil
        row.pickedUpBy = nil
        row.pickupId = nil
        row.pickupStartedAt = nil
        do throws(HandoverStoreError) {
            _ = try await store.replace(row)
        } catch {
            logger.error("handover could not be reopened after its pass was withdrawn", metadata: ["handover.id": "\(issued.id)", "error.detail": "\(error)"])
        }
    }

    func releaseLock() async {
        if let held { _ = await lock.release(held) }
    }

    func release(_ claimed: Handover) async {
        var row = claimed
        row.pickupId = nil
        row.pickupStartedAt = nil
        async let unlocked: Void = releaseLock()
        do throws(HandoverStoreError) {
            _ = try await store.replace(row)
        } catch {
            logger.warning("handover claim could not be given back; it lapses with its lease", metadata: ["handover.id": "\(claimed.id)", "error.detail": "\(error)"])
        }
        await unlocked
    }
}
