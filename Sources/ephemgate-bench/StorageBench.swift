import ArgumentParser
import DevTenant
import EphemCore
import Foundation
import Logging

/// Issue 4's figures: the first audit-log page over a large table, and a reservation's round trips,
/// against the dev Table service over loopback with managed-identity tokens.
struct Storage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Table round trips and milliseconds: first audit page over N rows; one uncontended reservation.")
    @Option(help: "Audit rows to seed (spread over the last 7 days, both portals).") var rows = 100_000
    @Option(help: "Timed repetitions of the first page.") var runs = 20

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        let tenant = try await DevTenantServer.start(seed: .demo, port: 0, logger: logger)
        let tables = try await DevTableServer.start(tenant: tenant, port: 0, logger: logger)
        let httpClient = OutboundHTTP.makeClient()
        defer { Task { try? await httpClient.shutdown(); await tables.shutdown(); await tenant.shutdown() } }
        let http = OutboundHTTP(client: httpClient)
        let tokens = ManagedIdentityCredential(endpoint: "\(tenant.baseURL)/msi/token", identityHeader: tenant.options.identityHeader, http: http, logger: logger)
        let client = TableClient(endpoint: tables.endpoint, http: http, tokens: tokens, logger: logger)
        for table in Portal.allCases.map(AuditLog.table(for:)) + [RateLimiter.table] { try await client.createTableIfNeeded(table) }

        let audit = AuditLog(client: client, logger: logger)
        let now = Date()
        let seedStart = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<16 {
                group.addTask {
                    for index in stride(from: worker, to: rows, by: 16) {
                        try await audit.record(AuditEvent(portal: index % 2 == 0 ? .helpdesk : .selfService, action: .success,
                                                          agentUPN: "hannah.agent@contoso.example", targetUPN: "lena.user@contoso.example",
                                                          occurredAt: now.addingTimeInterval(-Double(index) * (7 * 86_400 / Double(rows)))))
                    }
                }
            }
            try await group.waitForAll()
        }
        print("seeded \(rows) audit rows in \(ContinuousClock.now - seedStart)")

        let reader = AuditReader(client: client)
        var samples: [Double] = []
        var roundTrips = 0
        for _ in 0..<runs {
            tenant.requests.clear()
            let start = ContinuousClock.now
            let page = try await reader.page(AuditQuery(days: 7, top: 50))
            let elapsed = ContinuousClock.now - start
            precondition(page.entries.count == 50)
            samples.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
            roundTrips = tenant.requests.all.filter { $0.target == .table }.count
        }
        samples.sort()
        print(String(format: "audit-log first page (50 rows, both portals) over %d rows: %d Table round trips (one per table, concurrent), median %.1f ms, max %.1f ms",
                     rows, roundTrips, samples[samples.count / 2], samples.last ?? 0))

        let limiter = RateLimiter(scope: "agent", limit: 10, window: 3600, client: client)
        let agent = GUID("aaaaaaaa-0000-4000-8000-000000000001")!
        _ = try await limiter.reserve(for: GUID("aaaaaaaa-0000-4000-8000-000000000099")!)
        tenant.requests.clear()
        let start = ContinuousClock.now
        _ = try await limiter.reserve(for: agent)
        let elapsed = ContinuousClock.now - start
        print("reservation, uncontended: \(tenant.requests.all.filter { $0.target == .table }.count) Table round trips, \(elapsed)")
    }
}
