extension EphemError: CustomStringConvertible {
    /// For log lines: names the case and its log-only detail. Never contains a token or a TAP,
    /// because no case is ever built from one.
    public var description: String {
        switch self {
        case .invalidRequest(let message): "invalidRequest(\(message))"
        case .invalidUserId: "invalidUserId"
        case .invalidQuery(let message): "invalidQuery(\(message))"
        case .targetNotEligible(let reason): "targetNotEligible(\(reason))"
        case .invalidToken(let detail): "invalidToken(\(detail))"
        case .authContextRequired(let id): "authContextRequired(\(id))"
        case .missingRole(let roles): "missingRole(\(roles.joined(separator: ",")))"
        case .selfTarget: "selfTarget"
        case .targetPrivileged(let reason): "targetPrivileged(\(reason))"
        case .userNotFound: "userNotFound"
        case .noActiveTap: "noActiveTap"
        case .payloadTooLarge: "payloadTooLarge"
        case .rateLimited(let seconds): "rateLimited(retryAfter: \(seconds))"
        case .tapActive: "tapActive"
        case .upstreamUnavailable(let detail): "upstreamUnavailable(\(detail))"
        case .upstreamRefused(let requestId, let detail): "upstreamRefused(\(detail), request-id \(requestId ?? "none"))"
        case .outcomeUnknown(let detail): "outcomeUnknown(\(detail))"
        case .issuanceInProgress(let seconds): "issuanceInProgress(retryAfter: \(seconds))"
        case .handover(let refusal): "handover(\(refusal.rawValue))"
        case .notFound: "notFound"
        case .methodNotAllowed: "methodNotAllowed"
        }
    }
}
