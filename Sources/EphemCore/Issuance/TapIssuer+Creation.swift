#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// What the create's answer means (SPEC 6.4, 7.2, 7.4). The create is sent once; from its answer:
///
/// - 201 with a usable pass and its secret: the pass goes on to round 3;
/// - 201 with `isUsable: false` or without the secret: the pass is deleted at once and never shown
///   (`DisabledByPolicy` is the user's eligibility, 400 `target_not_eligible`; anything else 502
///   `upstream_refused`);
/// - Graph's eligibility refusals (reference 1.4: external guest, outside the TAP policy): 400
///   `target_not_eligible`;
/// - a 403 for a member of a restricted-management administrative unit: 403 `target_privileged`,
///   `BLOCKED_PRIVILEGED` naming the unit; any other refusal: 502 `upstream_refused` with Graph's
///   `request-id`;
/// - a lost answer (timeout, reset, 5xx): the target's passes are listed while the lock is still
///   held and one created since the request began is deleted (`ERROR`, 503
///   `upstream_unavailable`: nothing was issued); if that cannot be done the row stays `PENDING`
///   and the answer is 503 `outcome_unknown`;
/// - nothing sent (throttled past the budget, no token): 503 `upstream_unavailable`.
extension TapIssuer {
    /// Passes created this long before our start still count as ours when an answer was lost
    /// (clock skew between Graph and us).
    static let creationSkew: TimeInterval = 300

    ///
    /// `futureStart`: the request asked for a start after its own time, so `isUsable: false` with
    /// `NotYetValid` is the pass as asked (reference 1.1's example answer), not a refusal (SPEC 7.4).
    func accept(_ creation: GraphClient.TapCreation, target: GUID, started: Date, knownBefore: Set<String>,
                futureStart: Bool = false) async throws(Refusal) -> TemporaryAccessPass {
        switch creation {
        case .created(let tap, let requestId):
            if tap.secret != nil, tap.isUsable == true { return tap }
            if tap.secret != nil, futureStart, tap.methodUsabilityReason == "NotYetValid" { return tap }
            let disabledByPolicy = tap.methodUsabilityReason == "DisabledByPolicy"
            let why = tap.secret == nil ? "without its secret" : "not usable (\(tap.methodUsabilityReason ?? "no reason given"))"
            try await discard(tap.id, target: target, why: "Graph created the pass \(why)")
            if disabledByPolicy {
                throw Refusal(.denied, detail: "Graph: pass created \(why); deleted, never shown",
                              error: .targetNotEligible(reason: "The tenant's Temporary Access Pass policy does not let this account use a pass."))
            }
            throw Refusal(.error, detail: "Graph: pass created \(why); deleted, never shown",
                          error: .upstreamRefused(requestId: requestId, detail: "TAP created \(why)"))
        case .notFound:
            throw Refusal(.denied, detail: "user_not_found", error: .userNotFound)
        case .refused(400, _, let message, _) where message.contains("external guest") || message.contains("UserCredentialPolicy"):
            throw Refusal(.denied, detail: "Graph: outside the TAP policy",
                          error: .targetNotEligible(reason: "The account is outside the tenant's Temporary Access Pass policy."))
        case .refused(403, let code, _, let requestId):
            // Graph's 403 does not say why (reference 7); a restricted-management unit is one reason
            // (SPEC 7.2) that the guard's eventually consistent read of the units can miss.
            if let units = try? await graph.administrativeUnits(user: target), let unit = units.first(where: \.restrictsManagement) {
                let reason = "member of restricted-management administrative unit \(unit.label)"
                throw Refusal(.blockedPrivileged, detail: reason, error: .targetPrivileged(reason: reason))
            }
            throw Refusal(.error, detail: "Graph refused the TAP: 403 \(code) request-id \(requestId ?? "none")",
                          error: .upstreamRefused(requestId: requestId, detail: "create 403 \(code)"))
        case .refused(let status, let code, _, let requestId):
            throw Refusal(.error, detail: "Graph refused the TAP: \(status) \(code) request-id \(requestId ?? "none")",
                          error: .upstreamRefused(requestId: requestId, detail: "create \(status) \(code)"))
        case .notSent(let detail):
            throw Refusal(.error, detail: "Graph did not create the TAP: \(detail)", error: .upstreamUnavailable(detail: "create not sent: \(detail)"))
        case .lost(let detail):
            try await cleanUpAfterLostAnswer(target: target, started: started, knownBefore: knownBefore, detail: detail)
        }
    }

    /// The create's answer was lost: the pass may exist, and nobody holds its secret. Still under the
    /// lock, list the target's passes and delete any we did not see before that was created since
    /// the request began. Always throws: `ERROR` + 503 when the state is known, 503
    /// `outcome_unknown` (row stays `PENDING`) when it is not.
    func cleanUpAfterLostAnswer(target: GUID, started: Date, knownBefore: Set<String>, detail: String) async throws(Refusal) -> Never {
        let passes: [TemporaryAccessPass]
        do throws(GraphError) {
            passes = try await graph.temporaryAccessPasses(user: target)
        } catch {
            throw Refusal(.pending, detail: "create answer lost (\(detail)); listing the passes failed: \(error)",
                          error: .outcomeUnknown(detail: "create answer lost; list failed"), keepsSlot: true, keepsPending: true)
        }
        let ours = passes.filter { pass in
            guard !knownBefore.contains(pass.id) else { return false }
            guard let created = pass.createdDateTime.flatMap(GraphDate.parse) else { return true }
            return created >= started.addingTimeInterval(-Self.creationSkew)
        }
        for pass in ours {
            try await discard(pass.id, target: target, why: "create answer lost (\(detail))")
        }
        let what = ours.isEmpty ? "no pass was found" : "pass \(ours.map(\.id).joined(separator: ", ")) deleted, never shown"
        throw Refusal(.error, detail: "create answer lost (\(detail)); \(what)",
                      error: .upstreamUnavailable(detail: "create answer lost: \(detail)"), keepsSlot: true)
    }

    /// Deletes a pass that must never be shown; when that fails the outcome is unknown.
    func discard(_ methodId: String, target: GUID, why: String) async throws(Refusal) {
        do throws(GraphError) {
            try await graph.deleteTemporaryAccessPass(user: target, methodId: methodId)
        } catch .notFound {
            // Gone already: the goal holds.
        } catch {
            throw Refusal(.pending, detail: "\(why); deleting it failed: \(error)",
                          error: .outcomeUnknown(detail: "\(why); delete failed"), keepsSlot: true, keepsPending: true)
        }
    }

    /// The SUCCESS row could not be written: the pass is never shown. Delete it and record `ERROR`
    /// whatever the row holds (the write may have landed after all); if the delete fails the row is
    /// left for `audit-reconcile` and the answer is `outcome_unknown`.
    func withdraw(_ tap: TemporaryAccessPass, target: GUID, row: AuditLog.Pending) async throws(Refusal) -> Never {
        do throws(Refusal) {
            try await discard(tap.id, target: target, why: "SUCCESS row not durable")
        } catch {
            logger.error("SUCCESS row not durable and the pass could not be deleted", metadata: ["audit.correlation_id": "\(row.event.correlationId)"])
            throw error
        }
        await audit.overwrite(row, action: .error, denialReason: "SUCCESS row not durable; pass \(tap.id) deleted, never shown")
        throw Refusal(.error, detail: "SUCCESS row not durable", error: .upstreamUnavailable(detail: "audit SUCCESS write failed"),
                      keepsSlot: true, keepsPending: true)
    }
}
