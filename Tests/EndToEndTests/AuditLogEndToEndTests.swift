import AsyncHTTPClient
import DevTenant
import EphemCore
import Foundation
import FunctionsHost
import NIOCore
import TestSupport
import Testing

/// `GET /api/audit-log` through the real helpdesk binary, the host emulator and the dev Table service.
@Suite struct AuditLogEndToEndTests {
    static func get(_ url: String, token: String?) async throws -> (status: Int, json: [String: Any]?) {
        var request = HTTPClientRequest(url: url)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 4 << 20)
        return (Int(response.status.code), try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])
    }

    @Test func viewersAndAdminsPageThroughTheLogOthersAreRefused() async throws {
        let logs = LogCollector()
        let stack = try await StorageStack.start()
        let http = OutboundHTTP.makeClient()
        do {
            let client = stack.client(http: http)
            for portal in Portal.allCases { try await client.createTableIfNeeded(AuditLog.table(for: portal)) }
            let audit = AuditLog(client: client, logger: LogCapture().logger(level: .critical))
            let now = Date()
            for index in 0..<30 {
                try await audit.record(AuditEvent(portal: index % 2 == 0 ? .helpdesk : .selfService, action: index % 3 == 0 ? .denied : .success,
                                                  agentUPN: "hannah.agent@contoso.example", targetUPN: "lena.user@contoso.example",
                                                  occurredAt: now.addingTimeInterval(-Double(index) * 60)))
            }
            try await withHost(try await DevApps.start(app: "helpdesk", tenant: stack.tenant, tables: stack.tables, logs: logs)) { (host: FunctionAppHost) async throws in
                let viewer = try stack.tenant.devToken(["app": .string("helpdesk"), "oid": .string("aaaaaaaa-0000-4000-8000-000000000002")])
                let admin = try stack.tenant.devToken(["app": .string("helpdesk"), "oid": .string("aaaaaaaa-0000-4000-8000-000000000001")])
                let nobody = try stack.tenant.devToken(["app": .string("helpdesk"), "oid": .string("aaaaaaaa-0000-4000-8000-000000000003")])

                var ids: [String] = []
                var url = "\(host.baseURL)/api/audit-log?days=1&top=7"
                while true {
                    let page = try await Self.get(url, token: viewer)
                    #expect(page.status == 200)
                    #expect(page.json?["days"] as? Int == 1)
                    let entries = page.json?["entries"] as? [[String: Any]] ?? []
                    ids += entries.compactMap { $0["id"] as? String }
                    guard let token = page.json?["continuationToken"] as? String else { break }
                    url = "\(host.baseURL)/api/audit-log?days=1&top=7&continuationToken=\(URLQuery.encode(token))"
                }
                #expect(ids.count == 30 && Set(ids).count == 30 && ids == ids.sorted())

                let filtered = try await Self.get("\(host.baseURL)/api/audit-log?portal=selfservice&action=DENIED&top=200", token: admin)
                let entries = filtered.json?["entries"] as? [[String: Any]] ?? []
                #expect(entries.count == 5)
                #expect(entries.allSatisfy { $0["portal"] as? String == "selfservice" && $0["action"] as? String == "DENIED" })

                #expect(try await Self.get("\(host.baseURL)/api/audit-log", token: nobody).status == 403)
                #expect(try await Self.get("\(host.baseURL)/api/audit-log", token: nil).status == 401)
                for bad in ["days=0", "days=91", "top=201", "portal=other", "action=MAYBE", "continuationToken=forged", "days=1&days=2"] {
                    let response = try await Self.get("\(host.baseURL)/api/audit-log?\(bad)", token: admin)
                    #expect(response.status == 400, "\(bad)")
                    #expect(response.json?["code"] as? String == "invalid_query", "\(bad)")
                }
            }
        } catch {
            try? await http.shutdown()
            await stack.shutdown()
            throw error
        }
        try? await http.shutdown()
        await stack.shutdown()
    }
}
