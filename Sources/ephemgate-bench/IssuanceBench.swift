import ArgumentParser
import AsyncHTTPClient
import DevTenant
import EphemCore
import Foundation
import FunctionsHost
import Logging
import NIOCore

/// Issue 5's figures: a helpdesk issuance end to end (client → host emulator → handler → dev
/// tenant and Table service) with every upstream call delayed, its latency, and the number of
/// sequential rounds of upstream calls read from the dev tenant's request log.
struct Issuance: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Helpdesk issuance latency and sequential upstream rounds with a delay on every upstream call.")
    @Option(help: "The helpdesk handler binary.") var binary = ".build/debug/HelpdeskHandler"
    @Option(help: "Milliseconds the dev tenant adds to every Graph, Table and identity call.") var delayMs = 50
    @Option(help: "Timed issuances (each for a different user).") var runs = 20
    @Option(help: "Ordinary groups every target is a member of (issue 11: 2500).") var groups = 0
    @Option(help: "Role-assignable groups in the tenant, none of them the targets' (a tenant holds at most 500).") var roleAssignableGroups = 0
    @Flag(help: "Show the handler's log.") var verbose = false

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        let users = runs + 2
        guard (0...500).contains(roleAssignableGroups) else { throw ValidationError("--role-assignable-groups must be 0–500") }
        let tenant = try await DevTenantServer.start(seed: try Self.seed(users: users, groups: groups, roleAssignableGroups: roleAssignableGroups),
                                                     port: 0, logger: logger)
        let tables = try await DevTableServer.start(tenant: tenant, port: 0, logger: logger)
        let settings = [
            "ENTRA_TENANT_ID": tenant.seed.tenantId, "ENTRA_CLIENT_ID": DevTenantOptions.helpdeskClientId,
            "ENTRA_AUTHORITY_HOST": tenant.baseURL, "GRAPH_ENDPOINT": tenant.baseURL, "TABLE_ENDPOINT": tables.endpoint,
            "IDENTITY_ENDPOINT": "\(tenant.baseURL)/msi/token", "IDENTITY_HEADER": tenant.options.identityHeader,
            "RATE_LIMIT_PER_AGENT_PER_HOUR": "1000", "NOTIFICATION_SENDER": "tap-notifications@contoso.example", "LOG_LEVEL": "warning",
        ]
        let root = FileManager.default.currentDirectoryPath
        let host = try await FunctionAppHost.start(.init(
            name: "helpdesk", appDirectory: "\(root)/functions/helpdesk", hostJSONPath: "\(root)/host.json", executable: binary,
            settings: settings, instances: 1, port: 0, output: verbose ? .console : OutputSink { _, _, _ in }, runTimers: false), logger: logger)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let token = try tenant.devToken(["app": .string("helpdesk"), "oid": .string(Self.agent)])
        do {
            // Warm-up: JWKS, managed-identity tokens, the TAP policy cache, the agent's rate-limit slots.
            _ = try await issue(client, host, token: token, user: Self.user(0))
            for fault in [UpstreamTarget.graph, .table, .identity] { tenant.faults.add(Fault(target: fault, delayMs: delayMs)) }
            var latencies: [Double] = []
            var rounds: [Int] = []
            var calls: [Int] = []
            for index in 1...runs {
                tenant.requests.clear()
                let start = ContinuousClock.now
                let status = try await issue(client, host, token: token, user: Self.user(index))
                let elapsed = ContinuousClock.now - start
                guard status == 200 else { throw ValidationError("issuance \(index) answered \(status)") }
                latencies.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
                let records = tenant.requests.all.filter { $0.target != .entra }
                calls.append(records.count)
                rounds.append(Self.sequentialRounds(records))
            }
            latencies.sort()
            rounds.sort()
            if groups > 0 || roleAssignableGroups > 0 {
                print("targets in \(groups) groups; \(roleAssignableGroups) role-assignable groups in the tenant")
            }
            print(String(format: "helpdesk issuance with %d ms on every upstream call, %d runs: median %.1f ms (min %.1f, max %.1f); sequential upstream rounds median %d (min %d, max %d); upstream calls per issuance median %d",
                         delayMs, runs, latencies[runs / 2], latencies[0], latencies[runs - 1], rounds[runs / 2], rounds[0], rounds[runs - 1], calls.sorted()[runs / 2]))
        } catch {
            try? await client.shutdown()
            await host.shutdown()
            await tables.shutdown()
            await tenant.shutdown()
            throw error
        }
        try? await client.shutdown()
        await host.shutdown()
        await tables.shutdown()
        await tenant.shutdown()
    }

    func issue(_ client: HTTPClient, _ host: FunctionAppHost, token: String, user: String) async throws -> Int {
        var request = HTTPClientRequest(url: "\(host.baseURL)/api/generate-tap/\(user)")
        request.method = .PUT
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await client.execute(request, timeout: .seconds(60))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    /// The longest chain of calls each starting after the previous one ended: how many rounds of
    /// upstream calls a request waited for one after another.
    static func sequentialRounds(_ records: [RequestRecord]) -> Int {
        let spans = records.compactMap { record -> (Date, Date)? in
            guard let start = ISOTime.parse(record.startedAt), let end = ISOTime.parse(record.endedAt) else { return nil }
            return (start, end)
        }.sorted { $0.0 < $1.0 }
        var depth = Array(repeating: 1, count: spans.count)
        for index in spans.indices {
            for earlier in 0..<index where spans[earlier].1 <= spans[index].0 {
                depth[index] = max(depth[index], depth[earlier] + 1)
            }
        }
        return depth.max() ?? 0
    }

    static let agent = "aaaaaaaa-0000-4000-8000-000000000001"
    static func user(_ index: Int) -> String { "bbbbbbbb-0000-4000-8000-" + String(format: "%012d", index) }

    /// `users` targets, each a member of `groups` ordinary groups (half created without the flag,
    /// so Graph answers `null`; half `false`), and `roleAssignableGroups` role-assignable groups
    /// none of the targets belongs to.
    static func seed(users: Int, groups: Int = 0, roleAssignableGroups: Int = 0) throws -> Seed {
        var list: [[String: Any]] = [
            ["id": agent, "userPrincipalName": "hannah.agent@contoso.example", "displayName": "Hannah Agent", "appRoles": ["Helpdesk.TapAdmin"]],
            ["id": "eeeeeeee-0000-4000-8000-000000000001", "userPrincipalName": "tap-notifications@contoso.example", "displayName": "TAP notifications"],
        ]
        for index in 0..<users {
            list.append(["id": user(index), "userPrincipalName": "user\(index)@contoso.example", "displayName": "User \(index)", "mail": "user\(index)@contoso.example"])
        }
        let members = (0..<users).map(user)
        var groupList: [[String: Any]] = (0..<groups).map { index in
            var group: [String: Any] = ["id": "cccccccc-0000-4000-8000-" + String(format: "%012d", index), "displayName": "Group \(index)", "members": members]
            if index.isMultiple(of: 2) { group["isAssignableToRole"] = false }
            return group
        }
        groupList += (0..<roleAssignableGroups).map { index in
            ["id": "dddddddd-0000-4000-8000-" + String(format: "%012d", index), "displayName": "Admins \(index)", "isAssignableToRole": true, "members": []]
        }
        let data = try JSONSerialization.data(withJSONObject: ["tenantId": Seed.defaultTenantId, "users": list, "groups": groupList])
        return try JSONDecoder().decode(Seed.self, from: data)
    }
}
