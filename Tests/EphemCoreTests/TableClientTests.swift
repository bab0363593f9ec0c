import DevTenant
import EphemCore
import Foundation
import TestSupport
import Testing

/// The real Table client against the dev Table service over HTTP with managed-identity tokens.
@Suite struct TableClientTests {
    @Test func crudWithETagsAndTypedErrors() async throws {
        try await withStorage { stack, clients in
            let client = clients[0]
            try await client.createTableIfNeeded("Things")
            try await client.createTableIfNeeded("Things")
            let entity = TableEntity(partitionKey: "p'1", rowKey: "r 1", properties: [
                "Name": .string("O'Neil"), "Count": .int64(9_007_199_254_740_993), "When": .dateTime("2026-11-23T06:00:00.1234567Z"),
                "Flag": .bool(true), "Small": .int32(7),
            ])
            let etag = try await client.insert("Things", entity)
            await #expect(throws: TableError.entityAlreadyExists) { try await client.insert("Things", entity) }
            let read = try #require(try await client.get("Things", partitionKey: "p'1", rowKey: "r 1"))
            #expect(read.etag == etag)
            #expect(read["Name"] == .string("O'Neil"))
            #expect(read["Count"] == .int64(9_007_199_254_740_993))
            #expect(read["When"]?.dateTimeValue?.hasPrefix("2026-11-23T06:00:00.1234567") == true)
            #expect(read["Flag"] == .bool(true) && read["Small"] == .int32(7))

            var changed = entity
            changed["Name"] = .string("New")
            let newETag = try await client.replace("Things", changed, ifMatch: etag)
            #expect(newETag != etag)
            await #expect(throws: TableError.conditionNotSatisfied) { try await client.replace("Things", changed, ifMatch: etag) }
            await #expect(throws: TableError.conditionNotSatisfied) { try await client.delete("Things", partitionKey: "p'1", rowKey: "r 1", ifMatch: etag) }
            try await client.delete("Things", partitionKey: "p'1", rowKey: "r 1", ifMatch: newETag)
            #expect(try await client.get("Things", partitionKey: "p'1", rowKey: "r 1") == nil)
            await #expect(throws: TableError.notFound) { try await client.delete("Things", partitionKey: "p'1", rowKey: "r 1", ifMatch: "*") }
        }
    }

    @Test func queriesFilterServerSideAndPageWithContinuations() async throws {
        try await withStorage { stack, clients in
            let client = clients[0]
            try await client.createTableIfNeeded("Rows")
            stack.tables.setPageSize(7)
            for index in 0..<25 {
                let key = index < 10 ? "0\(index)" : "\(index)"
                try await client.insert("Rows", TableEntity(partitionKey: index % 2 == 0 ? "even" : "odd", rowKey: key, properties: ["Who": .string(index == 3 ? "it's me" : "x")]))
            }
            var seen: [String] = []
            var continuation: TableClient.Continuation?
            var pages = 0
            repeat {
                let page = try await client.query("Rows", continuation: continuation)
                seen += page.entities.map { "\($0.partitionKey)/\($0.rowKey)" }
                continuation = page.continuation
                pages += 1
            } while continuation != nil
            #expect(seen.count == 25 && Set(seen).count == 25)
            #expect(pages >= 4)
            #expect(seen == seen.sorted(), "partition then row key order")
            let quoted = try await client.query("Rows", filter: "Who eq \(ODataLiteral.string("it's me"))")
            #expect(quoted.entities.map(\.rowKey) == ["03"])
            let range = try await client.query("Rows", filter: "PartitionKey eq 'even' and RowKey ge '10' and RowKey lt '20'")
            #expect(range.entities.map(\.rowKey) == ["10", "12", "14", "16", "18"])
            let selected = try await client.query("Rows", filter: "RowKey eq '05'", select: ["Who"])
            #expect(selected.entities.first?.properties.keys.sorted() == ["Who"])
        }
    }

    @Test func transientFailuresAreRetriedBoundedly() async throws {
        try await withStorage { stack, clients in
            let client = clients[0]
            try await client.createTableIfNeeded("Retry")
            stack.tenant.faults.add(Fault(target: .table, status: 503, count: 2))
            try await client.insert("Retry", TableEntity(partitionKey: "p", rowKey: "1"))
            stack.tenant.faults.add(Fault(target: .table, status: 503))
            await #expect(throws: TableError.self) { try await client.insert("Retry", TableEntity(partitionKey: "p", rowKey: "2")) }
            stack.tenant.faults.clear()
            let attempts = stack.tenant.requests.all.filter { $0.target == .table && $0.method == "POST" && $0.path.hasSuffix("/Retry") }
            #expect(attempts.map(\.status) == [503, 503, 201, 503, 503, 503, 503] || attempts.map(\.status) == [503, 503, 204, 503, 503, 503, 503])
            #expect(try await client.get("Retry", partitionKey: "p", rowKey: "2") == nil, "the failed insert left nothing")
        }
    }
}
