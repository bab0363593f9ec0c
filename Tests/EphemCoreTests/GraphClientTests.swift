import AsyncHTTPClient
import DevTenant
@testable import EphemCore
import Foundation
import Logging
import TestSupport
import Testing

/// The Graph client against the dev tenant's Graph: paging, escaping, retries within the budget.
@Suite struct GraphClientTests {
    static func withGraph(_ body: (GraphClient, DevTenantServer) async throws -> Void) async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let tenant = try await DevTenantServer.start(seed: TestDirectory.seed, port: 0, logger: logger)
        let http = OutboundHTTP.makeClient()
        let outbound = OutboundHTTP(client: http)
        let tokens = ManagedIdentityCredential(endpoint: "\(tenant.baseURL)/msi/token", identityHeader: tenant.options.identityHeader, http: outbound, logger: logger)
        let graph = GraphClient(endpoint: tenant.baseURL, http: outbound, tokens: tokens, logger: logger)
        do {
            try await body(graph, tenant)
        } catch {
            try? await http.shutdown()
            await tenant.shutdown()
            throw error
        }
        try? await http.shutdown()
        await tenant.shutdown()
    }

    @Test func everyPageOfTheRoleAssignableGroupsIsRead() async throws {
        try await Self.withGraph { graph, tenant in
            tenant.graph.setMaxPageSize(1)
            let groups = try await graph.roleAssignableGroups()
            // Every listed group is role-assignable; one the app cannot read lacks the flag.
            #expect(!groups.isEmpty && groups.allSatisfy(\.isRoleAssignable))
            #expect(groups.contains { !$0.statesAssignability })
            #expect(groups.contains { $0.displayName == "Late Admins" })
            #expect(tenant.requests.all.filter { $0.path.hasSuffix("/v1.0/groups") }.count == groups.count)
        }
    }

    @Test func getMemberGroupsReturnsEveryGroupInOneCall() async throws {
        try await Self.withGraph { graph, tenant in
            tenant.graph.setMaxPageSize(2)
            let groups = try await graph.memberGroupIds(user: GUID(TestDirectory.Protected.groupOnALaterPage.rawValue)!)
            #expect(groups.count == 13)
            #expect(tenant.requests.all.filter { $0.path.contains("getMemberGroups") }.count == 1)
        }
    }

    @Test(arguments: ["user1", "USER1", "Test User 1"])
    func searchIsAPrefixMatch(prefix: String) async throws {
        try await Self.withGraph { graph, _ in
            let users = try await graph.searchUsers(prefix: prefix, top: 20)
            #expect(users.count == 11, "\(users.map(\.userPrincipalName))")
            #expect(users.allSatisfy { $0.userPrincipalName.hasPrefix("user1") })
        }
    }

    @Test(arguments: ["x') or startswith(displayName,'", "'", "a''b", "%27", "#EXT#", "a&b=c", "ü'\\"])
    func hostileSearchTextIsOnlyText(text: String) async throws {
        try await Self.withGraph { graph, _ in
            let users = try await graph.searchUsers(prefix: text, top: 20)
            #expect(users.isEmpty)
        }
    }

    @Test func throttlingIsWaitedOutAsTheServerSays() async throws {
        try await Self.withGraph { graph, tenant in
            tenant.faults.add(Fault(target: .graph, pathPrefix: "/v1.0/policies", status: 429, retryAfterSeconds: 1, count: 2))
            let start = ContinuousClock.now
            _ = try await graph.temporaryAccessPassPolicy()
            #expect(ContinuousClock.now - start >= .seconds(2))
            #expect(tenant.requests.all.filter { $0.path.hasPrefix("/v1.0/policies") }.map(\.status) == [429, 429, 200])
        }
    }

    @Test func aRetryAfterBeyondTheBudgetFailsAtOnce() async throws {
        try await Self.withGraph { graph, tenant in
            tenant.faults.add(Fault(target: .graph, pathPrefix: "/v1.0/policies", status: 429, retryAfterSeconds: 60))
            let start = ContinuousClock.now
            await #expect(throws: GraphError.self) { _ = try await graph.temporaryAccessPassPolicy() }
            #expect(ContinuousClock.now - start < .seconds(8))
            #expect(tenant.requests.all.filter { $0.path.hasPrefix("/v1.0/policies") }.count == 1)
        }
    }

    @Test func serverErrorsAreRetriedABoundedNumberOfTimes() async throws {
        try await Self.withGraph { graph, tenant in
            tenant.faults.add(Fault(target: .graph, pathPrefix: "/v1.0/policies", status: 503))
            await #expect(throws: GraphError.self) { _ = try await graph.temporaryAccessPassPolicy() }
            #expect(tenant.requests.all.filter { $0.path.hasPrefix("/v1.0/policies") }.count == 4)
            tenant.faults.clear()
            tenant.faults.add(Fault(target: .graph, pathPrefix: "/v1.0/policies", status: 503, count: 1))
            let policy = try await graph.temporaryAccessPassPolicy()
            #expect(policy.enabled)
        }
    }

    @Test func notFoundAndRefusalsAreNotRetried() async throws {
        try await Self.withGraph { graph, tenant in
            await #expect(throws: GraphError.notFound(code: "Request_ResourceNotFound")) {
                _ = try await graph.user(GUID("12345678-1234-4234-8234-123456789012")!)
            }
            await #expect {
                _ = try await graph.createTemporaryAccessPass(user: GUID(TestDirectory.externalGuest)!, lifetimeInMinutes: 60, isUsableOnce: true)
            } throws: { error in
                guard case GraphError.refused(400, _, let message) = error else { return false }
                return message.contains("external guest")
            }
            #expect(tenant.requests.all.filter { $0.method == "POST" }.count == 1)
        }
    }

    @Test func aNextLinkToAnotherOriginIsRefused() async throws {
        try await Self.withGraph { graph, _ in
            await #expect(throws: GraphError.unavailable(detail: "a next link left the Graph endpoint")) {
                _ = try await graph.collection("http://169.254.169.254/metadata")
            }
        }
    }

    @Test func checkMemberGroupsIsAskedInChunksOfTwenty() async throws {
        try await Self.withGraph { graph, tenant in
            var ids = (300..<345).map { GUID("ffffffff-0000-4000-8000-" + String(format: "%012d", $0))! }
            ids.append(GUID(TestDirectory.blockedGroup)!)
            let found = try await graph.memberGroups(user: GUID(TestDirectory.Protected.nestedBlockedGroup.rawValue)!, among: ids)
            #expect(found == [GUID(TestDirectory.blockedGroup)!])
            #expect(tenant.requests.all.filter { $0.path.hasSuffix("checkMemberGroups") }.count == 3)
        }
    }
}
