#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What a helpdesk agent may choose per request, as in Entra's "Add authentication method →
/// Temporary Access Pass" (SPEC 6.3, settings in SPEC 5): a lifetime in minutes, a start time and
/// whether the pass is usable once. Absent members mean the portal's configured values.
public struct IssuanceOptions: Sendable, Equatable {
    /// Minutes, 10–43200 at most (reference 1.1), further bounded by `allowedRange`.
    public var lifetimeInMinutes: Int?
    /// When the pass becomes usable (UTC). Graph answers such a pass with `isUsable: false,
    /// methodUsabilityReason: NotYetValid` until then (reference 1.1's example), which is not a
    /// refusal (SPEC 7.4).
    public var startDateTime: Date?
    public var isUsableOnce: Bool?

    public init(lifetimeInMinutes: Int? = nil, startDateTime: Date? = nil, isUsableOnce: Bool? = nil) {
        self.lifetimeInMinutes = lifetimeInMinutes
        self.startDateTime = startDateTime
        self.isUsableOnce = isUsableOnce
    }

    public var isEmpty: Bool { lifetimeInMinutes == nil && startDateTime == nil && isUsableOnce == nil }

    /// A start may lie this far ahead (SPEC 6.3: a new hire's first day).
    public static let maxStartAhead: TimeInterval = 30 * 24 * 3600
    /// …and this far in the past (clock skew between the agent's browser and us).
    public static let maxStartBehind: TimeInterval = 5 * 60

    /// What an agent may choose under this policy and these settings: the lifetime range in minutes
    /// (the policy's min…min(policy max, `TAP_MAX_LIFETIME_MINUTES`); empty when the setting is
    /// below the policy's minimum) and whether multi-use passes are allowed (`TAP_ALLOW_MULTI_USE`
    /// and a policy that does not force one-time use).
    public struct Allowed: Sendable, Equatable {
        public var minimumLifetimeInMinutes: Int
        public var maximumLifetimeInMinutes: Int
        public var multiUseAllowed: Bool

        public init(policy: TapPolicy, maxLifetimeMinutes: Int, allowMultiUse: Bool) {
            minimumLifetimeInMinutes = policy.minimumLifetimeInMinutes
            maximumLifetimeInMinutes = min(policy.maximumLifetimeInMinutes, maxLifetimeMinutes)
            multiUseAllowed = allowMultiUse && !policy.isUsableOnce
        }
    }

    /// Refuses what lies outside `allowed` with 400 `invalid_request` naming the allowed range
    /// (SPEC 6.3). `now` is the request's time.
    public func check(_ allowed: Allowed, now: Date) throws(EphemError) {
        if let lifetime = lifetimeInMinutes,
           lifetime < allowed.minimumLifetimeInMinutes || lifetime > allowed.maximumLifetimeInMinutes {
            throw .invalidRequest(message: "lifetimeInMinutes must be from \(allowed.minimumLifetimeInMinutes) to \(allowed.maximumLifetimeInMinutes) minutes (the tenant's TAP policy and TAP_MAX_LIFETIME_MINUTES).")
        }
        if isUsableOnce == false, !allowed.multiUseAllowed {
            throw .invalidRequest(message: "isUsableOnce must be true: passes usable more than once are not allowed here.")
        }
        if let start = startDateTime {
            if start < now.addingTimeInterval(-Self.maxStartBehind) || start > now.addingTimeInterval(Self.maxStartAhead) {
                throw .invalidRequest(message: "startDateTime must be from now (5 minutes of skew) to 30 days ahead.")
            }
        }
    }
}
