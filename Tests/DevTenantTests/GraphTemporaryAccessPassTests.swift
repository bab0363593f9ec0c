import DevTenant
import EphemCore
import Foundation
import Testing

/// Authentication methods, Temporary Access Passes and the TAP policy (graph-contracts.md 1, 2).
@Suite struct GraphTemporaryAccessPassTests {
    static func tapPath(_ user: String) -> String { "/v1.0/users/\(user)/authentication/temporaryAccessPassMethods" }

    static func policySeed(_ policy: String, extraUsers: String = "", groups: String = "[]") throws -> Seed {
        try seed(#"""
        {"tenantId": "11111111-1111-1111-1111-111111111111",
         "users": [{"id": "aaaaaaaa-0000-4000-8000-000000000001", "userPrincipalName": "a@contoso.example", "displayName": "A"}\#(extraUsers)],
         "groups": \#(groups), "roleAssignments": [], "roleEligibilities": [] \#(policy)}
        """#)
    }

    @Test func createReturnsTheSecretOnceAndASecondCreateReplacesTheFirst() async throws {
        try await withGraph { client in
            let created = try await client.send(.POST, Self.tapPath(Demo.lena), body: #"{"lifetimeInMinutes": 120, "isUsableOnce": true}"#)
            #expect(created.status == 201)
            let secret = try #require(created["temporaryAccessPass"]?.stringValue)
            #expect(secret.count == 8)
            #expect(secret.contains { "+!@#$%&*=?-".contains($0) } && secret.contains { $0.isNumber })
            #expect(created["@odata.type"]?.stringValue == "#microsoft.graph.temporaryAccessPassAuthenticationMethod")
            #expect(created["lifetimeInMinutes"] == .number(120) && created["isUsableOnce"] == .bool(true))
            #expect(created["isUsable"] == .bool(true) && created["methodUsabilityReason"]?.stringValue == "EnabledByPolicy")
            #expect(created["startDateTime"]?.stringValue == created["createdDateTime"]?.stringValue)
            let firstId = try #require(created["id"]?.stringValue)
            #expect(client.graph.temporaryAccessPass(forUser: Demo.lena)?.temporaryAccessPass == secret)

            let listed = try await client.get(Self.tapPath(Demo.lena))
            #expect(listed.status == 200 && listed.values.count == 1)
            #expect(listed.values[0].member("temporaryAccessPass") == .null)
            #expect(listed.values[0].member("id")?.stringValue == firstId)
            #expect(!listed.body.contains(secret))

            let replaced = try await client.send(.POST, "/v1.0/users/lena.user@contoso.example/authentication/temporaryAccessPassMethods", body: "{}")
            #expect(replaced.status == 201)
            let secondId = try #require(replaced["id"]?.stringValue)
            #expect(secondId != firstId)
            #expect(replaced["lifetimeInMinutes"] == .number(60) && replaced["isUsableOnce"] == .bool(false))
            #expect(client.graph.temporaryAccessPassesCreated(forUser: Demo.lena) == 2)
            #expect(try await client.get(Self.tapPath(Demo.lena)).strings("id") == [secondId])
            #expect(try await client.get(Self.tapPath(Demo.lena) + "/" + firstId).errorCode == "itemNotFound")

            let one = try await client.get(Self.tapPath(Demo.lena) + "/" + secondId)
            #expect(one.status == 200 && one["temporaryAccessPass"] == .null && one["id"]?.stringValue == secondId)
            #expect(try await client.send(.DELETE, Self.tapPath(Demo.lena) + "/" + firstId).errorCode == "itemNotFound")
            let deleted = try await client.send(.DELETE, Self.tapPath(Demo.lena) + "/" + secondId)
            #expect(deleted.status == 204 && deleted.body.isEmpty)
            #expect(try await client.get(Self.tapPath(Demo.lena)).values.isEmpty)
            #expect(client.graph.temporaryAccessPass(forUser: Demo.lena) == nil)
            #expect(client.graph.temporaryAccessPassesCreated(forUser: Demo.lena) == 2)
        }
    }

    @Test func usabilityIsComputedWhenRead() async throws {
        try await withGraph { client in
            let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(86400))
            let future = try await client.send(.POST, Self.tapPath(Demo.sam), body: #"{"startDateTime": "\#(later)"}"#)
            #expect(future.status == 201 && future["isUsable"] == .bool(false) && future["methodUsabilityReason"]?.stringValue == "NotYetValid")
            #expect(future["startDateTime"]?.stringValue == later)

            let earlier = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-7200))
            let past = try await client.send(.POST, Self.tapPath(Demo.lena), body: #"{"startDateTime": "\#(earlier)", "lifetimeInMinutes": 60}"#)
            #expect(past["methodUsabilityReason"]?.stringValue == "Expired")

            _ = try await client.send(.POST, Self.tapPath(Demo.agent), body: #"{"isUsableOnce": true}"#)
            #expect(client.graph.markTemporaryAccessPassUsed(forUser: Demo.agent))
            #expect(try await client.get(Self.tapPath(Demo.agent)).values.first?.member("methodUsabilityReason")?.stringValue == "OneTimeUsed")

            _ = try await client.send(.POST, Self.tapPath(Demo.user(15)), body: "{}")
            client.graph.advanceClock(by: 3601)
            let aged = try await client.get(Self.tapPath(Demo.user(15)))
            #expect(aged.values.first?.member("methodUsabilityReason")?.stringValue == "Expired")
            #expect(aged.values.first?.member("isUsable") == .bool(false))
        }
    }

    @Test func lifetimeAndBodyRefusalsUseTheMethodsAPIsCodes() async throws {
        try await withGraph { client in
            for lifetime in ["5", "59", "481", "43201", "90.5"] {
                let answer = try await client.send(.POST, Self.tapPath(Demo.lena), body: #"{"lifetimeInMinutes": \#(lifetime)}"#)
                #expect(answer.status == 400 && answer.errorCode == "badRequest", "\(lifetime)")
                #expect(answer.errorMessage == "Invalid LifetimeInMinutes specified. The valid range between 60 and 480.", "\(lifetime)")
            }
            for body in [#"{"lifetimeInMinutes": "60"}"#, #"{"startDateTime": "tomorrow"}"#, #"{"isUsableOnce": "yes"}"#, #"{"colour": 1}"#, "[1]", "{"] {
                #expect(try await client.send(.POST, Self.tapPath(Demo.lena), body: body).errorCode == "badRequest", "\(body)")
            }
            #expect(client.graph.temporaryAccessPassesCreated(forUser: Demo.lena) == 0)
            let unknown = try await client.send(.POST, Self.tapPath("00000000-0000-4000-8000-00000000abcd"), body: "{}")
            #expect(unknown.status == 404)
            #expect(try await client.get(Self.tapPath("nobody@contoso.example")).status == 404)
        }
    }

    @Test func guestsAndUsersOutsideThePolicyAreRefused() async throws {
        try await withGraph { client in
            let guest = try await client.send(.POST, Self.tapPath(GraphTestClient.encode(Demo.guestUPN)), body: "{}")
            #expect(guest.status == 400 && guest.errorCode == "badRequest")
            #expect(guest.errorMessage == "Temporary Access Pass cannot be added to an external guest user.")
            let excluded = try await client.send(.POST, Self.tapPath(Demo.quinn), body: "{}")
            #expect(excluded.status == 400 && excluded.errorCode == "badRequest")
            #expect(excluded.errorMessage?.hasSuffix("Converged UserCredentialPolicy does not allow creating or updating this authentication method. AuthMethodType [TemporaryAccessPass].") == true)
            #expect(client.graph.temporaryAccessPass(forUser: Demo.quinn) == nil)
            #expect(try await client.send(.POST, Self.tapPath(Demo.dave), body: "{}").status == 201)
        }
        let disabled = try Self.policySeed(#", "tapPolicy": {"state": "disabled"}"#)
        try await withGraph(seed: disabled) { client in
            let answer = try await client.send(.POST, Self.tapPath("aaaaaaaa-0000-4000-8000-000000000001"), body: "{}")
            #expect(answer.errorMessage?.contains("Converged UserCredentialPolicy") == true)
        }
        let scoped = try Self.policySeed(
            #", "tapPolicy": {"isUsableOnce": true, "minimumLifetimeInMinutes": 10, "maximumLifetimeInMinutes": 43200, "defaultLifetimeInMinutes": 30, "defaultLength": 16, "includeTargets": [{"targetType": "group", "id": "bbbbbbbb-0000-4000-8000-000000000001"}]}"#,
            extraUsers: #", {"id": "aaaaaaaa-0000-4000-8000-000000000002", "userPrincipalName": "b@contoso.example", "displayName": "B"}"#,
            groups: #"[{"id": "bbbbbbbb-0000-4000-8000-000000000001", "displayName": "Outer", "members": ["bbbbbbbb-0000-4000-8000-000000000002"]}, "#
                + #"{"id": "bbbbbbbb-0000-4000-8000-000000000002", "displayName": "Inner", "members": ["aaaaaaaa-0000-4000-8000-000000000002"]}]"#)
        try await withGraph(seed: scoped) { client in
            let outside = try await client.send(.POST, Self.tapPath("aaaaaaaa-0000-4000-8000-000000000001"), body: "{}")
            #expect(outside.errorMessage?.contains("Converged UserCredentialPolicy") == true)
            let multi = try await client.send(.POST, Self.tapPath("aaaaaaaa-0000-4000-8000-000000000002"), body: #"{"isUsableOnce": false}"#)
            #expect(multi.status == 400 && multi.errorCode == "badRequest")
            let nested = try await client.send(.POST, Self.tapPath("aaaaaaaa-0000-4000-8000-000000000002"), body: #"{"lifetimeInMinutes": 10}"#)
            #expect(nested.status == 201 && nested["isUsableOnce"] == .bool(true))
            #expect(nested["temporaryAccessPass"]?.stringValue?.count == 16)
            let tooShort = try await client.send(.POST, Self.tapPath("aaaaaaaa-0000-4000-8000-000000000002"), body: #"{"lifetimeInMinutes": 9}"#)
            #expect(tooShort.errorMessage == "Invalid LifetimeInMinutes specified. The valid range between 10 and 43200.")
            let policy = try await client.get("/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/temporaryAccessPass")
            #expect(policy["defaultLifetimeInMinutes"] == .number(30) && policy["defaultLength"] == .number(16) && policy["isUsableOnce"] == .bool(true))
            #expect(policy["includeTargets"]?.arrayValue?.first?.member("id")?.stringValue == "bbbbbbbb-0000-4000-8000-000000000001")
        }
    }

    @Test func thePolicyHasGraphsShapeAndDefaults() async throws {
        try await withGraph(seed: try Self.policySeed("")) { client in
            let policy = try await client.get("/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass")
            #expect(policy.status == 200)
            #expect(policy["@odata.type"]?.stringValue == "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration")
            #expect(policy["id"]?.stringValue == "TemporaryAccessPass" && policy["state"]?.stringValue == "enabled")
            #expect(policy["minimumLifetimeInMinutes"] == .number(60) && policy["maximumLifetimeInMinutes"] == .number(480))
            #expect(policy["defaultLifetimeInMinutes"] == .number(60) && policy["isUsableOnce"] == .bool(false) && policy["defaultLength"] == .number(8))
            let target = try #require(policy["includeTargets"]?.arrayValue?.first)
            #expect(target == .object(["targetType": .string("group"), "id": .string("all_users"), "isRegistrationRequired": .bool(false)]))
            #expect(policy["excludeTargets"] == .array([]))
            #expect(try await client.get("/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/Fido2").errorCode == "Request_BadRequest")
        }
    }

    @Test func methodsListThePasswordTheSeedsMethodsAndTheTap() async throws {
        try await withGraph { client in
            let before = try await client.get("/v1.0/users/\(Demo.lena)/authentication/methods")
            #expect(before.status == 200)
            #expect(before.strings("@odata.type") == ["#microsoft.graph.passwordAuthenticationMethod", "#microsoft.graph.fido2AuthenticationMethod"])
            #expect(before.values[0].member("id")?.stringValue == "28c10230-6103-485e-b985-444c60001490" && before.values[0].member("password") == .null)
            let key = before.values[1]
            #expect(key.member("displayName")?.stringValue == "YubiKey 5" && key.member("createdDateTime")?.stringValue != nil)
            let again = try await client.get("/v1.0/users/\(Demo.lena)/authentication/methods")
            #expect(again.strings("id") == before.strings("id"))

            let created = try await client.send(.POST, Self.tapPath(Demo.lena), body: "{}")
            let secret = try #require(created["temporaryAccessPass"]?.stringValue)
            let after = try await client.get("/v1.0/users/\(Demo.lena)/authentication/methods")
            #expect(after.values.count == 3 && after.values[2].member("temporaryAccessPass") == .null)
            #expect(!after.body.contains(secret))
            #expect(try await client.get("/v1.0/users/nobody@contoso.example/authentication/methods").errorCode == "Request_ResourceNotFound")
        }
    }

    /// Phones take Graph's three phone types in order, each with its fixed id, wherever they stand
    /// among the user's methods; a seed with a fourth phone is refused.
    @Test func phonesGetTheirTypesAndFixedIdsInOrder() async throws {
        func methods(_ list: String) -> String {
            #"{"tenantId": "11111111-1111-1111-1111-111111111111", "users": [{"id": "aaaaaaaa-0000-4000-8000-000000000001", "userPrincipalName": "a@contoso.example", "displayName": "A", "authenticationMethods": ["#
                + list + "]}]}"
        }
        let phone = #"{"type": "phoneAuthenticationMethod"}"#
        let key = #"{"type": "fido2AuthenticationMethod", "displayName": "Key"}"#
        try await withGraph(seed: try seed(methods([key, phone, key, phone].joined(separator: ",")))) { client in
            let listed = try await client.get("/v1.0/users/aaaaaaaa-0000-4000-8000-000000000001/authentication/methods")
            let phones = listed.values.filter { $0.member("@odata.type")?.stringValue == "#microsoft.graph.phoneAuthenticationMethod" }
            #expect(phones.map { $0.member("phoneType")?.stringValue } == ["mobile", "alternateMobile"])
            #expect(phones.map { $0.member("id")?.stringValue } == ["3179e48a-750b-4051-897c-87b9720928f7", "b6332ec1-7057-4abe-9331-3d72feddfe41"])
            #expect(Set(listed.strings("id")).count == listed.values.count, "every method id is distinct")
        }
        let tooMany = try seed(methods(Array(repeating: phone, count: 4).joined(separator: ",")))
        #expect { try tooMany.validate() } throws: { error in "\(error)".contains("more than three phone methods") }
    }
}
