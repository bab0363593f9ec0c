import ArgumentParser
import AsyncHTTPClient
import DevTenant
import EphemCore
import Foundation
import FunctionsHost
import Logging
import NIOCore

/// Issue 16's figures, through the real helpdesk handler behind the host emulator against the dev
/// tenant and its Table service:
/// - `watch`: one `tap-watch` run with N passes in force (created in the dev tenant, their ledger
///   rows written as the issuance writes them): wall time and Graph calls;
/// - `protected`: `GET /api/protected-accounts` over a seeded tenant with N role assignments:
///   wall time and Graph calls of the first (uncached) page, of a cached page and of the CSV.
struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "One tap-watch run with N passes in force: wall time and Graph calls.")
    @Option(help: "The helpdesk handler binary.") var binary = ".build/debug/HelpdeskHandler"
    @Option(help: "Passes in force.") var passes = 500
    @Option(help: "Milliseconds the dev tenant adds to every Graph and Table call.") var delayMs = 0

    func run() async throws {
        try await BenchStack.with(seed: try BenchStack.seed(users: passes, roleAssignments: 0), binary: binary) { stack in
            let graph = stack.graph, ledger = TapLedger(client: stack.tableClient)
            try await stack.tableClient.createTableIfNeeded(TapLedger.table)
            for index in 0..<passes {
                let user = BenchStack.user(index)
                let tap = try await graph.createTemporaryAccessPass(user: GUID(user)!, lifetimeInMinutes: 120, isUsableOnce: true)
                var entry = TapLedger.Entry(targetId: user, methodId: tap.id, portal: "helpdesk", state: .issued)
                entry.createdDateTime = tap.createdDateTime.flatMap(GraphDate.parse).map(GraphDate.format)
                entry.expiresDateTime = tap.expiresDateTime
                try await ledger.recordIssued(entry)
            }
            // A tenth were used, a tenth got a passkey (auto-revoke), the rest unchanged.
            for index in stride(from: 0, to: passes, by: 10) { stack.tenant.graph.markTemporaryAccessPassUsed(forUser: BenchStack.user(index)) }
            stack.tenant.graph.advanceClock(by: 2)
            for index in stride(from: 5, to: passes, by: 10) {
                _ = stack.tenant.graph.registerMethod(userId: BenchStack.user(index), type: "fido2AuthenticationMethod", displayName: "Key")
            }
            if delayMs > 0 { for target in [UpstreamTarget.graph, .table] { stack.tenant.faults.add(Fault(target: target, delayMs: delayMs)) } }
            stack.tenant.requests.clear()
            let start = ContinuousClock.now
            let logs = try await stack.invoke("tap-watch")
            let elapsed = ContinuousClock.now - start
            let records = stack.tenant.requests.all
            let graphCalls = records.filter { $0.target == .graph }.count, tableCalls = records.filter { $0.target == .table }.count
            let line = logs.components(separatedBy: "\"").first { $0.hasPrefix("tap-watch: examined") } ?? logs
            print(String(format: "tap-watch with %d passes in force (%d ms per upstream call): wall %.1f ms; Graph calls %d; Table calls %d", passes, delayMs, BenchStack.ms(elapsed), graphCalls, tableCalls))
            print("  \(line)")
            stack.tenant.requests.clear()
            let again = ContinuousClock.now
            _ = try await stack.invoke("tap-watch")
            print(String(format: "second run: wall %.1f ms; Graph calls %d", BenchStack.ms(ContinuousClock.now - again), stack.tenant.requests.all.filter { $0.target == .graph }.count))
        }
    }
}

struct Protected: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "GET /api/protected-accounts over a tenant with N role assignments: wall time and Graph calls.")
    @Option(help: "The helpdesk handler binary.") var binary = ".build/debug/HelpdeskHandler"
    @Option(help: "Role assignments in the seeded tenant.") var roleAssignments = 10_000
    @Option(help: "Milliseconds the dev tenant adds to every Graph call.") var delayMs = 0

    func run() async throws {
        try await BenchStack.with(seed: try BenchStack.seed(users: roleAssignments / 2, roleAssignments: roleAssignments), binary: binary) { stack in
            if delayMs > 0 { stack.tenant.faults.add(Fault(target: .graph, delayMs: delayMs)) }
            let token = try stack.tenant.devToken(["app": .string("helpdesk"), "oid": .string(BenchStack.agent)])
            for (label, path) in [("first page (uncached)", "/api/protected-accounts?top=100"), ("next page (cached)", "/api/protected-accounts?top=100"),
                                  ("CSV (cached)", "/api/protected-accounts?format=csv")] {
                stack.tenant.requests.clear()
                let start = ContinuousClock.now
                let (status, body) = try await stack.get(path, token: token)
                let elapsed = ContinuousClock.now - start
                guard status == 200 else { throw ValidationError("\(path) answered \(status): \(body.prefix(300))") }
                let total = (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["total"] as? Int
                print(String(format: "protected-accounts %@ with %d role assignments: wall %.1f ms; Graph calls %d; %@ bytes %d", label, roleAssignments,
                             BenchStack.ms(elapsed), stack.tenant.requests.all.filter { $0.target == .graph }.count,
                             total.map { "accounts \($0);" } ?? "", body.utf8.count))
            }
        }
    }
}

