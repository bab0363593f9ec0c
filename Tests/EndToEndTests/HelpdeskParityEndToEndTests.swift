import DevTenant
import EphemCore
import Foundation
import TestSupport
import Testing

/// Issue 14 through the real helpdesk binary, the host emulator and the dev tenant: search by
/// surname, given name and each word of the display name (item 4), the per-request options of
/// SPEC 6.3 (item 5) and the case-insensitive, prefix and ticket audit filters (item 8).
@Suite struct HelpdeskParityEndToEndTests {
    static let agent = "aaaaaaaa-0000-4000-8000-000000000001"
    static let lena = "aaaaaaaa-0000-4000-8000-000000000003"
    static let sam = "aaaaaaaa-0000-4000-8000-000000000004"
    static func demo(_ n: Int) -> String { "aaaaaaaa-0000-4000-8000-0000000000\(n < 10 ? "0" : "")\(n)" }

    static func upns(_ reply: TapStack.Reply) -> [String] {
        (reply.json?["users"] as? [[String: Any]] ?? []).compactMap { $0["upn"] as? String }
    }

    @Test func searchFindsSurnamesGivenNamesAndEveryWordOfTheDisplayName() async throws {
        try await withTapStack(seed: .demo, apps: .helpdesk) { stack in
            let token = try stack.token("helpdesk", Self.agent)
            func search(_ q: String) async throws -> TapStack.Reply {
                try await stack.call(stack.helpdesk, "GET", "/api/search-user?q=\(URLQuery.encode(q))", token: token)
            }
            // Surnames and given names (basic startswith on givenName/surname).
            #expect(Self.upns(try await search("Wei")) == ["li.wei@contoso.example"])
            #expect(Self.upns(try await search("O'Brien")) == ["sean.obrien@contoso.example"])
            #expect(Self.upns(try await search("Müller")) == ["juergen.mueller@contoso.example"])
            #expect(Self.upns(try await search("müller")) == ["juergen.mueller@contoso.example"])
            // A word inside a hyphenated surname: only Graph's tokenized $search (with ConsistencyLevel) finds it.
            // Each search is two reads of /users, both answered 200 (a $search without the header would be a 400).
            stack.tenant.requests.clear()
            #expect(Self.upns(try await search("Farsi")) == ["mohammed.al-farsi@contoso.example"])
            let reads = stack.tenant.requests.all.filter { $0.path == "/v1.0/users" }
            #expect(reads.count == 2 && reads.allSatisfy { $0.status == 200 })
            // UPN prefix still works, and each user comes once.
            let hannah = Self.upns(try await search("hannah"))
            #expect(Set(hannah) == ["hannah.agent@contoso.example", "hannah.schneider@contoso.example"] && hannah.count == 2)
            #expect(Self.upns(try await search("zzzz")) == [])
            // The external guest is marked; userType comes with every result.
            let guest = try await search("alex")
            let item = try #require((guest.json?["users"] as? [[String: Any]])?.first)
            #expect(item["userType"] as? String == "Guest" && item["externalGuest"] as? Bool == true)
            let member = try #require((try await search("Lena")).json?["users"] as? [[String: Any]])
            #expect(member.first?["userType"] as? String == "Member" && member.first?["externalGuest"] as? Bool == false)
            // Still escaped and bounded.
            #expect(try await search("a").code == "invalid_query")
            #expect(try await search(#"x" OR "displayName:a"#).status == 200)
            #expect(Self.upns(try await search(#"x" OR "displayName:a"#)) == [])
        }
    }

