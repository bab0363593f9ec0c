/// How a Table Storage call ended when it did not succeed. 409 and 412 are outcomes the callers
/// decide on (a lost race); everything that is the service's fault after bounded retries is
/// `unavailable`, which requests answer with 503 and fail closed.
public enum TableError: Error, Sendable, Equatable {
    /// 409 `EntityAlreadyExists`.
    case entityAlreadyExists
    /// 412 `UpdateConditionNotSatisfied`: the ETag no longer matches.
    case conditionNotSatisfied
    /// 404 for an entity or table.
    case notFound
    /// Anything else: 5xx or timeouts after the retries, authentication, or a request the service
    /// refused. `detail` is for logs.
    case unavailable(detail: String)
}
