#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import EphemCore
import EphemHTTP
import Hummingbird

/// The per-request options of `PUT /api/generate-tap/{userId}` checked before the issuance flow
/// starts (SPEC 6.3): against `TAP_MAX_LIFETIME_MINUTES`, `TAP_ALLOW_MULTI_USE` and the tenant TAP
/// policy from `TapPolicyCache` (a Graph read only when the cache is older than 5 minutes, never
/// the create). A refusal is 400 `invalid_request` naming the allowed range, with its `DENIED`
/// audit row (`invalid_request: …`). When the policy cannot be read the request goes on to the flow,
/// which fails closed on the same read (503) and still clamps the lifetime to the policy.
enum IssueOptionsCheck {
    static func check(_ options: IssuanceOptions, request: Request, caller: Caller, target: GUID, issuer: TapIssuer, settings: Settings) async throws {
        guard let policy = try? await issuer.policies.current() else { return }
        let allowed = IssuanceOptions.Allowed(policy: policy, maxLifetimeMinutes: settings.maxLifetimeMinutes, allowMultiUse: settings.allowMultiUse)
        do throws(EphemError) {
            try options.check(allowed, now: Date())
        } catch {
            let detail: String
            if case .invalidRequest(let message) = error { detail = "invalid_request: \(message)" } else { detail = "invalid_request" }
            try await TapRoutes.deny(error, detail: detail, request: request, caller: caller, targetText: target.value, issuer: issuer)
        }
    }
}
