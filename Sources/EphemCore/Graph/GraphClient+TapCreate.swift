#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The TAP create, sent at most once (SPEC 7.4), and what its answer means.
extension GraphClient {
    /// How one create ended, without any interpretation of the user's eligibility (the issuance
    /// flow decides that).
    public enum TapCreation: Sendable, Equatable {
        /// 201 with a readable method object. The secret may be missing and `isUsable` may be
        /// false: the flow checks both before anything is shown (SPEC 7.4).
        case created(TemporaryAccessPass, requestId: String?)
        /// 400, 403, 409 or another non-2xx answer that is not a 404, 429 or 5xx: Graph refused to
        /// act. `requestId` is Graph's `request-id` (reference 7), returned to the caller as
        /// `requestId` of `upstream_refused`.
        case refused(status: Int, code: String, message: String, requestId: String?)
        /// 404: the user does not exist.
        case notFound
        /// The answer was lost (timeout, reset, 5xx, or a 2xx we cannot read): the pass may exist.
        case lost(detail: String)
        /// Certainly nothing was created (no token, throttled past the budget).
        case notSent(detail: String)
    }

    /// `POST /users/{id}/authentication/temporaryAccessPassMethods` (reference 1.1) with the given
    /// lifetime (minutes) and one-time flag, usable at once or from `startDateTime` (sent as UTC ISO
    /// 8601; omitted means usable immediately, reference 1.1). Graph replaces an existing pass
    /// silently (reference 1.2), so callers check for an active one first, under the target lock;
    /// and because of that replacement the call is never re-sent after a lost answer.
    public func createTemporaryAccessPassOnce(user: GUID, lifetimeInMinutes: Int, isUsableOnce: Bool, startDateTime: Date? = nil) async -> TapCreation {
        var members: [String: JSONValue] = ["lifetimeInMinutes": .number(Double(lifetimeInMinutes)), "isUsableOnce": .bool(isUsableOnce)]
        if let startDateTime { members["startDateTime"] = .string(GraphDate.format(startDateTime)) }
        let body = JSONValue.object(members)
        switch await sendOnce("POST", Self.tapPath(user), body: body) {
        case .lost(let detail): return .lost(detail: detail)
        case .notSent(let detail): return .notSent(detail: detail)
        case .answered(let status, let json, let requestId):
            switch status {
            case 200..<300:
                guard let json, let tap = TemporaryAccessPass(json: json) else { return .lost(detail: "TAP create answered \(status) without a readable method") }
                return .created(tap, requestId: requestId)
            case 404:
                return .notFound
            default:
                return .refused(status: status, code: Self.errorCode(json) ?? "unknown",
                                message: json?["error"]?["message"]?.stringValue ?? "", requestId: requestId)
            }
        }
    }
}
