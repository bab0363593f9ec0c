import AsyncHTTPClient
import EphemCore
import Foundation
import Logging
import TestSupport
import Testing

/// Issue 11 (a): the real `GraphClient` reads every answer Microsoft's Graph reference documents
/// for the calls the handlers make (`Tests/Fixtures/graph/`, played back by a loopback server), so
/// the client is proven against Graph's own words, not only against the dev tenant.
@Suite struct GraphCorpusClientTests {
    /// Serves `fixtures` by the first key found in the request's path, and runs `body` with a
    /// client whose budget is short (a documented 429 must not make a test wait).
    static func withFixtures(_ fixtures: [String: String], _ body: (GraphClient) async throws -> Void) async throws {
        let table = fixtures.mapValues(GraphFixture.named)
        let server = await FixtureServer.start { method, path in
            table.first { key, fixture in path.contains(key) && fixture.method == method }?.value
        }
        let http = OutboundHTTP.makeClient()
        var logger = Logger(label: "corpus")
        logger.logLevel = .critical
        var client = GraphClient(endpoint: server.baseURL, http: OutboundHTTP(client: http), tokens: StaticToken(), logger: logger)
        client.budget = .seconds(2)
        do {
            try await body(client)
        } catch {
            try? await http.shutdown()
            await server.shutdown()
            throw error
        }
        try? await http.shutdown()
        await server.shutdown()
    }

    static let adele = GUID("87d349ed-44d7-43e1-9a83-5f2406dee5bd")!
    static let someone = GUID("071cc716-8147-4397-a5ba-b2105951cc0b")!

    @Test func usersAsDocumented() async throws {
        try await Self.withFixtures(["/users/87d349ed": "user-get-default", "/v1.0/users?": "user-list-all"]) { graph in
            let user = try await graph.user(Self.adele)
            #expect(user.userPrincipalName == "AdeleV@contoso.com" && user.displayName == "Adele Vance" && user.preferredLanguage == "en-US")
            // Not in the default set: unknown, never guessed.
            #expect(user.accountEnabled == nil && user.userType == nil)
            let found = try await graph.searchUsers(prefix: "a", top: 20)
            #expect(!found.isEmpty && found.allSatisfy { !$0.userPrincipalName.isEmpty })
        }
    }

    @Test func rolesAndEligibilitiesAsDocumented() async throws {
        try await Self.withFixtures(["roleAssignments": "roleassignments-filter-principal",
                                     "roleEligibilityScheduleInstances": "roleeligibilityscheduleinstances",
                                     "group/eligibilityScheduleInstances": "pim-group-eligibilityscheduleinstances"]) { graph in
            let active = try await graph.roleAssignments(principal: Self.someone)
            #expect(active.map(\.roleDefinitionId) == ["62e90394-69f5-4237-9190-012177145e10", "f2ef992c-3afb-46b9-b7cf-a126ee74c451"])
            #expect(active.allSatisfy { $0.directoryScopeId == "/" })
            let eligible = try await graph.roleEligibilities(principal: Self.someone)
            #expect(eligible.map(\.roleDefinitionId) == ["8424c6f0-a189-499e-bbd0-26c1753c96d4"])
            let groups = try await graph.groupEligibilities(principal: Self.someone)
            #expect(groups.map(\.accessId) == ["member", "owner"] && Set(groups.map(\.groupId.value)) == ["2b5ed229-4072-478d-9504-a047ebd4b07d"])
        }
    }

    @Test func groupsAndMembershipsAsDocumented() async throws {
        try await Self.withFixtures(["/v1.0/groups?": "groups-list-role-assignable", "getMemberGroups": "getmembergroups",
                                     "checkMemberGroups": "checkmembergroups", "ownedObjects": "user-ownedobjects",
                                     "microsoft.graph.administrativeUnit": "user-memberof-administrativeunit-cast"]) { graph in
            let assignable = try await graph.roleAssignableGroups()
            #expect(!assignable.isEmpty && assignable.allSatisfy(\.isRoleAssignable))
            let member = try await graph.memberGroupIds(user: Self.someone)
            #expect(member.count == 3)
            let checked = try await graph.memberGroups(user: Self.someone, among: [GUID("fee2c45b-915a-4a64-b130-f4eb9e75525e")!])
            #expect(!checked.isEmpty)
            // Microsoft's example item is `{"id": "id-value"}`: no type, not a GUID, so no group.
            let owned = try await graph.ownedObjects(user: Self.someone)
            #expect(owned.count == 1 && owned.compactMap(\.groupId).isEmpty)
            let units = try await graph.administrativeUnits(user: Self.someone)
            #expect(units.count == 1 && units[0].isMemberManagementRestricted == true && units[0].restrictsManagement)
        }
    }

