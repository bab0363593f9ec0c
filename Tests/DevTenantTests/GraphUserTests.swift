import DevTenant
import EphemCore
import Foundation
import Testing

/// `GET /v1.0/users/{id | upn}` and `GET /v1.0/users` (graph-contracts.md section 3).
@Suite struct GraphUserTests {
    @Test func aUserHasTheDefaultPropertiesOrTheSelectedOnes() async throws {
        try await withGraph { client in
            let plain = try await client.get("/v1.0/users/\(Demo.lena)")
            #expect(plain.status == 200)
            let keys = try #require(plain.json?.objectValue).keys.sorted()
            #expect(keys == ["@odata.context", "businessPhones", "displayName", "givenName", "id", "jobTitle", "mail", "mobilePhone",
                             "officeLocation", "preferredLanguage", "surname", "userPrincipalName"])
            #expect(plain["@odata.context"]?.stringValue == "\(client.tenant.baseURL)/v1.0/$metadata#users/$entity")
            #expect(plain["preferredLanguage"]?.stringValue == "de-DE")
            #expect(plain["mobilePhone"] == .null && plain["businessPhones"] == .array([]))
            #expect(plain.header("request-id").flatMap { GUID($0) } != nil)
            #expect(plain.header("Content-Type")?.hasPrefix("application/json") == true)

            let selected = try await client.get("/v1.0/users/\(Demo.dave)?$select=id,accountEnabled,userType,department,DisplayName")
            #expect(selected.status == 200)
            #expect(selected.json?.objectValue?.keys.sorted() == ["@odata.context", "accountEnabled", "department", "displayName", "id", "userType"])
            #expect(selected["accountEnabled"] == .bool(false) && selected["userType"]?.stringValue == "Member")
            #expect(selected["@odata.context"]?.stringValue?.hasSuffix("#users(id,accountEnabled,userType,department,displayName)/$entity") == true)

