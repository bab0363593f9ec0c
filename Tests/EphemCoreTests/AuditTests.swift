import DevTenant
import EphemCore
import Foundation
import TestSupport
import Testing

/// SPEC 7.4: write-ahead audit rows, outcomes, paging done by the Table service, retention.
@Suite struct AuditTests {
    static func event(_ portal: Portal, _ action: AuditAction, at date: Date, agent: String = "hannah.agent@contoso.example", target: String = "lena.user@contoso.example") -> AuditEvent {
        AuditEvent(portal: portal, action: action, agentId: "aaaaaaaa-0000-4000-8000-000000000001", agentUPN: agent,
                   targetId: "aaaaaaaa-0000-4000-8000-000000000003", targetUPN: target, tapLifetimeMinutes: 60, tapIsUsableOnce: true,
                   clientIp: "203.0.113.7", userAgent: "tests", occurredAt: date)
    }

    static func iso(_ date: Date) -> String { Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date) }

    @Test func pendingThenOutcomeLeavesOneRowAndAFailedOutcomeStaysPending() async throws {
        try await withStorage { stack, clients in
            let client = clients[0]
            for portal in Portal.allCases { try await client.createTableIfNeeded(AuditLog.table(for: portal)) }
            let logs = LogCapture()
            let audit = AuditLog(client: client, logger: logs.logger())
            let pending = try await audit.begin(Self.event(.helpdesk, .success, at: Date()))
            #expect(await audit.complete(pending, action: .success))
            let rows = try await client.query(AuditLog.table(for: .helpdesk))
            #expect(rows.entities.count == 1)
            #expect(rows.entities.first?["Action"] == .string("SUCCESS"))
            #expect(logs.all.contains { $0.contains("audit.action=SUCCESS") })

            let second = try await audit.begin(Self.event(.helpdesk, .success, at: Date()))
            stack.tenant.faults.add(Fault(target: .table, method: "PUT", status: 503))
            #expect(await audit.complete(second, action: .error, denialReason: "graph 503") == false)
            stack.tenant.faults.clear()
            let after = try await client.query(AuditLog.table(for: .helpdesk))
            #expect(after.entities.count == 2)
            #expect(after.entities.compactMap { $0["Action"]?.stringValue }.sorted() == ["PENDING", "SUCCESS"])
            #expect(logs.all.contains { $0.contains("stays PENDING") })

            stack.tenant.faults.add(Fault(target: .table, method: "POST", status: 503))
            await #expect(throws: EphemError.self) { try await audit.begin(Self.event(.helpdesk, .success, at: Date())) }
            stack.tenant.faults.clear()
        }
    }

    @Test func tenThousandRowsPageExactlyOnceNewestFirstAcrossDaysAndPortals() async throws {
        try await withStorage(instances: 4) { stack, clients in
            for portal in Portal.allCases { try await clients[0].createTableIfNeeded(AuditLog.table(for: portal)) }
            stack.tables.setPageSize(333)
            let now = Date()
            var events: [AuditEvent] = []
            for index in 0..<10_000 {
                let portal: Portal = index % 3 == 0 ? .selfService : .helpdesk
                let action: AuditAction = index % 7 == 0 ? .denied : .success
                let agent = index % 5 == 0 ? "other.agent@contoso.example" : "hannah.agent@contoso.example"
                let when = now.addingTimeInterval(-Double(index) * 20)
                events.append(Self.event(portal, action, at: when, agent: agent))
            }
            let allEvents = events
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<8 {
                    let audit = AuditLog(client: clients[worker % clients.count], logger: LogCapture().logger(level: .critical))
                    group.addTask {
                        for index in stride(from: worker, to: allEvents.count, by: 8) { try await audit.record(allEvents[index]) }
                    }
                }
                try await group.waitForAll()
            }
            let reader = AuditReader(client: clients[0])
            var ids: [String] = []
            var times: [String] = []
            var token: String?
            var pages = 0
            repeat {
                let page = try await reader.page(AuditQuery(days: 7, top: 200, continuationToken: token))
                ids += page.entries.map(\.id)
                times += page.entries.compactMap(\.occurredAt)
                token = page.continuationToken
                pages += 1
            } while token != nil && pages < 200
            #expect(ids.count == 10_000)
            #expect(Set(ids).count == 10_000, "each row exactly once")
            #expect(times == times.sorted(by: >), "newest first")

            let onlySelf = try await reader.page(AuditQuery(days: 7, portals: [.selfService], top: 200))
            #expect(onlySelf.entries.allSatisfy { $0.portal == "selfservice" })
            let denied = try await reader.page(AuditQuery(days: 7, action: .denied, top: 200))
            #expect(!denied.entries.isEmpty && denied.entries.allSatisfy { $0.action == "DENIED" })
            let byAgent = try await reader.page(AuditQuery(days: 7, agent: "other.agent@contoso.example", top: 200))
            #expect(!byAgent.entries.isEmpty && byAgent.entries.allSatisfy { $0.agentUPN == "other.agent@contoso.example" })
            let byTargetId = try await reader.page(AuditQuery(days: 7, target: "aaaaaaaa-0000-4000-8000-000000000003", top: 10))
            #expect(byTargetId.entries.count == 10)
            let noTarget = try await reader.page(AuditQuery(days: 7, target: "nobody@contoso.example'", top: 10))
            #expect(noTarget.entries.isEmpty && noTarget.continuationToken == nil)
        }
    }

    @Test func forgedContinuationTokensAreRefused() async throws {
        try await withStorage { _, clients in
            let reader = AuditReader(client: clients[0])
            for token in ["garbage", Base64URL.encode(Array(#"{"cursors":[{"table":"Secrets","day":"2026-11-23","done":false}]}"#.utf8)),
                          Base64URL.encode(Array(#"{"cursors":[{"table":"TapAuditHelpdesk","day":"1999-01-01","done":false}]}"#.utf8))] {
                await #expect(throws: EphemError.self) { try await reader.page(AuditQuery(continuationToken: token)) }
            }
        }
    }

    @Test func retentionDeletesExactlyTheRowsPastTheCutoff() async throws {
        try await withStorage { _, clients in
            let client = clients[0]
            for table in [AuditLog.table(for: .helpdesk), RateLimiter.table] { try await client.createTableIfNeeded(table) }
            let audit = AuditLog(client: client, logger: LogCapture().logger(level: .critical))
            let now = Date()
            for daysAgo in [0, 1, 29, 30, 31, 45, 400] {
                try await audit.record(Self.event(.helpdesk, .success, at: now.addingTimeInterval(-Double(daysAgo) * 86_400)))
            }
            try await client.insert(RateLimiter.table, TableEntity(partitionKey: "agent_x", rowKey: "slot-00", properties: ["UsedAt": .dateTime(Self.iso(now.addingTimeInterval(-2 * 86_400)))]))
            try await client.insert(RateLimiter.table, TableEntity(partitionKey: "agent_x", rowKey: "slot-01", properties: ["UsedAt": .dateTime(Self.iso(now.addingTimeInterval(-60)))]))
            let retention = AuditRetention(client: client)
            let result = try await retention.run(portal: .helpdesk, retentionDays: 30)
            #expect(result.auditRowsDeleted == 3, "31, 45 and 400 days old")
            #expect(result.rateLimitRowsDeleted == 1)
            let left = try await client.query(AuditLog.table(for: .helpdesk))
            #expect(left.entities.count == 4)
            let again = try await retention.run(portal: .helpdesk, retentionDays: 30)
            #expect(again.auditRowsDeleted == 0 && again.rateLimitRowsDeleted == 0 && !again.moreRemain)
        }
    }
}
