import ArgumentParser
import AsyncHTTPClient
import DevTenant
import EphemCore
import Foundation
import FunctionsHost
import Logging
import NIOCore

/// Issue 13, item 12: mixed traffic for a fixed time against two helpdesk instances behind the
/// host emulator and the dev tenant — health, me, search, issue, revoke and audit-log pages —
/// printing requests per second, p50/p99 latency, the statuses seen, and each handler's RSS at
/// start and end (a leak shows as RSS that keeps growing with the duration).
struct Soak: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Mixed helpdesk traffic for a fixed time against two instances: rps, p50/p99, RSS at start and end.")
    @Option(help: "The helpdesk handler binary.") var binary = ".build/debug/HelpdeskHandler"
    @Option(help: "Seconds of traffic (issue 13 asks for 600).") var seconds = 600
    @Option(help: "Concurrent clients.") var concurrency = 8
    @Option(help: "Target users to issue for and revoke (round robin).") var users = 50
    @Flag(help: "Show the handlers' log.") var verbose = false

    func run() async throws {
        var logger = Logger(label: "soak")
        logger.logLevel = .critical
        let tenant = try await DevTenantServer.start(seed: try Issuance.seed(users: users), port: 0, logger: logger)
        let tables = try await DevTableServer.start(tenant: tenant, port: 0, logger: logger)
        let settings = [
            "ENTRA_TENANT_ID": tenant.seed.tenantId, "ENTRA_CLIENT_ID": DevTenantOptions.helpdeskClientId,
            "ENTRA_AUTHORITY_HOST": tenant.baseURL, "GRAPH_ENDPOINT": tenant.baseURL, "TABLE_ENDPOINT": tables.endpoint,
            "IDENTITY_ENDPOINT": "\(tenant.baseURL)/msi/token", "IDENTITY_HEADER": tenant.options.identityHeader,
            "RATE_LIMIT_PER_AGENT_PER_HOUR": "1000", "LOG_LEVEL": "warning",
        ]
        let root = FileManager.default.currentDirectoryPath
        let host = try await FunctionAppHost.start(.init(
            name: "helpdesk", appDirectory: "\(root)/functions/helpdesk", hostJSONPath: "\(root)/host.json", executable: binary,
            settings: settings, instances: 2, port: 0, output: verbose ? .console : OutputSink { _, _, _ in }, runTimers: false), logger: logger)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let token = try tenant.devToken(["app": .string("helpdesk"), "oid": .string(Issuance.agent)])
        let pids = await host.workers.asyncMap { await $0.pid }.compactMap { $0 }
        // One warm-up round so start-up work (JWKS, tokens, policy) is not in the figures.
        _ = try await Self.request(client, host, "GET", "/api/me", token: token)
        let rssStart = pids.map { (try? Procfs.rssKiB(pid: $0)) ?? 0 }
        let deadline = ContinuousClock.now + .seconds(seconds)
        let users = users, concurrency = concurrency
        let results = try await withThrowingTaskGroup(of: [(Double, Int)].self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var samples: [(Double, Int)] = []
                    var step = worker
                    while ContinuousClock.now < deadline {
                        let user = Issuance.user(step % users)
                        let (method, path): (String, String) = switch step % 8 {
                        case 0: ("GET", "/api/health")
                        case 1: ("GET", "/api/me")
                        case 2: ("GET", "/api/search-user?q=User+\(step % users)")
                        case 3: ("PUT", "/api/generate-tap/\(user)")
                        case 4: ("GET", "/api/users/\(user)/tap")
                        case 5: ("DELETE", "/api/users/\(user)/tap")
                        case 6: ("GET", "/api/audit-log?days=1&top=50")
                        default: ("GET", "/api/config")
                        }
                        let start = ContinuousClock.now
                        let status = (try? await Self.request(client, host, method, path, token: token)) ?? 0
                        let elapsed = ContinuousClock.now - start
                        samples.append((Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000, status))
                        step += concurrency
                    }
                    return samples
                }
            }
            var all: [(Double, Int)] = []
            for try await part in group { all += part }
            return all
        }
        let rssEnd = pids.map { (try? Procfs.rssKiB(pid: $0)) ?? 0 }
        try? await client.shutdown()
        await host.shutdown()
        await tables.shutdown()
        await tenant.shutdown()
        let latencies = results.map(\.0).sorted()
        let statuses = Dictionary(grouping: results.map(\.1), by: { $0 }).mapValues(\.count).sorted { $0.key < $1.key }
        guard !latencies.isEmpty else { throw ValidationError("no requests completed") }
        print(String(format: "soak: %d s, %d clients, 2 helpdesk instances: %d requests, %.1f req/s, p50 %.1f ms, p99 %.1f ms",
                     seconds, concurrency, latencies.count, Double(latencies.count) / Double(seconds),
                     latencies[latencies.count / 2], latencies[min(latencies.count - 1, latencies.count * 99 / 100)]))
        print("soak: statuses " + statuses.map { "\($0.key)×\($0.value)" }.joined(separator: ", "))
        print("soak: handler RSS KiB at start " + rssStart.map(String.init).joined(separator: ", ") + "; at end " + rssEnd.map(String.init).joined(separator: ", "))
    }

    static func request(_ client: HTTPClient, _ host: FunctionAppHost, _ method: String, _ path: String, token: String) async throws -> Int {
        var request = HTTPClientRequest(url: host.baseURL + path)
        request.method = .init(rawValue: method)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await client.execute(request, timeout: .seconds(60))
        _ = try await response.body.collect(upTo: 4 << 20)
        return Int(response.status.code)
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async -> T) async -> [T] {
        var result: [T] = []
        for element in self { result.append(await transform(element)) }
        return result
    }
}
