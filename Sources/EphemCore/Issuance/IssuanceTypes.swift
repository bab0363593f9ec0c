#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The portal-specific settings of the issuance flow (SPEC 5).
public struct IssuanceConfiguration: Sendable, Equatable {
    public var portal: Portal
    public var lifetimeMinutes: Int
    public var isUsableOnce: Bool
    /// Mailbox that sends the "a TAP was issued for you" mail; nil: no mail.
    public var notificationSender: String?

    public init(portal: Portal, lifetimeMinutes: Int, isUsableOnce: Bool, notificationSender: String?) {
        self.portal = portal
        self.lifetimeMinutes = lifetimeMinutes
        self.isUsableOnce = isUsableOnce
        self.notificationSender = notificationSender
    }
}

/// Who asks, for whom, and what the audit row records about the request.
public struct IssuanceRequest: Sendable, Equatable {
    public var caller: Caller
    /// Always an object id: the token's `oid` (self-service) or the path's `{userId}` (helpdesk).
    public var target: GUID
    public var reason: String?
    public var ticketId: String?
    public var clientIp: String?
    public var userAgent: String?
    public var correlationId: String
    /// The agent's per-request choices (helpdesk, SPEC 6.3), already checked against the policy and
    /// the settings by the route; empty: the configured lifetime and one-time flag, usable at once.
    public var options = IssuanceOptions()

    public init(caller: Caller, target: GUID, reason: String? = nil, ticketId: String? = nil, clientIp: String? = nil,
                userAgent: String? = nil, correlationId: String = UUID().uuidString.lowercased()) {
        self.caller = caller
        self.target = target
        self.reason = reason
        self.ticketId = ticketId
        self.clientIp = clientIp
        self.userAgent = userAgent
        self.correlationId = correlationId
    }
}

/// A TAP that was just created: the only value in the system that holds the secret, handed to
/// the one response that issues it.
public struct IssuanceResult: Sendable {
    public var tap: TemporaryAccessPass
    public var target: DirectoryUser
    public var notificationSent: Bool
}

/// Runs several independent steps concurrently and keeps each outcome, so the flow can decide in a
/// fixed order what a request ends in (and undo what succeeded).
enum Outcome {
    static func of<Value: Sendable, Failure: Error>(_ work: () async throws(Failure) -> Value) async -> Result<Value, Failure> {
        do throws(Failure) {
            return .success(try await work())
        } catch {
            return .failure(error)
        }
    }
}
