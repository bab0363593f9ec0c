import DevTenant
import EphemCore
import Foundation
import TestSupport
import Testing

/// Issue 16 (SPEC 7.7): `GET /api/protected-accounts` lists every guard path of SPEC 7.2 with its
/// reason and nobody else, pages, exports CSV, and names the TAP policy's scope.
@Suite struct ProtectedAccountsEndToEndTests {
    @Test func theReportListsEveryGuardPathWithItsReasonAndNobodyElse() async throws {
        try await withTapStack(seed: TestDirectory.seed, apps: .helpdesk, helpdeskSettings: ["BLOCKED_GROUP_IDS": TestDirectory.blockedGroup]) { stack in
            stack.tenant.graph.setMaxPageSize(5)
            let token = try stack.token("helpdesk", TestDirectory.viewer)
            var accounts: [[String: Any]] = []
            var continuation: String?
            var pages = 0
            repeat {
                let query = "top=7" + (continuation.map { "&continuationToken=\($0)" } ?? "")
                let reply = try await stack.call(stack.helpdesk, "GET", "/api/protected-accounts?\(query)", token: token)
                #expect(reply.status == 200, "\(reply.text)")
                accounts += reply.json?["accounts"] as? [[String: Any]] ?? []
                continuation = reply.json?["continuationToken"] as? String
                if pages == 0 {
                    #expect(reply.json?["total"] as? Int == TestDirectory.Protected.allCases.count)
                    let policy = try #require(reply.json?["policy"] as? [String: Any])
                    #expect(policy["state"] as? String == "enabled" && policy["maximumLifetimeInMinutes"] as? Int == 480)
                    #expect((policy["excludeTargets"] as? [[String: Any]])?.first?["id"] as? String == "ffffffff-0000-4000-8000-000000000200")
                    #expect(reply.json?["includedByTapPolicy"] as? Int == TestDirectory.Protected.allCases.count)
                    #expect((reply.json?["advice"] as? String)?.contains("restricted-management administrative unit") == true)
                }
                pages += 1
            } while continuation != nil && pages < 10
            #expect(pages == 3)
            let byId = Dictionary(accounts.map { ($0["id"] as? String ?? "", $0) }, uniquingKeysWith: { first, _ in first })
            #expect(Set(byId.keys) == Set(TestDirectory.Protected.allCases.map(\.rawValue)), "\(byId.keys.sorted())")
            #expect(accounts.count == byId.count)
            for protected in TestDirectory.Protected.allCases {
                let account = try #require(byId[protected.rawValue], "\(protected)")
                let reasons = (account["reasons"] as? [String] ?? []).joined(separator: " | ")
                #expect(reasons.contains(protected.reasonNames), "\(protected): \(reasons)")
                #expect(account["userPrincipalName"] as? String == "\(protected)@contoso.example")
                #expect(account["includedByTapPolicy"] as? Bool == true)
            }

            let csv = try await stack.call(stack.helpdesk, "GET", "/api/protected-accounts?format=csv", token: token)
            #expect(csv.status == 200 && csv.header("Content-Type") == "text/csv; charset=utf-8")
            let lines = csv.text.split(separator: "\r\n")
            #expect(lines.first == "id,userPrincipalName,displayName,includedByTapPolicy,reasons")
            #expect(lines.count == TestDirectory.Protected.allCases.count + 1)

            #expect(try await stack.call(stack.helpdesk, "GET", "/api/protected-accounts?top=0", token: token).code == "invalid_query")
            #expect(try await stack.call(stack.helpdesk, "GET", "/api/protected-accounts?continuationToken=xyz", token: token).code == "invalid_query")
            #expect(try await stack.call(stack.helpdesk, "GET", "/api/protected-accounts", token: try stack.token("helpdesk", TestDirectory.user(1))).status == 403)
        }
    }

    /// An account the policy excludes is reported as outside it.
    @Test func anAccountTheTapPolicyExcludesIsNotIncluded() async throws {
        var seed = TestDirectory.seed
        let excluded = "ffffffff-0000-4000-8000-000000000200"
        if let index = seed.groups?.firstIndex(where: { $0.id == excluded }) {
            seed.groups?[index].members.append(TestDirectory.Protected.directRole.rawValue)
        }
        try await withTapStack(seed: seed, apps: .helpdesk) { stack in
            let reply = try await stack.call(stack.helpdesk, "GET", "/api/protected-accounts?top=1000", token: try stack.token("helpdesk", TestDirectory.agent))
            let accounts = reply.json?["accounts"] as? [[String: Any]] ?? []
            let direct = try #require(accounts.first { $0["id"] as? String == TestDirectory.Protected.directRole.rawValue })
            #expect(direct["includedByTapPolicy"] as? Bool == false)
            // Without BLOCKED_GROUP_IDS the nested blocked member is nobody's concern.
            #expect(!accounts.contains { $0["id"] as? String == TestDirectory.Protected.nestedBlockedGroup.rawValue })
            #expect(reply.json?["includedByTapPolicy"] as? Int == accounts.count - 1)
        }
    }
}
