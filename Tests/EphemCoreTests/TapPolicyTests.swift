@testable import EphemCore
import Foundation
import Testing

/// The decisions that need no upstream: the tenant TAP policy, TAP states, the protected role set
/// and the notification text, as argument tables.
@Suite struct TapPolicyTests {
    static let member = GUID("ffffffff-0000-4000-8000-000000000001")!
    static let other = GUID("ffffffff-0000-4000-8000-000000000002")!

    @Test(arguments: [
        (TapPolicy(), [GUID](), nil as String?),
        (TapPolicy(enabled: false), [GUID](), "disabled"),
        (TapPolicy(includeTargets: [member.value]), [member], nil),
        (TapPolicy(includeTargets: [member.value]), [other], "not included"),
        (TapPolicy(includeTargets: [member.value]), [], "not included"),
        (TapPolicy(excludeTargets: [other.value]), [other, member], "excluded"),
        (TapPolicy(includeTargets: [member.value], excludeTargets: [member.value]), [member], "excluded"),
    ])
    func policyScope(policy: TapPolicy, groups: [GUID], refusal: String?) {
        let result = policy.refusal(userGroups: Set(groups))
        if let refusal {
            #expect(result?.contains(refusal) == true, "\(String(describing: result))")
        } else {
            #expect(result == nil)
        }
    }

    @Test(arguments: [(120, 60, 480, 120), (30, 60, 480, 60), (43200, 60, 480, 480), (60, 60, 60, 60), (10, 10, 43200, 10)])
    func lifetimeIsBoundedByThePolicy(requested: Int, minimum: Int, maximum: Int, expected: Int) {
        #expect(TapPolicy(minimumLifetimeInMinutes: minimum, maximumLifetimeInMinutes: maximum).lifetime(requested: requested) == expected)
    }

    @Test(arguments: [(false, false, false), (false, true, true), (true, false, true), (true, true, true)])
    func oneTimeWhenTheTenantForcesIt(policyOnce: Bool, requested: Bool, expected: Bool) {
        #expect(TapPolicy(isUsableOnce: policyOnce).usableOnce(requested: requested) == expected)
    }

