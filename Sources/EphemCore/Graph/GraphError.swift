/// How a Graph call ended when it did not succeed. Graph's error JSON carries a `code`; we branch
/// on it and on the status (reference 7). `message` is Graph's own text and goes to logs; the one
/// exception is the TAP create refusals of reference 1.4 (external guest, outside the policy),
/// which Graph documents only by their text, so `Refusal.creation` matches those two.
public enum GraphError: Error, Sendable, Equatable {
    /// 404: the user, method or object does not exist.
    case notFound(code: String)
    /// 400, 403 or 409 with Graph's error code and message (e.g. the TAP policy refusing a user).
    case refused(status: Int, code: String, message: String)
    /// Throttled, 5xx, timeouts or transport failures after the bounded retries; or an answer we
    /// could not read. Fail closed.
    case unavailable(detail: String)
    /// A collection answered a page with an `@odata.nextLink` it had already sent (issue 13): a
    /// broken upstream, answered 502 `upstream_refused` rather than paged forever.
    case repeatedNextLink

    /// The error as the API reports it: anything but a plain "not found" is a 503 for the caller,
    /// because a refusal we did not anticipate is our problem, not the user's input.
    public var asEphemError: EphemError {
        switch self {
        case .notFound: .userNotFound
        case .refused(let status, let code, _): .upstreamUnavailable(detail: "graph refused \(status) \(code)")
        case .unavailable(let detail): .upstreamUnavailable(detail: "graph: \(detail)")
        case .repeatedNextLink: .upstreamRefused(requestId: nil, detail: "graph repeated an @odata.nextLink")
        }
    }
}
