/// The bound on every paging loop against an upstream (issue 13, finding 1): a Table service or
/// Graph that answers each page with the same continuation would otherwise keep one request
/// busy, calling upstream, until the caller gives up (and return repeated rows twice).
///
/// A loop asks `admit(next:)` before it fetches each page after the first, with that page's
/// continuation as text (Table: `NextPartitionKey`/`NextRowKey`; Graph: `@odata.nextLink`). The
/// answer is:
/// - `.repeatedToken`: the upstream sent a continuation it had already sent in this loop. That
///   is a broken upstream, not a slow one: callers answer 502 `upstream_refused`.
/// - `.pageBudget` / `.timeBudget`: more than `maxPages` pages, or the first page was fetched more
///   than `maxDuration` ago: callers answer 503 `upstream_unavailable` (SPEC 6.4), or, for a timer,
///   stop and report that more remain.
public struct PagingBudget: Sendable {
    public enum Stop: Error, Sendable, Equatable, CustomStringConvertible {
        case repeatedToken
        case pageBudget(Int)
        case timeBudget(Duration)

        public var description: String {
            switch self {
            case .repeatedToken: "the upstream repeated a continuation token"
            case .pageBudget(let pages): "more than \(pages) pages"
            case .timeBudget(let duration): "paging took longer than \(duration)"
            }
        }

        /// The API error of a request that had to stop paging.
        public func asEphemError(_ operation: String) -> EphemError {
            switch self {
            case .repeatedToken: .upstreamRefused(requestId: nil, detail: "\(operation): \(self)")
            case .pageBudget, .timeBudget: .upstreamUnavailable(detail: "\(operation): \(self)")
            }
        }
    }

    /// 50 pages and 10 s by default: a request pages at most its own `top` rows (≤ 200 audit
    /// rows, ≤ 999 Graph items per page), so a healthy upstream never comes near either.
    public static let defaultMaxPages = 50
    public static let defaultMaxDuration: Duration = .seconds(10)

    public let maxPages: Int
    public let maxDuration: Duration
    private let started: ContinuousClock.Instant
    private var pages = 1
    private var seen: Set<String> = []

    public init(maxPages: Int = defaultMaxPages, maxDuration: Duration = defaultMaxDuration) {
        self.maxPages = maxPages
        self.maxDuration = maxDuration
        started = .now
    }

    /// Records the continuation of the next page, or says why the loop must stop.
    public mutating func admit(next token: String) throws(Stop) {
        guard seen.insert(token).inserted else { throw .repeatedToken }
        pages += 1
        guard pages <= maxPages else { throw .pageBudget(maxPages) }
        guard ContinuousClock.now - started <= maxDuration else { throw .timeBudget(maxDuration) }
    }
}

extension TableClient.Continuation {
    /// The continuation as one text, for `PagingBudget`.
    public var budgetKey: String { nextPartitionKey + "\u{0}" + (nextRowKey ?? "") }
}
