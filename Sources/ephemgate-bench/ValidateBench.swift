import ArgumentParser
import DevTenant
import EphemCore
import Foundation
import Logging

/// Cost of validating one access token (signature + every claim check), in process.
struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Median cost of TokenValidator.validate per token (µs).")
    @Option(help: "Tokens to validate.") var count = 20_000

    struct Keys: SigningKeySource {
        let signer: TenantSigner
        func fetchKeys() async throws -> SigningKeySet {
            try SigningKeySet(jwks: Array(try JSONEncoder().encode(signer.jwks(issuer: "bench"))))
        }
    }

    func run() async throws {
        let signer = try TenantSigner()
        let tenant = GUID(Seed.defaultTenantId)!
        let client = GUID(DevTenantOptions.helpdeskClientId)!
        let host = "https://login.example"
        let now = Double(Int(Date().timeIntervalSince1970))
        let token = try signer.sign(claims: [
            "aud": .string(client.value), "iss": .string("\(host)/\(tenant)/v2.0"), "iat": .number(now), "nbf": .number(now),
            "exp": .number(now + 3600), "tid": .string(tenant.value), "ver": .string("2.0"), "scp": .string("Access"),
            "idtyp": .string("user"), "oid": .string("aaaaaaaa-0000-4000-8000-000000000001"), "upn": .string("hannah.agent@contoso.example"),
            "name": .string("Hannah Agent"), "roles": .array([.string(AppRole.tapAdmin)]),
        ])
        let cache = SigningKeyCache(source: Keys(signer: signer), logger: Logger(label: "bench"))
        let configuration = TokenValidator.Configuration(tenantId: tenant, clientId: client, authorityHost: host, requiredScope: "Access", requiredAuthContext: nil)
        for (label, recent) in [("full validation", nil), ("repeat within 60 s (cached)", ValidatedTokenCache())] as [(String, ValidatedTokenCache?)] {
            let validator = TokenValidator(configuration: configuration, keys: cache, recent: recent)
            _ = try await validator.validate(token)
            var samples: [Double] = []
            samples.reserveCapacity(count)
            let clock = ContinuousClock()
            for _ in 0..<count {
                let start = clock.now
                _ = try await validator.validate(token)
                let elapsed = clock.now - start
                samples.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
            }
            samples.sort()
            print(String(format: "validate, %@: %d tokens of %d bytes: median %.1f µs, p90 %.1f µs, p99 %.1f µs",
                         label, count, token.utf8.count, samples[count / 2], samples[count * 9 / 10], samples[count * 99 / 100]))
        }
    }
}