    @Test func optionsWithinTheRangeAreIssuedAsAskedAndGraphReceivesThem() async throws {
        try await withTapStack(seed: .demo, apps: .helpdesk,
                               helpdeskSettings: ["TAP_MAX_LIFETIME_MINUTES": "240", "TAP_ALLOW_MULTI_USE": "true"]) { stack in
            let token = try stack.token("helpdesk", Self.agent)
            let config = try await stack.call(stack.helpdesk, "GET", "/api/config", token: nil)
            let options = try #require(config.json?["tapOptions"] as? [String: Any])
            #expect(options["minLifetimeMinutes"] as? Int == 60 && options["maxLifetimeMinutes"] as? Int == 240)
            #expect(options["multiUseAllowed"] as? Bool == true && options["maxStartDaysAhead"] as? Int == 30)

            let start = Date().addingTimeInterval(2 * 86400).formatted(.iso8601)
            let issued = try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(Self.lena)", token: token,
                                              body: #"{"lifetimeInMinutes": 90, "isUsableOnce": false, "startDateTime": "\#(start)", "ticketId": "NH-1"}"#)
            #expect(issued.status == 200)
            #expect(issued.json?["lifetimeInMinutes"] as? Int == 90 && issued.json?["isUsableOnce"] as? Bool == false)
            let answeredText = try #require(issued.json?["startDateTime"] as? String)
            let answeredStart = try #require(GraphDate.parse(answeredText))
            #expect(abs(answeredStart.timeIntervalSince(try #require(GraphDate.parse(start)))) < 1)
            #expect(issued.json?["temporaryAccessPass"] is String)
            // What Graph received (and keeps): the dev tenant's pass.
            let pass = try #require(stack.tenant.graph.temporaryAccessPass(forUser: Self.lena))
            #expect(pass.lifetimeInMinutes == 90 && pass.isUsableOnce == false)
            #expect(abs(pass.startDateTime.timeIntervalSince(try #require(GraphDate.parse(start)))) < 1)
            // NotYetValid is the pass as asked, not a refusal: kept, shown, and it counts as active.
            let status = try await stack.call(stack.helpdesk, "GET", "/api/users/\(Self.lena)/tap", token: token)
            let tap = try #require(status.json?["tap"] as? [String: Any])
            #expect(tap["isUsable"] as? Bool == false && tap["methodUsabilityReason"] as? String == "NotYetValid")
            #expect(try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(Self.lena)", token: token).code == "tap_active")
            let success = try await stack.auditRows(.helpdesk).filter { $0["Action"]?.stringValue == "SUCCESS" }
            #expect(success.count == 1 && success.first?["TapLifetimeMinutes"]?.int64Value == 90 && success.first?["TapIsUsableOnce"]?.boolValue == false)

            // The configured values when no option is given.
            let plain = try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(Self.sam)", token: token)
            #expect(plain.status == 200 && plain.json?["lifetimeInMinutes"] as? Int == 120 && plain.json?["isUsableOnce"] as? Bool == true)
        }
    }

