#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where the backend's own tokens for Graph and Table Storage come from: the Function App's
/// managed identity in Azure, the Azure CLI on a developer's machine. Never a stored secret.
public protocol AccessTokenProvider: Sendable {
    /// A bearer token for `resource` (e.g. `https://graph.microsoft.com/`). Fails with
    /// `upstreamUnavailable`, never crashes.
    func token(for resource: String) async throws(EphemError) -> String
}

/// A token and when it stops being valid.
public struct IssuedToken: Sendable {
    public var value: String
    public var expiresOn: Date
    public var obtainedAt: Date

    public init(value: String, expiresOn: Date, obtainedAt: Date) {
        self.value = value
        self.expiresOn = expiresOn
        self.obtainedAt = obtainedAt
    }

    /// When to fetch a new one: 5 minutes before expiry, or at half-life for tokens of 2 hours
    /// or more (MSAL's rule, reference 3).
    var refreshAt: Date {
        let lifetime = expiresOn.timeIntervalSince(obtainedAt)
        let ahead = lifetime >= 7200 ? lifetime / 2 : 300
        return expiresOn.addingTimeInterval(-ahead)
    }
}

/// Caches one token per resource and fetches with at most one request in flight per resource,
/// however many callers wait. Ahead of expiry a refresh is tried; if it fails while the cached
/// token is still valid for another minute, the cached token is used.
public actor TokenCache {
    public typealias Fetch = @Sendable (String) async throws(EphemError) -> IssuedToken
    let fetch: Fetch
    let now: @Sendable () -> Date
    private var tokens: [String: IssuedToken] = [:]
    private var inFlight: [String: Task<Result<IssuedToken, EphemError>, Never>] = [:]
    public private(set) var fetchCount = 0

    public init(now: @escaping @Sendable () -> Date = Date.init, fetch: @escaping Fetch) {
        self.fetch = fetch
        self.now = now
    }

    public func token(for resource: String) async throws(EphemError) -> String {
        let current = now()
        if let cached = tokens[resource], current < cached.refreshAt { return cached.value }
        let result = await fetchOnce(resource)
        switch result {
        case .success(let token):
            return token.value
        case .failure(let error):
            if let cached = tokens[resource], now() < cached.expiresOn.addingTimeInterval(-60) { return cached.value }
            throw error
        }
    }

    private func fetchOnce(_ resource: String) async -> Result<IssuedToken, EphemError> {
        if let running = inFlight[resource] { return await running.value }
        fetchCount += 1
        let fetch = self.fetch
        let task = Task<Result<IssuedToken, EphemError>, Never> {
            do throws(EphemError) { return .success(try await fetch(resource)) } catch { return .failure(error) }
        }
        inFlight[resource] = task
        let result = await task.value
        inFlight[resource] = nil
        if case .success(let token) = result { tokens[resource] = token }
        return result
    }
}
