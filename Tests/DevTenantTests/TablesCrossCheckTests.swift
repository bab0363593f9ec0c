import DevTenant
import EphemCore
import Foundation
import TestSupport
import Testing

/// The dev Table service driven by Microsoft's own client, azure-data-tables (Shared Key over
/// http), so it stays faithful to the real service rather than to our client. Needs
/// `scripts/setup.sh` (installs azure-data-tables from scripts/crosscheck/requirements.txt).
@Suite struct TablesCrossCheckTests {
    static let serverPageSize = 4

    @Test func azureDataTablesAgreesWithTheDevTableService() async throws {
        try await withTableServer(pageSize: Self.serverPageSize) { client in
            let result = try await CrossCheckScript.run("tables.py", arguments: [client.server.endpoint, String(Self.serverPageSize)])
            #expect(result.status == 0, "azure-data-tables cross-check failed (run scripts/setup.sh): \(result.stdout) \(result.stderr)")
            let summary = try #require(try? StrictJSON.parse(Array(result.stdout.utf8)), "no JSON summary: \(result.stdout) \(result.stderr)")
            let checks = summary.member("checks")?.arrayValue ?? []
            let failed = checks.filter { $0.member("ok") != .bool(true) }
            #expect(failed.isEmpty, "\(failed)")
            #expect(checks.count >= 25)
            // The client had to follow continuations: several query pages hit the service.
            let queries = client.tenant.requests.all.filter { $0.target == .table && $0.method == "GET" && $0.path.hasSuffix("()") }
            #expect(queries.count >= 10)
        }
    }
}