    @Test func optionsOutsideTheRangeAreRefusedBeforeAnyCreate() async throws {
        try await withTapStack(seed: .demo, apps: .helpdesk, helpdeskSettings: ["TAP_MAX_LIFETIME_MINUTES": "240"]) { stack in
            let token = try stack.token("helpdesk", Self.agent)
            let now = Date()
            let cases: [(String, String)] = [
                (#"{"lifetimeInMinutes": 300}"#, "from 60 to 240"),            // over TAP_MAX_LIFETIME_MINUTES
                (#"{"lifetimeInMinutes": 30}"#, "from 60 to 240"),             // under the policy's minimum
                (#"{"lifetimeInMinutes": 90.5}"#, "whole number"),
                (#"{"lifetimeInMinutes": "90"}"#, "whole number"),
                (#"{"isUsableOnce": false}"#, "isUsableOnce must be true"),   // TAP_ALLOW_MULTI_USE is false
                (#"{"startDateTime": "\#(now.addingTimeInterval(31 * 86400).formatted(.iso8601))"}"#, "30 days ahead"),
                (#"{"startDateTime": "\#(now.addingTimeInterval(-600).formatted(.iso8601))"}"#, "30 days ahead"),
                (#"{"startDateTime": "2026-01-05T08:00:00+01:00"}"#, "UTC ISO 8601"),
                (#"{"startDateTime": "tomorrow"}"#, "UTC ISO 8601"),
                (#"{"lifetime": 90}"#, "Unknown field"),
            ]
            for (body, expected) in cases {
                let reply = try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(Self.lena)", token: token, body: body)
                #expect(reply.status == 400 && reply.code == "invalid_request", "\(body)")
                #expect((reply.json?["error"] as? String ?? "").contains(expected), "\(body): \(reply.text)")
            }
            #expect(!stack.tenant.requests.all.contains { $0.method == "POST" && $0.path.hasSuffix("/temporaryAccessPassMethods") })
            #expect(stack.tenant.graph.temporaryAccessPass(forUser: Self.lena) == nil)
            let rows = try await stack.auditRows(.helpdesk)
            #expect(rows.count == cases.count && rows.allSatisfy { $0["Action"]?.stringValue == "DENIED" })
            #expect(rows.contains { ($0["DenialReason"]?.stringValue ?? "").hasPrefix("invalid_request: lifetimeInMinutes must be from 60 to 240") })
        }
    }

    @Test func auditFiltersIgnoreCaseTakePrefixesOfUPNOrNameAndTickets() async throws {
        try await withTapStack(seed: .demo, apps: .helpdesk) { stack in
            let token = try stack.token("helpdesk", Self.agent)
            #expect(try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(Self.lena)", token: token, body: #"{"ticketId": "INC-42"}"#).status == 200)
            #expect(try await stack.call(stack.helpdesk, "DELETE", "/api/users/\(Self.lena)/tap", token: token,
                                         body: #"{"reason": "user found her key", "ticketId": "INC-42"}"#).status == 204)
            #expect(try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(Self.sam)", token: token, body: #"{"ticketId": "INC-7"}"#).status == 200)
            // A row written before issue 14 (no name, no lower-cased columns), and one with a mixed-case UPN.
            let day = AuditEvent.partitionKey(Date())
            for (index, upn) in ["hannah.agent@contoso.example", "Hannah.Agent@Contoso.Example"].enumerated() {
                try await stack.tableClient.insert(AuditLog.table(for: .helpdesk), TableEntity(
                    partitionKey: day, rowKey: AuditEvent.rowKey(Date().addingTimeInterval(-3600 - Double(index)), correlationId: "old-\(index)"),
                    properties: ["Portal": .string("helpdesk"), "Action": .string("DENIED"), "AgentUPN": .string(upn), "AgentId": .string(Self.agent),
                                 "TargetUPN": .string("lena.user@contoso.example"), "TargetId": .string(Self.lena), "CorrelationId": .string("old-\(index)")]))
            }
            func entries(_ query: String) async throws -> [[String: Any]] {
                let reply = try await stack.call(stack.helpdesk, "GET", "/api/audit-log?\(query)", token: token)
                #expect(reply.status == 200, "\(query): \(reply.text)")
                return reply.json?["entries"] as? [[String: Any]] ?? []
            }
            // 3 new rows + 2 old ones by the agent.
            #expect(try await entries("agent=HANNAH.AGENT%40CONTOSO.EXAMPLE").count == 4)      // new rows + the old lower-case one
            #expect(try await entries("agent=hannah").count == 4)
            #expect(try await entries("agent=Hannah%20Ag").count == 3)                          // display name: new rows only
            #expect(try await entries("agent=Hannah.Agent%40Contoso.Example").count == 5)     // exact spelling reaches the mixed-case old row too
            #expect(try await entries("agent=\(Self.agent)").count == 5)                        // the id, as before
            #expect(try await entries("target=Lena%20User").count == 2)                         // display name, new rows
            #expect(try await entries("target=LENA").count == 4)                                // UPN prefix: new rows and old ones
            #expect(try await entries("target=lena.user%40contoso.example").count == 4)
            #expect(try await entries("target=sam").count == 1)
            #expect(try await entries("target=nobody").isEmpty)
            let ticket = try await entries("ticketId=INC-42")
            #expect(ticket.count == 2 && Set(ticket.compactMap { $0["action"] as? String }) == ["SUCCESS", "REVOKED"])
            #expect(ticket.contains { $0["reason"] as? String == "user found her key" })
            #expect(ticket.allSatisfy { $0["targetName"] as? String == "Lena User" && $0["agentName"] as? String == "Hannah Agent" })
            #expect(try await entries("ticketId=inc-42").isEmpty)                               // tickets are exact
            #expect(try await entries("ticketId=INC-7").count == 1)
            #expect(try await stack.call(stack.helpdesk, "GET", "/api/audit-log?ticketId=\(String(repeating: "x", count: 65))", token: token).code == "invalid_query")
        }
    }
}
