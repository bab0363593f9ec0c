import DevTenant
@testable import EphemCore
import Foundation
import TestSupport
import Testing

/// The 60-second memory of validated tokens never outlives the token and never stores a failure.
@Suite struct ValidatedTokenCacheTests {
    static func validator(_ source: InMemoryKeySource, clock: TestClock, recent: ValidatedTokenCache) -> TokenValidator {
        TokenValidator(configuration: IdentityFixtures.configuration(),
                       keys: SigningKeyCache(source: source, logger: LogCapture().logger(), now: clock.function), recent: recent)
    }

    @Test func aCachedTokenStillExpires() async throws {
        let clock = TestClock()
        let source = InMemoryKeySource(signer: try TenantSigner())
        let recent = ValidatedTokenCache()
        let validator = Self.validator(source, clock: clock, recent: recent)
        let token = try source.signer.sign(claims: IdentityFixtures.claims(now: clock.now, ["exp": .number(clock.now.timeIntervalSince1970 + 10)]))
        _ = try await validator.validate(token, now: clock.now)
        #expect(recent.count == 1)
        clock.advance(by: 10 + 299)
        _ = try await validator.validate(token, now: clock.now)
        clock.advance(by: 2)
        await #expect(throws: EphemError.invalidToken(detail: "expired")) { try await validator.validate(token, now: clock.now) }
    }

    @Test func entriesLiveAtMostSixtySecondsAfterTheKeyIsWithdrawn() async throws {
        let clock = TestClock()
        let source = InMemoryKeySource(signer: try TenantSigner())
        let validator = Self.validator(source, clock: clock, recent: ValidatedTokenCache())
        let token = try source.signer.sign(claims: IdentityFixtures.claims(now: clock.now))
        _ = try await validator.validate(token, now: clock.now)
        try source.signer.rotate(retireOld: true)
        await validator.keys.refresh()
        clock.advance(by: 59)
        _ = try await validator.validate(token, now: clock.now)
        clock.advance(by: 2)
        await #expect(throws: EphemError.invalidToken(detail: "unknown kid")) { try await validator.validate(token, now: clock.now) }
    }

    @Test func failuresAreNeverCachedAndCapacityIsBounded() async throws {
        let clock = TestClock()
        let source = InMemoryKeySource(signer: try TenantSigner())
        let recent = ValidatedTokenCache(capacity: 8)
        let validator = Self.validator(source, clock: clock, recent: recent)
        let wrongScope = try source.signer.sign(claims: IdentityFixtures.claims(now: clock.now, ["scp": .string("User.Read")]))
        for _ in 0..<3 { _ = try? await validator.validate(wrongScope, now: clock.now) }
        #expect(recent.count == 0)
        for index in 0..<20 {
            let token = try source.signer.sign(claims: IdentityFixtures.claims(now: clock.now, ["uti": .string("t\(index)")]))
            _ = try await validator.validate(token, now: clock.now)
        }
        #expect(recent.count <= 8)
    }
}
