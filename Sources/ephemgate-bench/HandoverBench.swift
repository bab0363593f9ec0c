import ArgumentParser
import AsyncHTTPClient
import DevTenant
import EphemCore
import Foundation
import FunctionsHost
import Logging
import NIOCore

/// Issue 15's figures: a handover's pick-up by the target's manager in the self-service app
/// (client → host emulator → handler → dev tenant and Table service) with every upstream call
/// delayed, its latency and its sequential rounds of upstream calls (goal: a direct issuance's 3
/// plus at most one for the handover's own conditional write). The handovers are created by the
/// helpdesk app beforehand, without delay and outside the measurement.
struct HandoverPickUp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "handover", abstract: "Handover pick-up latency and sequential upstream rounds with a delay on every upstream call.")
    @Option(help: "The directory holding HelpdeskHandler and SelfServiceHandler.") var binaries = ".build/debug"
    @Option(help: "Milliseconds the dev tenant adds to every Graph, Table and identity call.") var delayMs = 50
    @Option(help: "Timed pick-ups (each for a different user).") var runs = 20
    @Flag(help: "Show the handlers' logs.") var verbose = false

    static let manager = "cccccccc-0000-4000-8000-000000000001"

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        var seed = try Issuance.seed(users: runs + 2)
        let managerJSON = #"{"id":"\#(Self.manager)","userPrincipalName":"mia.manager@contoso.example","displayName":"Mia Manager"}"#
        seed.users.append(try JSONDecoder().decode(Seed.User.self, from: Data(managerJSON.utf8)))
        for index in seed.users.indices where seed.users[index].id.hasPrefix("bbbbbbbb") { seed.users[index].manager = Self.manager }
        let tenant = try await DevTenantServer.start(seed: seed, port: 0, logger: logger)
        let tables = try await DevTableServer.start(tenant: tenant, port: 0, logger: logger)
        func settings(_ clientId: String) -> [String: String] {
            ["ENTRA_TENANT_ID": tenant.seed.tenantId, "ENTRA_CLIENT_ID": clientId,
             "ENTRA_AUTHORITY_HOST": tenant.baseURL, "GRAPH_ENDPOINT": tenant.baseURL, "TABLE_ENDPOINT": tables.endpoint,
             "IDENTITY_ENDPOINT": "\(tenant.baseURL)/msi/token", "IDENTITY_HEADER": tenant.options.identityHeader,
             "RATE_LIMIT_PER_AGENT_PER_HOUR": "1000", "NOTIFICATION_SENDER": "tap-notifications@contoso.example", "LOG_LEVEL": "warning"]
        }
        let root = FileManager.default.currentDirectoryPath
        let output = verbose ? OutputSink.console : OutputSink { _, _, _ in }
        let helpdesk = try await FunctionAppHost.start(.init(
            name: "helpdesk", appDirectory: "\(root)/functions/helpdesk", hostJSONPath: "\(root)/host.json", executable: "\(binaries)/HelpdeskHandler",
            settings: settings(DevTenantOptions.helpdeskClientId), instances: 1, port: 0, output: output, runTimers: false), logger: logger)
        let selfService = try await FunctionAppHost.start(.init(
            name: "selfservice", appDirectory: "\(root)/functions/selfservice", hostJSONPath: "\(root)/host.json", executable: "\(binaries)/SelfServiceHandler",
            settings: settings(DevTenantOptions.selfServiceClientId), instances: 1, port: 0, output: output, runTimers: false), logger: logger)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let agentToken = try tenant.devToken(["app": .string("helpdesk"), "oid": .string(Issuance.agent)])
        let managerToken = try tenant.devToken(["app": .string("selfservice"), "oid": .string(Self.manager)])
        func shutdown() async {
            try? await client.shutdown()
            await helpdesk.shutdown()
            await selfService.shutdown()
            await tables.shutdown()
            await tenant.shutdown()
        }
        do {
            var ids: [String] = []
            for index in 0...runs {
                let (status, body) = try await send(client, "POST", "\(helpdesk.baseURL)/api/handovers", token: agentToken,
                                                    body: #"{"userId":"\#(Issuance.user(index))","deliverTo":"manager"}"#)
                guard status == 201, let id = (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["id"] as? String else {
                    throw ValidationError("handover \(index) answered \(status): \(body)")
                }
                ids.append(id)
            }
            // Warm-up: JWKS, managed-identity tokens, the TAP policy cache, the agent's rate-limit slots.
            _ = try await send(client, "PUT", "\(selfService.baseURL)/api/handovers/\(ids[0])/tap", token: managerToken)
            for fault in [UpstreamTarget.graph, .table, .identity] { tenant.faults.add(Fault(target: fault, delayMs: delayMs)) }
            var latencies: [Double] = []
            var rounds: [Int] = []
            var calls: [Int] = []
            for index in 1...runs {
                tenant.requests.clear()
                let start = ContinuousClock.now
                let (status, body) = try await send(client, "PUT", "\(selfService.baseURL)/api/handovers/\(ids[index])/tap", token: managerToken)
                let elapsed = ContinuousClock.now - start
                guard status == 200 else { throw ValidationError("pick-up \(index) answered \(status): \(body)") }
                latencies.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
                let records = tenant.requests.all.filter { $0.target != .entra }
                calls.append(records.count)
                rounds.append(Issuance.sequentialRounds(records))
            }
            latencies.sort()
            rounds.sort()
            print(String(format: "handover pick-up (self-service, manager) with %d ms on every upstream call, %d runs: median %.1f ms (min %.1f, max %.1f); sequential upstream rounds median %d (min %d, max %d); upstream calls per pick-up median %d",
                         delayMs, runs, latencies[runs / 2], latencies[0], latencies[runs - 1], rounds[runs / 2], rounds[0], rounds[runs - 1], calls.sorted()[runs / 2]))
        } catch {
            await shutdown()
            throw error
        }
        await shutdown()
    }

    func send(_ client: HTTPClient, _ method: String, _ url: String, token: String, body: String? = nil) async throws -> (Int, String) {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .seconds(60))
        let collected = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: collected))
    }
}
