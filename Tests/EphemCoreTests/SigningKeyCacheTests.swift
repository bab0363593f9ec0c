import AsyncHTTPClient
import DevTenant
import EphemCore
import Foundation
import TestSupport
import Testing

/// JWKS handling against the dev tenant over HTTP (reference 9.2): rotation, the 5-minute limit
/// for unknown kids, last good keys kept, fail closed when no key set was ever loaded.
@Suite struct SigningKeyCacheTests {
    static func validator(tenant: DevTenantServer, clock: TestClock, client: HTTPClient) -> TokenValidator {
        let capture = LogCapture()
        let source = HTTPSigningKeySource(authorityHost: tenant.baseURL, tenantId: GUID(tenant.seed.tenantId)!, http: OutboundHTTP(client: client))
        let cache = SigningKeyCache(source: source, logger: capture.logger(), now: clock.function)
        let configuration = TokenValidator.Configuration(
            tenantId: GUID(tenant.seed.tenantId)!, clientId: GUID(DevTenantOptions.helpdeskClientId)!,
            authorityHost: tenant.baseURL, requiredScope: "Access", requiredAuthContext: nil)
        return TokenValidator(configuration: configuration, keys: cache)
    }

    static func jwksFetches(_ tenant: DevTenantServer) -> Int {
        tenant.requests.all.filter { $0.path.hasSuffix("/discovery/v2.0/keys") }.count
    }

    @Test func rotationIsPickedUpWithOneRefreshAndFloodsAreBounded() async throws {
        let client = OutboundHTTP.makeClient()
        try await withTenant(try await DevApps.startTenant()) { tenant in
            let clock = TestClock()
            let validator = Self.validator(tenant: tenant, clock: clock, client: client)
            let first = try tenant.devToken(["app": .string("helpdesk")])
            _ = try await validator.validate(first, now: clock.now)
            #expect(Self.jwksFetches(tenant) == 1)

            try tenant.signer.rotate(retireOld: false)
            let rotated = try tenant.devToken(["app": .string("helpdesk")])
            // Within 5 minutes of the last fetch an unknown kid does not refresh: refused.
            await #expect(throws: EphemError.invalidToken(detail: "unknown kid")) { try await validator.validate(rotated, now: clock.now) }
            #expect(Self.jwksFetches(tenant) == 1)

            clock.advance(by: 301)
            let caller = try await validator.validate(rotated, now: clock.now)
            #expect(caller.objectId.value == "aaaaaaaa-0000-4000-8000-000000000001")
            #expect(Self.jwksFetches(tenant) == 2, "the new key is accepted after exactly one refresh")
            _ = try await validator.validate(first, now: clock.now)

            // A flood of unknown-kid tokens: at most one JWKS fetch per 5 minutes.
            let forged = try TenantSigner().sign(claims: ["oid": .string("x")], header: ["kid": .string("flood")])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<200 {
                    group.addTask { _ = try? await validator.validate(forged, now: clock.now) }
                }
                try await group.waitForAll()
            }
            clock.advance(by: 299)
            for _ in 0..<50 { _ = try? await validator.validate(forged, now: clock.now) }
            #expect(Self.jwksFetches(tenant) == 2)
            clock.advance(by: 2)
            for _ in 0..<50 { _ = try? await validator.validate(forged, now: clock.now) }
            #expect(Self.jwksFetches(tenant) == 3)
        }
        try await client.shutdown()
    }

    @Test func lastGoodKeysAreKeptWhenARefreshFails() async throws {
        let signer = try TenantSigner()
        let source = InMemoryKeySource(signer: signer)
        let clock = TestClock()
        let cache = SigningKeyCache(source: source, logger: LogCapture().logger(), now: clock.function)
        let kid = signer.activeKid
        guard case .key = await cache.key(for: kid) else { Issue.record("first load failed"); return }
        source.setFailing(true)
        clock.advance(by: 3600)
        await cache.refresh()
        guard case .key = await cache.key(for: kid) else { Issue.record("the last good key set was dropped"); return }
        #expect(source.fetches == 2)
    }

    @Test func noKeySetMeansUnavailableAndColdStartRetriesSoon() async throws {
        let source = InMemoryKeySource(signer: try TenantSigner())
        source.setFailing(true)
        let clock = TestClock()
        let cache = SigningKeyCache(source: source, logger: LogCapture().logger(), now: clock.function)
        guard case .unavailable = await cache.key(for: "any") else { Issue.record("expected unavailable"); return }
        guard case .unavailable = await cache.key(for: "any") else { Issue.record("expected unavailable"); return }
        #expect(source.fetches == 1, "no retry storm while Entra is down")
        source.setFailing(false)
        clock.advance(by: 6)
        guard case .key = await cache.key(for: source.signer.activeKid) else { Issue.record("cold start did not recover"); return }
        #expect(source.fetches == 2)
    }

    @Test func validatorFailsClosedWith503WhenNoKeysCanBeLoaded() async throws {
        let source = InMemoryKeySource(signer: try TenantSigner())
        source.setFailing(true)
        let cache = SigningKeyCache(source: source, logger: LogCapture().logger())
        let validator = TokenValidator(configuration: IdentityFixtures.configuration(), keys: cache)
        let token = try source.signer.sign(claims: IdentityFixtures.claims())
        await #expect(throws: EphemError.upstreamUnavailable(detail: "tenant signing keys could not be loaded")) {
            try await validator.validate(token)
        }
    }
}
