import DevTenant
import EphemCore
import Foundation
import Synchronization

/// A tenant's JWKS served from memory, counting fetches; for validator tests without HTTP.
public final class InMemoryKeySource: SigningKeySource {
    public let signer: TenantSigner
    private let count = Mutex(0)
    private let failing = Mutex(false)

    public init(signer: TenantSigner) { self.signer = signer }

    public var fetches: Int { count.withLock { $0 } }
    public func setFailing(_ value: Bool) { failing.withLock { $0 = value } }

    public struct Unavailable: Error {}

    public func fetchKeys() async throws -> SigningKeySet {
        count.withLock { $0 += 1 }
        if failing.withLock({ $0 }) { throw Unavailable() }
        return try SigningKeySet(jwks: Array(try JSONEncoder().encode(signer.jwks(issuer: "in-memory"))))
    }
}

/// An access-token provider for tests whose routes must not reach Graph or Table Storage.
public struct NoUpstreamTokens: AccessTokenProvider {
    public init() {}
    public func token(for resource: String) async throws(EphemError) -> String {
        throw .upstreamUnavailable(detail: "no upstream in this test")
    }
}
