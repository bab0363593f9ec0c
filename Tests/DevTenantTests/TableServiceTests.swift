import DevTenant
import EphemCore
import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// The dev Table service over HTTP, as reference 4 and table-service-recorded.md describe it.
@Suite struct TableServiceTests {
    @Test func tablesAreCreatedListedAndDeletedWithTheServiceHeadersAndErrors() async throws {
        try await withTableServer { client in
            let created = try await client.send(.POST, "/Tables", body: #"{"TableName":"Audit"}"#, headers: [("x-ms-client-request-id", "abc-123")])
            #expect(created.status == 201)
            #expect(created.json?.member("TableName")?.stringValue == "Audit")
            #expect(created.json?.member("odata.metadata")?.stringValue == "\(client.server.endpoint)/$metadata#Tables/@Element")
            #expect(created["Content-Type"] == "application/json;odata=minimalmetadata;streaming=true;charset=utf-8")
            #expect(created["x-ms-client-request-id"] == "abc-123")
            #expect(created["x-ms-version"] == "2019-02-02")
            #expect(created["x-ms-request-id"] != nil && created["Date"] != nil)
            #expect(created["Location"] == "\(client.server.endpoint)/Tables('Audit')")
            let date = try #require(created["Date"])
            #expect(created.headers["Date"].count == 1)
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            let parsed = try #require(formatter.date(from: date), "Date is RFC 1123: \(date)")
            #expect(Self.rfc1123(parsed) == date, "weekday and fields agree")
            #expect(abs(parsed.timeIntervalSinceNow) < 60)

            let again = try await client.send(.POST, "/Tables", body: #"{"TableName":"audit"}"#, headers: [("Prefer", "return-no-content")])
            #expect(again.status == 409)
            #expect(again.errorCode == "TableAlreadyExists")
            #expect(again["Preference-Applied"] == "return-no-content")
            #expect(again["x-ms-error-code"] == nil)
            let message = try #require(again.json?.member("odata.error")?.member("message"))
            #expect(message.member("lang")?.stringValue == "en-US")
            let text = try #require(message.member("value")?.stringValue)
            #expect(text.hasPrefix("The table specified already exists.\nRequestId:\(again["x-ms-request-id"] ?? "-")\nTime:"))
            #expect(text.range(of: #"Time:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$"#, options: .regularExpression) != nil)

            let quiet = try await client.send(.POST, "/Tables", body: #"{"TableName":"Limits"}"#, headers: [("Prefer", "return-no-content")])
            #expect(quiet.status == 204)
            #expect(quiet["Preference-Applied"] == "return-no-content")
            #expect(quiet["DataServiceId"] == "\(client.server.endpoint)/Tables('Limits')")
            #expect(quiet["Content-Type"] == nil && quiet.body.isEmpty)

            for bad in ["1abc", "ab", "tables", "has-dash", String(repeating: "a", count: 64)] {
                let answer = try await client.send(.POST, "/Tables", body: #"{"TableName":"\#(bad)"}"#)
                #expect(answer.status == 400 && answer.errorCode == "InvalidResourceName", "\(bad)")
            }

            let listed = try await client.send(.GET, "/Tables")
            #expect(listed.values.compactMap { $0.member("TableName")?.stringValue } == ["Audit", "Limits"])
            let filtered = try await client.send(.GET, "/Tables?$filter=TableName%20eq%20'Limits'")
            #expect(filtered.values.count == 1)
            let one = try await client.send(.GET, "/Tables('audit')")
            #expect(one.status == 200 && one.json?.member("TableName")?.stringValue == "Audit")

            #expect(try await client.send(.DELETE, "/Tables('Audit')").status == 204)
            let gone = try await client.send(.DELETE, "/Tables('Audit')")
            #expect(gone.status == 404 && gone.errorCode == "ResourceNotFound")
            #expect(try await client.send(.GET, "/Tables('Audit')").errorCode == "ResourceNotFound")
            #expect(!client.server.tableExists("Audit") && client.server.tableExists("limits"))
        }
    }

    @Test func insertAndGetKeepTypesOrderAndETags() async throws {
        try await withTableServer { client in
            try await client.createTable("People")
            let body = #"""
            {"PartitionKey":"pk","RowKey":"rk","name":"Ann","age@odata.type":"Edm.Int64","age":"933311100","Birthday@odata.type":"Edm.DateTime","Birthday":"1973-10-04T00:00:00.0000000Z","score@odata.type":"Edm.Double","score":5,"ratio":0.25,"count":7,"ok":true,"id@odata.type":"Edm.Guid","id":"0f9a1c8e-0000-4000-8000-000000000001","blob@odata.type":"Edm.Binary","blob":"AQID","gone":null}
            """#
            let inserted = try await client.send(.POST, "/People", body: body)
            #expect(inserted.status == 201)
            let etag = try #require(inserted.etag)
            #expect(etag.range(of: #"^W/"datetime'\d{4}-\d\d-\d\dT\d\d%3A\d\d%3A\d\d(\.\d{1,7})?Z'"$"#, options: .regularExpression) != nil)
            let json = try #require(inserted.json)
            #expect(json.member("odata.etag")?.stringValue == etag)
            let timestamp = try #require(json.member("Timestamp")?.stringValue)
            #expect(etag == "W/\"datetime'\(timestamp.replacingOccurrences(of: ":", with: "%3A"))'\"")
            #expect(timestamp.range(of: #"\.\d*0Z$"#, options: .regularExpression) == nil, "trailing zeros are trimmed: \(timestamp)")
            #expect(json.member("age")?.stringValue == "933311100" && json.member("age@odata.type")?.stringValue == "Edm.Int64")
            #expect(json.member("Birthday")?.stringValue == "1973-10-04T00:00:00Z")
            #expect(json.member("id@odata.type")?.stringValue == "Edm.Guid" && json.member("blob")?.stringValue == "AQID")
            #expect(json.member("count@odata.type") == nil && json.member("name@odata.type") == nil && json.member("score@odata.type") == nil)
            #expect(inserted.body.contains(#""score":5.0"#))
            #expect(json.member("gone") == nil)
            // PartitionKey, RowKey, Timestamp first, then request order, each annotation just before its value.
            let order = ["\"PartitionKey\"", "\"RowKey\"", "\"Timestamp\"", "\"name\"", "\"age@odata.type\"", "\"age\"", "\"Birthday@odata.type\"", "\"Birthday\"", "\"score\"", "\"ratio\"", "\"count\"", "\"ok\""]
            let positions = order.map { inserted.body.range(of: $0)?.lowerBound }
            #expect(positions.allSatisfy { $0 != nil } && positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())

            let path = TableTestClient.entityPath("People", "pk", "rk")
            let got = try await client.send(.GET, path)
            #expect(got.status == 200 && got.etag == etag)
            #expect(got.json?.member("odata.metadata")?.stringValue == "\(client.server.endpoint)/$metadata#People/@Element")
            let bare = try await client.send(.GET, path, accept: "application/json;odata=nometadata")
            #expect(bare["Content-Type"] == "application/json;odata=nometadata;streaming=true;charset=utf-8")
            #expect(!bare.body.contains("odata.") && bare.json?.member("age")?.stringValue == "933311100")
            let full = try await client.send(.GET, path, accept: "application/json;odata=fullmetadata")
            #expect(full.json?.member("odata.type")?.stringValue == "devstoreaccount1.People")
            #expect(full.json?.member("odata.id")?.stringValue == "\(client.server.endpoint)/People(PartitionKey='pk',RowKey='rk')")
            #expect(full.json?.member("odata.editLink")?.stringValue == "People(PartitionKey='pk',RowKey='rk')")
            #expect(full.json?.member("Timestamp@odata.type")?.stringValue == "Edm.DateTime" && full.json?.member("ok@odata.type") == nil)

            let duplicate = try await client.send(.POST, "/People", body: #"{"PartitionKey":"pk","RowKey":"rk"}"#)
            #expect(duplicate.status == 409 && duplicate.errorCode == "EntityAlreadyExists")
            let noTable = try await client.send(.POST, "/Nobody", body: #"{"PartitionKey":"pk","RowKey":"rk"}"#)
            #expect(noTable.status == 404 && noTable.errorCode == "TableNotFound")
            let missing = try await client.send(.GET, TableTestClient.entityPath("People", "pk", "nope"))
            #expect(missing.status == 404 && missing.errorCode == "ResourceNotFound")
            let quiet = try await client.send(.POST, "/People", body: #"{"PartitionKey":"pk","RowKey":"O'Brien"}"#, headers: [("Prefer", "return-no-content")])
            #expect(quiet.status == 204 && quiet.etag != nil && quiet["Preference-Applied"] == "return-no-content")
            #expect(quiet["Location"] == "\(client.server.endpoint)/People(PartitionKey='pk',RowKey='O''Brien')")
            #expect(try await client.send(.GET, TableTestClient.entityPath("People", "pk", "O'Brien")).status == 200)
            let empty = try await client.send(.POST, "/People", body: #"{"PartitionKey":"","RowKey":""}"#)
            #expect(empty.status == 201)
            let noKeys = try await client.send(.POST, "/People", body: #"{"PartitionKey":"x"}"#)
            #expect(noKeys.status == 400 && noKeys.errorCode == "PropertiesNeedValue")
            let xml = try await client.send(.POST, "/People", body: #"{"PartitionKey":"pk","RowKey":"rk"}"#, accept: "*/*")
            #expect(xml.status == 409 && xml.body.contains("<code>EntityAlreadyExists</code>"))
            #expect(client.server.entityCount(table: "people") == 3)
        }
    }

    @Test func theIfMatchMatrixHoldsForUpdateMergeUpsertAndDelete() async throws {
        try await withTableServer { client in
            try await client.createTable("Locks")
            let path = TableTestClient.entityPath("Locks", "p", "r")
            var etag = try #require(try await client.insert("Locks", #"{"PartitionKey":"p","RowKey":"r","age":1,"zeta":"z"}"#).etag)
            var seen: Set<String> = [etag]
            func write(_ method: HTTPMethod, _ ifMatch: String?, _ body: String = #"{"Birthday":"b"}"#) async throws -> TableAnswer {
                let answer = try await client.send(method, path, body: body, headers: ifMatch.map { [("If-Match", $0)] } ?? [])
                if answer.status == 204, let new = answer.etag {
                    #expect(seen.insert(new).inserted, "every write has a new ETag")
                    etag = new
                }
                return answer
            }
            for method in [HTTPMethod.PUT, .MERGE, .PATCH] {
                let stale = etag
                #expect(try await write(method, "*").status == 204)
                let conflict = try await write(method, stale)
                #expect(conflict.status == 412 && conflict.errorCode == "UpdateConditionNotSatisfied", "\(method)")
                #expect(try await write(method, etag).status == 204)
                #expect(try await write(method, nil).status == 204)
                let empty = try await write(method, "")
                #expect(empty.status == 412, "\(method) with an empty If-Match")
                let strong = try await write(method, "\"abc\"")
                #expect(strong.status == 400 && strong.errorCode == "InvalidInput", "\(method) with a strong ETag")
                let absent = try await client.send(method, TableTestClient.entityPath("Locks", "p", "absent"), body: "{}", headers: [("If-Match", "*")])
                #expect(absent.status == 404 && absent.errorCode == "ResourceNotFound")
            }
            // Merge keeps other properties; replace drops them; both come back in ordinal name order.
            _ = try await write(.PUT, "*", #"{"age":1,"zeta":"z"}"#)
            _ = try await write(.MERGE, etag, #"{"Birthday":"b","age@odata.type":"Edm.Int64","age":"39"}"#)
            let merged = try await client.send(.GET, path)
            #expect(merged.json?.member("zeta")?.stringValue == "z" && merged.json?.member("age")?.stringValue == "39")
            let b = try #require(merged.body.range(of: "\"Birthday\"")), a = try #require(merged.body.range(of: "\"age@odata.type\""))
            #expect(b.lowerBound < a.lowerBound)
            _ = try await write(.PUT, etag, #"{"only":"this"}"#)
            let replaced = try await client.send(.GET, path)
            #expect(replaced.json?.member("zeta") == nil && replaced.json?.member("only")?.stringValue == "this")
            // Upserts create.
            let upserted = try await client.send(.PUT, TableTestClient.entityPath("Locks", "p", "new"), body: #"{"x":1}"#)
            #expect(upserted.status == 204 && upserted.etag != nil && upserted["Location"] == nil)
            let mergedNew = try await client.send(.PATCH, TableTestClient.entityPath("Locks", "p", "new2"), body: #"{"x":1}"#)
            #expect(mergedNew.status == 204)
            // Delete: If-Match required, stale 412, * unconditional, missing 404.
            #expect(try await client.send(.DELETE, path).status == 400)
            let staleDelete = try await client.send(.DELETE, path, headers: [("If-Match", seen.first { $0 != etag }!)])
            #expect(staleDelete.status == 412 && staleDelete.errorCode == "UpdateConditionNotSatisfied")
            let deleted = try await client.send(.DELETE, path, headers: [("If-Match", etag)])
            #expect(deleted.status == 204 && deleted.etag == nil)
            let again = try await client.send(.DELETE, path, headers: [("If-Match", "*")])
            #expect(again.status == 404 && again.errorCode == "ResourceNotFound")
            #expect(try await client.send(.DELETE, TableTestClient.entityPath("Locks", "p", "new"), headers: [("If-Match", "*")]).status == 204)
            #expect(client.server.entityCount(table: "Locks") == 1)
        }
    }

    @Test func keyCharactersAndSizesFollowTheDataModel() async throws {
        try await withTableServer { client in
            try await client.createTable("Rules")
            for bad in ["a/b", "a\\\\b", "a#b", "a?b", "a\\u0001b", "a\\tb", "a\\u007fb", "a\\u0085b"] {
                let answer = try await client.send(.POST, "/Rules", body: #"{"PartitionKey":"\#(bad)","RowKey":"r"}"#)
                #expect(answer.status == 400 && answer.errorCode == "InvalidInput", "\(bad)")
                let row = try await client.send(.POST, "/Rules", body: #"{"PartitionKey":"p","RowKey":"\#(bad)"}"#)
                #expect(row.status == 400 && row.errorCode == "InvalidInput", "\(bad)")
            }
            let longKey = String(repeating: "k", count: 513)
            #expect(try await client.send(.POST, "/Rules", body: #"{"PartitionKey":"\#(longKey)","RowKey":"r"}"#).errorCode == "KeyValueTooLarge")
            #expect(try await client.send(.POST, "/Rules", body: #"{"PartitionKey":"\#(longKey.dropLast())","RowKey":"r"}"#).status == 201)

            func entity(_ rk: String, _ properties: [String]) -> String {
                #"{"PartitionKey":"p","RowKey":"\#(rk)""# + properties.map { "," + $0 }.joined() + "}"
            }
            let many = (0..<253).map { #""p\#($0)":\#($0)"# }
            #expect(try await client.send(.POST, "/Rules", body: entity("many", many)).errorCode == "TooManyProperties")
            #expect(try await client.send(.POST, "/Rules", body: entity("max", Array(many.prefix(252)))).status == 201)
            let big = String(repeating: "x", count: 32 * 1024)
            #expect(try await client.send(.POST, "/Rules", body: entity("s1", [#""s":"\#(big)""#])).status == 201)
            #expect(try await client.send(.POST, "/Rules", body: entity("s2", [#""s":"\#(big)x""#])).errorCode == "PropertyValueTooLarge")
            let huge = (0..<17).map { #""s\#($0)":"\#(big)""# }
            #expect(try await client.send(.POST, "/Rules", body: entity("huge", huge)).errorCode == "EntityTooLarge")
            #expect(try await client.send(.POST, "/Rules", body: entity("n", [#""1bad":1"#])).errorCode == "PropertyNameInvalid")
            #expect(try await client.send(.POST, "/Rules", body: entity("d", [#""a":1"#, #""a":2"#])).errorCode == "DuplicatePropertiesSpecified")
            #expect(try await client.send(.POST, "/Rules", body: entity("t", [#""a@odata.type":"Edm.Int64""#, #""a":"x""#])).errorCode == "InvalidInput")
            #expect(try await client.send(.POST, "/Rules", body: entity("o", [#""a":{"b":1}"#])).errorCode == "InvalidInput")
            #expect(try await client.send(.POST, "/Rules", body: "not json").errorCode == "InvalidInput")
            #expect(try await client.send(.GET, "/Rules(PartitionKey='a%2Fb',RowKey='r')").errorCode == "InvalidInput")
            #expect(try await client.send(.GET, "/Rules()?$top=1001").errorCode == "InvalidInput")
            #expect(try await client.send(.POST, "/$batch", body: "").status == 501)
        }
    }

    @Test func continuationPagesReturnEveryEntityOnceInKeyOrder() async throws {
        try await withTableServer(pageSize: 7) { client in
            try await client.createTable("Pages")
            var expected: [String] = []
            for index in (0..<25).reversed() {
                let pk = "p\(index % 3)", rk = String(format: "r%03d", index)
                try await client.insert("Pages", #"{"PartitionKey":"\#(pk)","RowKey":"\#(rk)","n":\#(index)}"#)
                expected.append(pk + "/" + rk)
            }
            expected.sort()
            let (pages, tokens) = try await client.queryAll("Pages", query: "")
            #expect(pages.map(\.count) == [7, 7, 7, 4])
            let seen = pages.flatMap { $0 }.map { "\($0.member("PartitionKey")?.stringValue ?? "")/\($0.member("RowKey")?.stringValue ?? "")" }
            #expect(seen == expected)
            // Tokens: 1!<length>!<base64 with '-' padding>, pointing at the first row of the next page.
            let first = try #require(tokens.first)
            #expect(first == "1!4!cDA-")  // "p0", the PartitionKey of the 8th row
            #expect(tokens.allSatisfy { $0.range(of: #"^1!\d+![A-Za-z0-9+/]+-*$"#, options: .regularExpression) != nil })
            let topped = try await client.queryAll("Pages", query: "$top=5")
            #expect(topped.pages.map(\.count) == [5, 5, 5, 5, 5])
            let filtered = try await client.queryAll("Pages", query: "$filter=" + TableTestClient.queryEscape("PartitionKey eq 'p1'"))
            #expect(filtered.pages.map(\.count) == [7, 1])
            #expect(try await client.send(.GET, "/Pages()?NextPartitionKey=garbage").errorCode == "InvalidInput")
        }
    }

    @Test func filtersAreTypeAwareAndSelectProjects() async throws {
        try await withTableServer { client in
            try await client.createTable("Filters")
            for index in 0..<10 {
                let when = String(format: "2024-01-%02dT12:00:00Z", index + 1)
                try await client.insert("Filters", #"{"PartitionKey":"p","RowKey":"r\#(index)","big@odata.type":"Edm.Int64","big":"\#(index * 1_000_000_000_000)","small":\#(index),"when@odata.type":"Edm.DateTime","when":"\#(when)","name":"\#(index == 3 ? "O'Brien" : "n\(index)")","odd":\#(index % 2 == 1)}"#)
            }
            func rows(_ filter: String, select: String? = nil) async throws -> [String] {
                var query = "$filter=" + TableTestClient.queryEscape(filter)
                if let select { query += "&$select=" + select }
                let answer = try await client.send(.GET, "/Filters()?\(query)")
                #expect(answer.status == 200, "\(filter): \(answer.body)")
                return answer.values.compactMap { $0.member("RowKey")?.stringValue }
            }
            #expect(try await rows("RowKey ge 'r3' and RowKey lt 'r6'") == ["r3", "r4", "r5"])
            #expect(try await rows("PartitionKey eq 'p' and RowKey gt 'r7'") == ["r8", "r9"])
            #expect(try await rows("big gt 7000000000000L") == ["r8", "r9"])
            #expect(try await rows("big eq 2000000000000") == ["r2"])  // too big for Int32: an Int64 literal
            #expect(try await rows("small eq 2L").isEmpty)  // Int32 property, Int64 literal: no match
            #expect(try await rows("small eq '2'").isEmpty)
            #expect(try await rows("small le 1 or small ge 9") == ["r0", "r1", "r9"])
            #expect(try await rows("not (small lt 8)") == ["r8", "r9"])
            #expect(try await rows("when lt datetime'2024-01-03T00:00:00Z'") == ["r0", "r1"])
            #expect(try await rows("name eq 'O''Brien'") == ["r3"])
            #expect(try await rows("odd and small gt 5") == ["r7", "r9"])
            #expect(try await rows("odd eq false and (small eq 0 or small eq 4)") == ["r0", "r4"])
            #expect(try await rows("Timestamp gt datetime'2000-01-01T00:00:00Z'").count == 10)
            #expect(try await rows("missing eq 'x' or missing ne 'x'").isEmpty)
            for bad in ["small eq", "small eq 'x", "(small eq 1", "small eq 1 and", "small xx 1", "startswith(name, 'n')", "'x'", "small eq 1 1"] {
                let answer = try await client.send(.GET, "/Filters()?$filter=" + TableTestClient.queryEscape(bad))
                #expect(answer.status == 400 && answer.errorCode == "InvalidInput", "\(bad)")
            }
            let selected = try await client.send(.GET, "/Filters()?$filter=" + TableTestClient.queryEscape("RowKey eq 'r1'") + "&$select=name,small")
            let entity = try #require(selected.values.first?.objectValue)
            #expect(Set(entity.keys) == ["odata.etag", "name", "small"])
        }
    }

    @Test func requestsWithoutAValidCredentialAreRefused() async throws {
        try await withTableServer { client in
            let none = try await client.send(.GET, "/Tables", authorization: "")
            #expect(none.status == 401)
            #expect(none["Content-Type"] == "application/xml" && none["x-ms-error-code"] == "InvalidAuthenticationInfo")
            #expect(none.body.contains("<m:code>InvalidAuthenticationInfo</m:code>"))
            #expect(none["WWW-Authenticate"]?.hasPrefix("Bearer authorization_uri=\(client.tenant.baseURL)/") == true)
            let graph = try await TableTestClient.managedIdentityToken(tenant: client.tenant, resource: "https://graph.microsoft.com")
            #expect(try await client.send(.GET, "/Tables", authorization: "Bearer \(graph)").status == 401)
            let now = Date().timeIntervalSince1970
            var claims: [String: JSONValue] = [
                "aud": .string("https://storage.azure.com"), "iss": .string("https://sts.windows.net/\(client.tenant.seed.tenantId)/"),
                "nbf": .number(now - 7200), "exp": .number(now - 3600), "idtyp": .string("app"),
            ]
            let expired = try client.tenant.signer.sign(claims: claims)
            #expect(try await client.send(.GET, "/Tables", authorization: "Bearer \(expired)").status == 401)
            claims["exp"] = .number(now + 3600)
            let valid = try client.tenant.signer.sign(claims: claims)
            #expect(try await client.send(.GET, "/Tables", authorization: "Bearer \(valid)").status == 200)
            claims["iss"] = .string("https://sts.windows.net/00000000-0000-0000-0000-000000000000/")
            #expect(try await client.send(.GET, "/Tables", authorization: "Bearer \(try client.tenant.signer.sign(claims: claims))").status == 401)
            let tampered = String(valid.dropLast(4)) + (valid.hasSuffix("AAAA") ? "BBBB" : "AAAA")
            #expect(try await client.send(.GET, "/Tables", authorization: "Bearer \(tampered)").status == 401)
            let oldVersion = try await client.send(.GET, "/Tables", version: "2017-04-17")
            #expect(oldVersion.status == 403 && oldVersion["x-ms-error-code"] == "AuthenticationFailed")
            #expect(try await client.send(.GET, "/Tables", version: nil).status == 403)

            let date = Self.rfc1123(Date())
            let resource = "/devstoreaccount1/devstoreaccount1/Tables"
            let good = DevTableServer.sharedKeySignature("GET\n\n\n\(date)\n\(resource)")
            let signed = try await client.send(.GET, "/Tables", headers: [("x-ms-date", date)], authorization: "SharedKey devstoreaccount1:\(good)")
            #expect(signed.status == 200)
            let lite = DevTableServer.sharedKeySignature("\(date)\n\(resource)")
            #expect(try await client.send(.GET, "/Tables", headers: [("x-ms-date", date)], authorization: "SharedKeyLite devstoreaccount1:\(lite)").status == 200)
            let wrong = try await client.send(.GET, "/Tables", headers: [("x-ms-date", date)], authorization: "SharedKey devstoreaccount1:\(DevTableServer.sharedKeySignature("something else"))")
            #expect(wrong.status == 403 && wrong["x-ms-error-code"] == "AuthenticationFailed" && wrong.body.contains("<m:code>AuthenticationFailed</m:code>"))
            let old = Self.rfc1123(Date().addingTimeInterval(-3600))
            let stale = DevTableServer.sharedKeySignature("GET\n\n\n\(old)\n\(resource)")
            #expect(try await client.send(.GET, "/Tables", headers: [("x-ms-date", old)], authorization: "SharedKey devstoreaccount1:\(stale)").status == 403)
        }
    }

    @Test func faultsInjectedThroughTheDevTenantHitTheTableServiceAndAreLogged() async throws {
        try await withTableServer { client in
            try await client.createTable("Faults")
            let added = try await plainCall(.POST, "\(client.tenant.baseURL)/dev/faults", body: #"{"target":"table","status":503,"count":1,"method":"GET"}"#)
            #expect(added.status == 204)
            let failed = try await client.send(.GET, "/Faults()")
            #expect(failed.status == 503 && failed.errorCode == "ServerBusy")
            let ok = try await client.send(.GET, "/Faults()")
            #expect(ok.status == 200)
            let log = try await plainCall(.GET, "\(client.tenant.baseURL)/dev/requests")
            let records = try StrictJSON.parse(Array(log.body.utf8)).arrayValue ?? []
            let table = records.filter { $0.member("target")?.stringValue == "table" }
            #expect(table.compactMap { $0.member("status")?.doubleValue } == [201, 503, 200])
            #expect(table.last?.member("path")?.stringValue == "/devstoreaccount1/Faults()")
        }
    }

    static func rfc1123(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}
