import AsyncHTTPClient
import DevTenant
@testable import EphemCore
import Foundation
import TestSupport
import Testing

/// The managed-identity credential against the dev tenant's `/msi/token` (reference 3).
@Suite struct ManagedIdentityTests {
    static func credential(_ tenant: DevTenantServer, client: HTTPClient, clock: TestClock? = nil, header: String? = nil, logs: LogCapture = LogCapture()) -> ManagedIdentityCredential {
        let now: @Sendable () -> Date
        if let clock { now = clock.function } else { now = { Date() } }
        return ManagedIdentityCredential(
            endpoint: "\(tenant.baseURL)/msi/token", identityHeader: header ?? tenant.options.identityHeader,
            http: OutboundHTTP(client: client), logger: logs.logger(), now: now)
    }

    static func tokenRequests(_ tenant: DevTenantServer) -> [RequestRecord] {
        tenant.requests.all.filter { $0.path == "/msi/token" }
    }

    @Test func twoHundredConcurrentCallersCauseOneFetch() async throws {
        let client = OutboundHTTP.makeClient()
        try await withTenant(try await DevApps.startTenant()) { tenant in
            let credential = Self.credential(tenant, client: client)
            let tokens = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<200 { group.addTask { try await credential.token(for: "https://graph.microsoft.com/") } }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(tokens.count == 1)
            #expect(Self.tokenRequests(tenant).count == 1)
            #expect(await credential.fetchCount == 1)
            _ = try await credential.token(for: "https://storage.azure.com/")
            #expect(Self.tokenRequests(tenant).count == 2, "one cache entry per resource")
        }
        try await client.shutdown()
    }

    @Test func refreshesAheadOfExpiryAndKeepsAValidTokenWhenRefreshFails() async throws {
        let client = OutboundHTTP.makeClient()
        var options = DevTenantOptions()
        options.managedIdentityTokenLifetimeSeconds = 900
        try await withTenant(try await DevApps.startTenant(options: options)) { tenant in
            let clock = TestClock()
            let credential = Self.credential(tenant, client: client, clock: clock)
            let first = try await credential.token(for: "https://graph.microsoft.com/")
            clock.advance(by: 500)
            #expect(try await credential.token(for: "https://graph.microsoft.com/") == first, "still 400 s left: cached")
            #expect(Self.tokenRequests(tenant).count == 1)
            clock.advance(by: 150)
            tenant.faults.add(Fault(target: .identity, status: 503))
            #expect(try await credential.token(for: "https://graph.microsoft.com/") == first, "refresh failed; the cached token is still valid")
            tenant.faults.clear()
            let attemptsSoFar = Self.tokenRequests(tenant).count
            #expect(attemptsSoFar == 4, "one fetch, then three bounded attempts")
            _ = try await credential.token(for: "https://graph.microsoft.com/")
            #expect(Self.tokenRequests(tenant).count == attemptsSoFar + 1, "5 minutes before expiry it fetches anew")
        }
        try await client.shutdown()
    }

    @Test func transientFailuresAreRetriedAndAWrongHeaderIsNot() async throws {
        let client = OutboundHTTP.makeClient()
        try await withTenant(try await DevApps.startTenant()) { tenant in
            tenant.faults.add(Fault(target: .identity, status: 503, count: 1))
            _ = try await Self.credential(tenant, client: client).token(for: "https://graph.microsoft.com/")
            #expect(Self.tokenRequests(tenant).map(\.status) == [503, 200])

            tenant.requests.clear()
            let logs = LogCapture()
            let wrong = Self.credential(tenant, client: client, header: "not-the-header", logs: logs)
            await #expect(throws: EphemError.self) { try await wrong.token(for: "https://graph.microsoft.com/") }
            #expect(Self.tokenRequests(tenant).map(\.status) == [401], "a 4xx is a configuration error: no retry")
            #expect(!logs.all.contains { $0.contains("not-the-header") }, "the identity header is never logged")
        }
        try await client.shutdown()
    }

    @Test func endpointDownIsUpstreamUnavailable() async throws {
        let client = OutboundHTTP.makeClient()
        try await withTenant(try await DevApps.startTenant()) { tenant in
            tenant.faults.add(Fault(target: .identity, status: 503))
            await #expect(throws: EphemError.self) { try await Self.credential(tenant, client: client).token(for: "https://graph.microsoft.com/") }
            #expect(Self.tokenRequests(tenant).count == 3)
        }
        let closed = ManagedIdentityCredential(endpoint: "http://127.0.0.1:9/msi/token", identityHeader: "x", http: OutboundHTTP(client: client), logger: LogCapture().logger())
        do {
            _ = try await closed.token(for: "https://graph.microsoft.com/")
            Issue.record("a closed endpoint gave a token")
        } catch {
            guard case .upstreamUnavailable = error else { Issue.record("expected upstreamUnavailable, got \(error)"); return }
        }
        try await client.shutdown()
    }

    @Test(arguments: [
        (#"{"access_token":"t","expires_on":"1900000000"}"#, 1_900_000_000.0),
        (#"{"access_token":"t","expires_on":1900000000}"#, 1_900_000_000.0),
        (#"{"access_token":"t","expires_on":"03/17/2030 05:33:20 +00:00"}"#, 1_899_956_000.0),
        (#"{"access_token":"t","expires_on":"03/17/2030 05:33:20 PM +00:00"}"#, 1_899_999_200.0),
    ])
    func expiresOnIsReadInEveryForm(body: String, expected: Double) throws {
        let token = try #require(ManagedIdentityCredential.Fetcher.parse(Array(body.utf8), obtainedAt: Date(timeIntervalSince1970: 1_800_000_000)))
        #expect(token.expiresOn.timeIntervalSince1970 == expected)
    }
}