            let byUPN = try await client.get("/v1.0/users/LENA.User@Contoso.Example?$select=id")
            #expect(byUPN["id"]?.stringValue == Demo.lena)
            let guest = try await client.get("/v1.0/users/\(GraphTestClient.encode(Demo.guestUPN))?$select=id,userType")
            #expect(guest["id"]?.stringValue == Demo.guest && guest["userType"]?.stringValue == "Guest")
        }
    }

    @Test func unknownUsersAndPropertiesAreGraphErrors() async throws {
        try await withGraph { client in
            let missing = try await client.send(.GET, "/v1.0/users/00000000-0000-4000-8000-00000000abcd", headers: [("client-request-id", "c0ffee00-0000-4000-8000-000000000001")])
            #expect(missing.status == 404 && missing.errorCode == "Request_ResourceNotFound")
            #expect(missing.errorMessage == "Resource '00000000-0000-4000-8000-00000000abcd' does not exist or one of its queried reference-property objects are not present.")
            let inner = try #require(missing.json?.member("error")?.member("innerError"))
            #expect(inner.member("client-request-id")?.stringValue == "c0ffee00-0000-4000-8000-000000000001")
            #expect(inner.member("request-id")?.stringValue == missing.header("request-id"))
            #expect(inner.member("date")?.stringValue?.count == 19)
            #expect(missing.header("client-request-id") == "c0ffee00-0000-4000-8000-000000000001")
            #expect(try await client.get("/v1.0/users/nobody@contoso.example").errorCode == "Request_ResourceNotFound")

            let badSelect = try await client.get("/v1.0/users/\(Demo.lena)?$select=id,shoeSize")
            #expect(badSelect.status == 400 && badSelect.errorCode == "Request_BadRequest")
            #expect(try await client.get("/v1.0/users?$select=id&$select=mail").errorCode == "Request_BadRequest")
        }
    }

    func search(_ client: GraphTestClient, _ filter: String, extra: String = "", headers: [(String, String)] = []) async throws -> GraphAnswer {
        try await client.get("/v1.0/users?$filter=\(GraphTestClient.encode(filter))&$select=id,displayName,userPrincipalName,mail\(extra)", headers: headers)
    }

    @Test func theBasicFilterGrammarWorksCaseInsensitivelyInSeedOrder() async throws {
        try await withGraph { client in
            let anna = try await search(client, "startswith(displayName,'ANNA') or startswith(userPrincipalName,'anna') or startswith(mail,'anna')")
            #expect(anna.status == 200)
            #expect(anna.strings("displayName") == ["Anna Schmidt", "Anna Schulz"])
            #expect(anna.values.first?.objectValue?.keys.sorted() == ["displayName", "id", "mail", "userPrincipalName"])
            let hannah = try await search(client, "startswith(givenName,'hannah')")
            #expect(hannah.strings("id") == [Demo.agent, Demo.user(28)])
            let quoted = try await search(client, "startswith(displayName,'Seán O''Br')")
            #expect(quoted.strings("id") == [Demo.sean])
            let grouped = try await search(client, "(startswith(surname,'Sch') and accountEnabled eq true) or id eq '\(Demo.dave.uppercased())'")
            #expect(grouped.strings("displayName") == ["Dave Disabled", "Anna Schmidt", "Anna Schulz", "Hannah Schneider"])
            let guests = try await search(client, "userType eq 'Guest'")
            #expect(guests.strings("id") == [Demo.guest])
            let disabled = try await search(client, "accountEnabled eq false")
            #expect(disabled.strings("id") == [Demo.dave, Demo.user(14)])
            let list = try await search(client, "id in ('\(Demo.sam)', '\(Demo.lena)')")
            #expect(list.strings("id") == [Demo.lena, Demo.sam])
            let upn = try await search(client, "userPrincipalName eq 'GRACE.ADMIN@contoso.example'")
            #expect(upn.strings("id") == [Demo.grace])
            #expect(try await search(client, "startswith(displayName,'zz')").values.isEmpty)
        }
    }

    @Test func advancedAndBrokenFiltersAreRefusedAsGraphRefusesThem() async throws {
        try await withGraph { client in
            for filter in ["endswith(mail,'@contoso.example')", "displayName ne 'x'", "not(startswith(displayName,'A'))", "contains(displayName,'a')"] {
                let answer = try await search(client, filter)
                #expect(answer.status == 400 && answer.errorCode == "Request_UnsupportedQuery", "\(filter)")
            }
            for filter in ["jobTitle eq 'x'", "displayName gt 'a'", "startswith(id,'a')"] {
                #expect(try await search(client, filter).errorCode == "Request_UnsupportedQuery", "\(filter)")
            }
            for filter in ["startswith(displayName,'A'", "displayName eq 'open", "displayName eq", "shoeSize eq '4'", "accountEnabled eq 'yes'", "and"] {
                let answer = try await search(client, filter)
                #expect(answer.status == 400 && answer.errorCode == "Request_BadRequest", "\(filter)")
            }
            for extra in ["&$search=%22displayName:anna%22", "&$orderby=displayName"] {
                #expect(try await search(client, "startswith(displayName,'A')", extra: extra).errorCode == "Request_UnsupportedQuery", "\(extra)")
            }
            // `$count=true` without `ConsistencyLevel` is silently ignored (aad-advanced-queries;
            // fixture users-count-without-header-silently-ignored): no count, no refusal.
            let uncounted = try await search(client, "startswith(displayName,'A')", extra: "&$count=true")
            #expect(uncounted.status == 200 && uncounted["@odata.count"] == nil)
            let eventual = [("ConsistencyLevel", "eventual")]
            let ends = try await search(client, "endswith(userPrincipalName,'#EXT#@contoso.example')", extra: "&$count=true", headers: eventual)
            #expect(ends.status == 200 && ends.strings("id") == [Demo.guest] && ends["@odata.count"] == .number(1))
            let ordered = try await search(client, "startswith(givenName,'a')", extra: "&$count=true&$orderby=displayName%20desc", headers: eventual)
            #expect(ordered.strings("displayName") == ["Anna Schulz", "Anna Schmidt", "Andreas Weber", "Alex Partner (Fabrikam)", "Aisha Khan"])
            let negated = try await search(client, "userType ne 'Member'", extra: "&$count=true", headers: eventual)
            #expect(negated.strings("id") == [Demo.guest])
            #expect(try await search(client, "endswith(displayName,'a')", extra: "&$count=true", headers: eventual).errorCode == "Request_UnsupportedQuery")
        }
    }

    @Test func usersArePagedWithAbsoluteNextLinks() async throws {
        try await withGraph { client in
            let all = try await client.pages("/v1.0/users?$select=id")
            #expect(all.count == 1 && all[0].values.count == Seed.demo.users.count)

            client.graph.setMaxPageSize(5)
            let pages = try await client.pages("/v1.0/users?$select=id,displayName&$top=999")
            #expect(pages.count == (Seed.demo.users.count + 4) / 5)
            #expect(pages.dropLast().allSatisfy { $0.values.count == 5 })
            #expect(pages.flatMap { $0.strings("id") } == Seed.demo.users.map(\.id))
            let link = try #require(pages[0].nextLink)
            #expect(link.hasPrefix("\(client.tenant.baseURL)/v1.0/users?") && link.contains("$skiptoken=") && link.contains("$select=id,displayName"))
            #expect(pages.last?.nextLink == nil)

            client.graph.setMaxPageSize(999)
            let filtered = try await client.pages("/v1.0/users?$filter=\(GraphTestClient.encode("startswith(displayName,'a')"))&$top=2&$select=id")
            #expect(filtered.map { $0.values.count } == [2, 2, 1])
            #expect(filtered.flatMap { $0.strings("id") }.count == 5)

            #expect(try await client.get("/v1.0/users?$top=1000").errorCode == "Request_BadRequest")
            #expect(try await client.get("/v1.0/users?$top=0").errorCode == "Request_BadRequest")
            #expect(try await client.get("/v1.0/users?$skiptoken=garbage").errorCode == "Request_BadRequest")
            // A token belongs to its query.
            let other = link.replacingOccurrences(of: "/v1.0/users?", with: "/v1.0/groups?")
            #expect(try await client.get(other).status == 400)
        }
    }
}
