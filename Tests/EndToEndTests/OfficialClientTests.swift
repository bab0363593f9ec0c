import DevTenant
import EphemCore
import Foundation
import TestSupport
import Testing

/// The dev tenant driven by Microsoft's own clients, so it stays faithful to the real services
/// rather than to our clients. Needs `scripts/setup.sh` (installs azure-identity).
@Suite struct OfficialClientTests {
    static func python(_ script: String, arguments: [String] = [], environment: [String: String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestPaths.repoRoot + "/scripts/crosscheck/" + script] + arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    @Test func azureIdentityManagedIdentityCredentialGetsATokenFromTheDevTenant() async throws {
        try await withTenant(try await DevApps.startTenant()) { tenant in
            let result = try Self.python("managed_identity.py", environment: [
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
