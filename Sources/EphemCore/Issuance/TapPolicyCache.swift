#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The tenant's TAP policy, read at most every 5 minutes (it changes rarely, and reading it on
/// every issuance would cost a Graph call per request). When a refresh fails a policy read within
/// the last hour is still used; with none, issuance fails closed.
public actor TapPolicyCache {
    let graph: GraphClient
    let now: @Sendable () -> Date
    public static let freshFor: TimeInterval = 300
    public static let usableFor: TimeInterval = 3600
    private var cached: (policy: TapPolicy, at: Date)?
    private var inFlight: Task<Result<TapPolicy, GraphError>, Never>?

    public init(graph: GraphClient, now: @escaping @Sendable () -> Date = Date.init) {
        self.graph = graph
        self.now = now
    }

    public func current() async throws(EphemError) -> TapPolicy {
        let time = now()
        if let cached, time.timeIntervalSince(cached.at) < Self.freshFor { return cached.policy }
        let task: Task<Result<TapPolicy, GraphError>, Never>
        if let inFlight {
            task = inFlight
        } else {
            let graph = graph
            task = Task { await Outcome.of { () throws(GraphError) in try await graph.temporaryAccessPassPolicy() } }
            inFlight = task
        }
        let result = await task.value
        if inFlight == task { inFlight = nil }
        switch result {
        case .success(let policy):
            cached = (policy, now())
            return policy
        case .failure(let error):
            if let cached, now().timeIntervalSince(cached.at) < Self.usableFor { return cached.policy }
            throw .upstreamUnavailable(detail: "TAP policy: \(error)")
        }
    }
}
