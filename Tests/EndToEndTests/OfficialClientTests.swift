import DevTenant
import EphemCore
import Foundation
import TestSupport
import Testing

/// The dev tenant driven by Microsoft's own clients, so it stays faithful to the real services
/// rather than to our clients. Needs `scripts/setup.sh` (installs azure-identity).
@Suite struct OfficialClientTests {
    @Test func azureIdentityManagedIdentityCredentialGetsATokenFromTheDevTenant() async throws {
        try await withTenant(try await DevApps.startTenant()) { tenant in
            let result = try await CrossCheckScript.run("managed_identity.py", environment: [
                "IDENTITY_ENDPOINT": "\(tenant.baseURL)/msi/token", "IDENTITY_HEADER": tenant.options.identityHeader,
                "AZURE_CLIENT_ID": "", "MSI_ENDPOINT": "", "MSI_SECRET": "",
            ])
            #expect(result.status == 0, "azure-identity failed (run scripts/setup.sh): \(result.stderr)")
            let line = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let token = try #require(line["token"] as? String)
            let payload = try #require(Base64URL.decode(token.split(separator: ".")[1]))
            let claims = try StrictJSON.parse(payload)
            #expect(claims[caseInsensitive: "aud"]?.stringValue == "https://graph.microsoft.com")
            #expect(claims[caseInsensitive: "idtyp"]?.stringValue == "app")
            #expect((line["expires_on"] as? Double ?? 0) > Date().timeIntervalSince1970 + 3600)
            let request = try #require(tenant.requests.all.last { $0.path == "/msi/token" })
            #expect(request.status == 200)
        }
    }
}
