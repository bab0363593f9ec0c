import AsyncHTTPClient
import Foundation
import FunctionsHost
import NIOCore
import TestSupport
import Testing

/// Both real handler binaries, launched and fronted by the Functions-host emulator.
@Suite struct HandlersBehindHostTests {
    static func get(_ url: String) async throws -> (status: Int, body: String, headers: [(String, String)]) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
        let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
        return (Int(response.status.code), body, response.headers.map { ($0.name.lowercased(), $0.value) })
    }

    @Test(arguments: ["selfservice", "helpdesk"])
    func appAnswersItsDeclaredRoutesOnly(app: String) async throws {
        let logs = LogCollector()
        try await withHost(DevApps.start(app: app, logs: logs)) { (host: FunctionAppHost) async throws in
            let health = try await Self.get("\(host.baseURL)/api/health")
            #expect(health.status == 200)
            let body = try JSONSerialization.jsonObject(with: Data(health.body.utf8)) as? [String: Any]
            #expect(body?["portal"] as? String == app)
            #expect(health.headers.contains { $0 == ("x-frame-options", "DENY") })
            let config = try await Self.get("\(host.baseURL)/api/config")
            #expect(config.status == 200 && config.body.contains(DevApps.clientIds[app]!))
            let portal = try await Self.get("\(host.baseURL)/")
            #expect(portal.status == 200 && portal.body.contains("<html"))
            let undeclared = try await Self.get("\(host.baseURL)/api/not-a-route")
            #expect(undeclared.status == 404 && undeclared.body.isEmpty, "the host, not the handler, refuses undeclared routes")
            let timerAsHTTP = try await Self.get("\(host.baseURL)/audit-retention")
            #expect(timerAsHTTP.status == 404)
        }
    }

    @Test(arguments: ["selfservice", "helpdesk"])
    func timerRoundTripThroughTheHost(app: String) async throws {
        let logs = LogCollector()
        let stack = try await StorageStack.start()
        do {
            try await withHost(try await DevApps.start(app: app, tenant: stack.tenant, tables: stack.tables, logs: logs)) { (host: FunctionAppHost) async throws in
                let function = try #require(host.functions.first { $0.name == "audit-retention" })
                let result = await host.invoke(function: function, last: nil, next: Date().addingTimeInterval(86_400))
                #expect(result.status == 200)
                let body = try JSONSerialization.jsonObject(with: Data(result.body.utf8)) as? [String: Any]
                #expect((body?["Logs"] as? [String])?.first?.contains("audit-retention: deleted 0 audit rows") == true)
                #expect(body?.keys.contains("ReturnValue") == true)
                await logs.waitFor("retention.audit_deleted")
            }
        } catch {
            await stack.shutdown()
            throw error
        }
        await stack.shutdown()
    }

    /// SIGTERM while a request is in flight: the handler finishes it before exiting.
    @Test func sigtermDrainsAnInFlightRequest() async throws {
        let logs = LogCollector()
        let stack = try await StorageStack.start()
        do {
            try await drain(stack: stack, logs: logs)
        } catch {
            await stack.shutdown()
            throw error
        }
        await stack.shutdown()
    }

    func drain(stack: StorageStack, logs: LogCollector) async throws {
        try await withHost(DevApps.start(app: "helpdesk", tenant: stack.tenant, tables: stack.tables, logs: logs)) { (host: FunctionAppHost) async throws in
            let worker = host.workers[0]
            let pid = try #require(await worker.pid)
            let payload = #"{"Data":{"myTimer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":null,"IsPastDue":false}},"Metadata":{}}"#
            let split = payload.index(payload.startIndex, offsetBy: 20)
            let connection = try RawHTTPConnection(port: worker.port)
            try connection.send("POST /audit-retention HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(payload.utf8.count)\r\n\r\n" + payload[..<split])
            try await connection.waitUntilServerHasRead(serverPort: worker.port)
            kill(pid, SIGTERM)
            try connection.send(String(payload[split...]))
            let response = try connection.readResponse()
            #expect(response.status == 200)
            #expect(response.body.contains("\"Logs\""))
        }
    }

    /// A bad setting stops the handler at start with one line naming it; the host gives up.
    @Test(arguments: [
        ("TAP_LIFETIME_MINUTES", "5"), ("ENTRA_TENANT_ID", "contoso"), ("CORS_ALLOWED_ORIGINS", "*"),
        ("TAP_IS_USABLE_ONCE", "sometimes"), ("BLOCKED_GROUP_IDS", "not-a-guid"), ("RATE_LIMIT_PER_AGENT_PER_HOUR", "0"),
    ])
    func badSettingStopsTheHandlerNamingIt(name: String, value: String) async throws {
        let logs = LogCollector()
        await #expect(throws: WorkerProcess.WorkerError.self) {
            let host = try await DevApps.start(app: "helpdesk", settings: [name: value], logs: logs)
            await host.shutdown()
        }
        let lines = logs.all.filter { $0.contains("invalid app setting") }
        #expect(!lines.isEmpty)
        #expect(lines.allSatisfy { $0.contains("invalid app setting \(name):") }, "\(lines)")
    }

    @Test func handlerExitsNonZeroWithOneLinePerBadSetting() async throws {
        let errors = Pipe()
        let process = try ChildProcess.launch(executable: TestPaths.binary("SelfServiceHandler"),
                                              environment: ["ENTRA_TENANT_ID": "x", "TAP_LIFETIME_MINUTES": "5", "PATH": "/usr/bin:/bin"],
                                              standardError: .pipe(errors))
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(await process.termination() == ChildProcess.Termination(status: 1, signalled: false))
        let named = text.split(separator: "\n").compactMap { $0.split(separator: " ").dropFirst(4).first.map { String($0.dropLast()) } }
        #expect(Set(named) == ["FUNCTIONS_CUSTOMHANDLER_PORT", "ENTRA_TENANT_ID", "ENTRA_CLIENT_ID", "STORAGE_ACCOUNT_NAME", "TAP_LIFETIME_MINUTES"], "\(text)")
    }
}