/// A dev tenant, its Table service and the helpdesk handler behind the host emulator.
struct BenchStack {
    let tenant: DevTenantServer
    let tables: DevTableServer
    let host: FunctionAppHost
    let client: HTTPClient
    let tableClient: TableClient
    let graph: GraphClient

    static let agent = "aaaaaaaa-0000-4000-8000-000000000001"
    static func user(_ index: Int) -> String { "bbbbbbbb-0000-4000-8000-" + String(format: "%012d", index) }
    static func ms(_ duration: Duration) -> Double { Double(duration.components.attoseconds) / 1e15 + Double(duration.components.seconds) * 1000 }

    /// `users` ordinary users; `roleAssignments` assignments: every other one a protected role
    /// (Helpdesk Administrator), the rest Directory Readers (issuable), spread over the users, plus
    /// 20 role-assignable groups of 10 members holding a protected role.
    static func seed(users: Int, roleAssignments: Int) throws -> Seed {
        var list: [[String: Any]] = [["id": agent, "userPrincipalName": "hannah.agent@contoso.example", "displayName": "Hannah Agent",
                                      "appRoles": ["Helpdesk.TapAdmin"]]]
        for index in 0..<max(users, 1) {
            list.append(["id": user(index), "userPrincipalName": "user\(index)@contoso.example", "displayName": "User \(index)"])
        }
        var groups: [[String: Any]] = [], assignments: [[String: Any]] = []
        if roleAssignments > 0 {
            for number in 0..<20 {
                let id = "ffffffff-0000-4000-8000-" + String(format: "%012d", number)
                groups.append(["id": id, "displayName": "Admins \(number)", "isAssignableToRole": true,
                               "members": (0..<10).map { user((number * 10 + $0) % max(users, 1)) }])
                assignments.append(["principalId": id, "roleDefinitionId": "729827e3-9c14-49f7-bb1b-9608f156bbb8", "directoryScopeId": "/"])
            }
            for index in 0..<(roleAssignments - assignments.count) {
                let role = index.isMultiple(of: 2) ? "729827e3-9c14-49f7-bb1b-9608f156bbb8" : "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
                assignments.append(["principalId": user(index % max(users, 1)), "roleDefinitionId": role,
                                    "directoryScopeId": index < 2 * max(users, 1) ? "/" : "/administrativeUnits/\(index)"])
            }
        }
        let data = try JSONSerialization.data(withJSONObject: ["tenantId": Seed.defaultTenantId, "users": list, "groups": groups, "roleAssignments": assignments])
        return try JSONDecoder().decode(Seed.self, from: data)
    }

    static func with(seed: Seed, binary: String, _ body: (BenchStack) async throws -> Void) async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        let tenant = try await DevTenantServer.start(seed: seed, port: 0, logger: logger)
        let tables = try await DevTableServer.start(tenant: tenant, port: 0, logger: logger)
        let settings = [
            "ENTRA_TENANT_ID": tenant.seed.tenantId, "ENTRA_CLIENT_ID": DevTenantOptions.helpdeskClientId,
            "ENTRA_AUTHORITY_HOST": tenant.baseURL, "GRAPH_ENDPOINT": tenant.baseURL, "TABLE_ENDPOINT": tables.endpoint,
            "IDENTITY_ENDPOINT": "\(tenant.baseURL)/msi/token", "IDENTITY_HEADER": tenant.options.identityHeader, "LOG_LEVEL": "warning",
        ]
        let root = FileManager.default.currentDirectoryPath
        let host = try await FunctionAppHost.start(.init(
            name: "helpdesk", appDirectory: "\(root)/functions/helpdesk", hostJSONPath: "\(root)/host.json", executable: binary,
            settings: settings, instances: 1, port: 0, output: OutputSink { _, _, _ in }, runTimers: false), logger: logger)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let outbound = OutboundHTTP(client: client)
        let tokens = ManagedIdentityCredential(endpoint: "\(tenant.baseURL)/msi/token", identityHeader: tenant.options.identityHeader, http: outbound, logger: logger)
        let stack = BenchStack(tenant: tenant, tables: tables, host: host, client: client,
                               tableClient: TableClient(endpoint: tables.endpoint, http: outbound, tokens: tokens, logger: logger),
                               graph: GraphClient(endpoint: tenant.baseURL, http: outbound, tokens: tokens, logger: logger))
        var failure: (any Error)?
        do { try await body(stack) } catch { failure = error }
        try? await client.shutdown()
        await host.shutdown()
        await tables.shutdown()
        await tenant.shutdown()
        if let failure { throw failure }
    }

    func invoke(_ function: String) async throws -> String {
        var request = HTTPClientRequest(url: "\(host.baseURL)/admin/functions/\(function)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: "{}"))
        let response = try await client.execute(request, timeout: .seconds(600))
        return String(buffer: try await response.body.collect(upTo: 1 << 20))
    }

    func get(_ path: String, token: String) async throws -> (Int, String) {
        var request = HTTPClientRequest(url: host.baseURL + path)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await client.execute(request, timeout: .seconds(600))
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 64 << 20)))
    }
}