    /// A membership page mixes kinds (groups, directory roles, administrative units,
    /// applications), each with its `@odata.type`: only groups count as groups.
    @Test func nonGroupObjectsInAMembershipPageAreNeverGroups() async throws {
        func item(_ type: String, _ id: String) -> JSONValue { .object(["@odata.type": .string("#microsoft.graph.\(type)"), "id": .string(id)]) }
        let page = GraphFixture(name: "mixed", source: "made up: the kinds user-list-ownedobjects and user-list-memberof name", method: "GET",
                                path: "/v1.0/users/{id}/ownedObjects", status: 200, response: .object(["value": .array([
                                    item("group", "11111111-2222-4333-8444-555555555555"), item("directoryRole", "22222222-2222-4333-8444-555555555555"),
                                    item("administrativeUnit", "33333333-2222-4333-8444-555555555555"), item("application", "44444444-2222-4333-8444-555555555555"),
                                ])]))
        let server = await FixtureServer.start { _, _ in page }
        let http = OutboundHTTP.makeClient()
        var logger = Logger(label: "corpus")
        logger.logLevel = .critical
        let graph = GraphClient(endpoint: server.baseURL, http: OutboundHTTP(client: http), tokens: StaticToken(), logger: logger)
        let owned = try await graph.ownedObjects(user: Self.someone)
        #expect(owned.count == 4 && owned.compactMap(\.groupId) == [GUID("11111111-2222-4333-8444-555555555555")!])
        let units = try await graph.administrativeUnits(user: Self.someone)
        #expect(units.map(\.id) == ["33333333-2222-4333-8444-555555555555"] && units[0].restrictsManagement, "a unit silent about restriction counts as restricted")
        try? await http.shutdown()
        await server.shutdown()
    }

    @Test func managerAsDocumentedAndItsAbsence() async throws {
        try await Self.withFixtures(["/manager": "user-manager"]) { graph in
            let manager = try await graph.manager(of: Self.someone)
            #expect(manager?.userPrincipalName == "SaraD@contoso.onmicrosoft.com" && manager?.displayName == "Sara Davis")
        }
        try await Self.withFixtures(["/manager": "error-404-request-resourcenotfound"]) { graph in
            let manager = try await graph.manager(of: Self.someone)
            #expect(manager == nil)
        }
    }

    @Test func temporaryAccessPassesAsDocumented() async throws {
        try await Self.withFixtures(["authenticationMethodConfigurations": "tap-policy-get", "/authentication/methods": "auth-methods-list",
                                     "temporaryAccessPassMethods": "tap-list", "temporaryAccessPassMethods/": "tap-delete"]) { graph in
            let policy = try await graph.temporaryAccessPassPolicy()
            #expect(policy.enabled && policy.minimumLifetimeInMinutes <= policy.defaultLifetimeInMinutes)
            let listed = try await graph.temporaryAccessPasses(user: Self.someone)
            #expect(listed.count == 1 && listed[0].secret == nil && listed[0].methodUsabilityReason == "NotYetValid" && listed[0].isActive)
            let methods = try await graph.authenticationMethods(user: Self.someone)
            #expect(!methods.isEmpty && methods.allSatisfy { !$0.type.hasPrefix("#") })
            try await graph.deleteTemporaryAccessPass(user: Self.someone, methodId: listed[0].id)
        }
        try await Self.withFixtures(["temporaryAccessPassMethods": "tap-create"]) { graph in
            let created = try await graph.createTemporaryAccessPass(user: Self.someone, lifetimeInMinutes: 60, isUsableOnce: false)
            #expect(created.secret == "+drkzqAD" && created.isUsable == false && created.methodUsabilityReason == "NotYetValid")
            #expect(created.expiresDateTime == "2022-06-05T01:00:00Z")
        }
        try await Self.withFixtures(["sendMail": "sendmail"]) { graph in
            try await graph.sendMail(from: "sender@contoso.example", to: "user@contoso.example", subject: "s", text: "t")
        }
    }

    /// Documented refusals become the typed errors the flow branches on; a 429 whose
    /// `Retry-After` (10 s) outlasts the budget fails at once instead of holding the request.
    @Test func documentedErrorsBecomeTypedErrors() async throws {
        try await Self.withFixtures(["/users/": "error-404-request-resourcenotfound"]) { graph in
            await #expect(throws: GraphError.notFound(code: "Request_ResourceNotFound")) { try await graph.user(Self.adele) }
        }
        try await Self.withFixtures(["/users/": "error-403-authorization-requestdenied"]) { graph in
            await #expect(throws: GraphError.refused(status: 403, code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation.")) {
                try await graph.user(Self.adele)
            }
        }
        try await Self.withFixtures(["/v1.0/users": "error-400-advanced-query-missing"]) { graph in
            let error = await #expect(throws: GraphError.self) { try await graph.searchUsers(prefix: "a", top: 5) }
            guard case .refused(400, "Request_UnsupportedQuery", _)? = error else { Issue.record("\(String(describing: error))"); return }
        }
        try await Self.withFixtures(["/users/": "error-429-throttled"]) { graph in
            let started = ContinuousClock.now
            let error = await #expect(throws: GraphError.self) { try await graph.user(Self.adele) }
            guard case .unavailable? = error else { Issue.record("\(String(describing: error))"); return }
            #expect(ContinuousClock.now - started < .seconds(2))
        }
    }
}