    @Test func policyIsReadFromGraphsShape() throws {
        let json = try StrictJSON.parse(Array(#"""
        {"@odata.type":"#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration","id":"TemporaryAccessPass","state":"enabled",
         "defaultLifetimeInMinutes":60,"defaultLength":8,"minimumLifetimeInMinutes":60,"maximumLifetimeInMinutes":480,"isUsableOnce":false,
         "includeTargets":[{"targetType":"group","id":"all_users","isRegistrationRequired":false}],"excludeTargets":[]}
        """#.utf8))
        #expect(TapPolicy(json: json) == TapPolicy())
        #expect(TapPolicy(json: try StrictJSON.parse(Array(#"{"state":"enabled","minimumLifetimeInMinutes":500,"maximumLifetimeInMinutes":60}"#.utf8))) == nil)
    }

    @Test(arguments: [
        (#"{"id":"a","isUsable":true,"methodUsabilityReason":"EnabledByPolicy"}"#, true),
        (#"{"id":"a","isUsable":false,"methodUsabilityReason":"NotYetValid"}"#, true),
        (#"{"id":"a","isUsable":false,"methodUsabilityReason":"Expired"}"#, false),
        (#"{"id":"a","isUsable":false,"methodUsabilityReason":"OneTimeUsed"}"#, false),
        (#"{"id":"a","isUsable":false,"methodUsabilityReason":"DisabledByPolicy"}"#, false),
        // A state we cannot read counts as active: the refusal fails closed.
        (#"{"id":"a"}"#, true),
        (#"{"id":"a","isUsable":false,"methodUsabilityReason":"SomethingNew"}"#, true),
    ])
    func activePassStates(json: String, active: Bool) throws {
        let tap = try #require(TemporaryAccessPass(json: try StrictJSON.parse(Array(json.utf8))))
        #expect(tap.isActive == active)
        #expect(tap.secret == nil)
    }

    @Test func expiryIsStartPlusLifetime() throws {
        let tap = try #require(TemporaryAccessPass(json: try StrictJSON.parse(Array(
            #"{"id":"a","temporaryAccessPass":"+drkzqAD","createdDateTime":"2022-06-02T16:21:09.765173Z","startDateTime":"2022-06-05T00:00:00Z","lifetimeInMinutes":60}"#.utf8))))
        #expect(tap.expiresDateTime == "2022-06-05T01:00:00Z")
        #expect(tap.secret == "+drkzqAD")
    }

    /// SPEC 7.2 as an argument table: (TAP_ISSUABLE_ROLE_IDS, PRIVILEGED_ROLE_IDS, role id, protects).
    static let roleRule: [([String]?, [String], String, Bool)] = [
        (nil, [], "88d8e3e3-8f55-4a1e-953a-9b9898b8876b", false),  // Directory Readers: issuable
        (nil, [], "95e79109-95c0-4d8e-aee3-d01accf2d47b", false),  // Guest Inviter
        (nil, [], "966707d0-3269-4727-9be2-8c3a10f19b9d", false),  // Password Administrator
        (nil, [], "17315797-102d-40b4-93e0-432062caca18", true),   // Compliance Administrator
        (nil, [], "69091246-20e8-4a56-aa4d-066075b2a7a8", true),   // Teams Administrator
        (nil, [], "cccccccc-0000-4000-8000-000000000001", true),   // a custom role
        (nil, [], "c4e39bd9-1100-46d3-8c65-fb160da0071f", true),   // Authentication Administrator: stricter than Microsoft
        (nil, [], "not-a-guid", true),                              // unreadable: fail closed
        (nil, ["88d8e3e3-8f55-4a1e-953a-9b9898b8876b"], "88d8e3e3-8f55-4a1e-953a-9b9898b8876b", true),  // privileged beats issuable
        (["62e90394-69f5-4237-9190-012177145e10"], [], "62e90394-69f5-4237-9190-012177145e10", true),     // the eight: always
        (["17315797-102d-40b4-93e0-432062caca18"], [], "17315797-102d-40b4-93e0-432062caca18", false),    // the override replaces the list
        (["17315797-102d-40b4-93e0-432062caca18"], [], "88d8e3e3-8f55-4a1e-953a-9b9898b8876b", true),
    ]

    @Test(arguments: roleRule)
    func aRoleProtectsUnlessIssuable(issuable: [String]?, privileged: [String], role: String, protects: Bool) {
        let rule = ProtectedRoles.Rule(issuable: issuable?.compactMap { GUID($0) }, privileged: privileged.compactMap { GUID($0) })
        #expect(rule.protects(role) == protects)
    }

    @Test func theEightRolesOfTheOriginalAreNeverIssuable() {
        #expect(ProtectedRoles.alwaysProtected.count == 8)
        #expect(ProtectedRoles.defaultIssuable.count == 7)
        #expect(ProtectedRoles.defaultIssuable.isDisjoint(with: ProtectedRoles.alwaysProtected))
        let everything = ProtectedRoles.Rule(issuable: Array(ProtectedRoles.alwaysProtected), privileged: [])
        #expect(ProtectedRoles.alwaysProtected.allSatisfy { everything.protects($0.value) })
    }

    @Test(arguments: [("de-DE", true), ("de", true), ("DE-at", true), ("en-US", false), (nil as String?, false), ("fr-FR", false)])
    func notificationLanguage(language: String?, german: Bool) {
        let date = Date(timeIntervalSince1970: 1_800_000_000)
        let text = NotificationText.make(language: language, issuedBy: "agent@contoso.example", at: date, correlationId: "c-1")
        #expect(text.subject.contains("Zugriffspass") == german)
        #expect(text.body.contains("agent@contoso.example") && text.body.contains("2027-01-15T08:00:00Z") && text.body.contains("c-1"))
        let own = NotificationText.make(language: language, issuedBy: nil, at: date, correlationId: "c-1")
        #expect(own.body.contains(german ? "Self-Service" : "self-service"))
    }
}
