import DevTenant
import Foundation

/// The directory the TAP end-to-end tests run against: agents, 60 ordinary users, one user for each
/// way a target can be protected (SPEC 7.2), and the users Graph or we must refuse.
public enum TestDirectory {
    public static let agent = "aaaaaaaa-0000-4000-8000-000000000001"
    public static let secondAgent = "aaaaaaaa-0000-4000-8000-000000000006"
    public static let viewer = "aaaaaaaa-0000-4000-8000-000000000002"
    public static let sender = "tap-notifications@contoso.example"

    /// Ordinary users 1...60; user 2 prefers German.
    public static func user(_ number: Int) -> String { "bbbbbbbb-0000-4000-8000-" + String(format: "%012d", number) }
    static func group(_ number: Int) -> String { "ffffffff-0000-4000-8000-" + String(format: "%012d", number) }

    public enum Protected: String, CaseIterable, Sendable {
        case directRole = "cccccccc-0000-4000-8000-000000000001"
        case roleThroughGroup = "cccccccc-0000-4000-8000-000000000002"
        case eligibleRole = "cccccccc-0000-4000-8000-000000000003"
        case eligibleGroupMember = "cccccccc-0000-4000-8000-000000000004"
        case nestedBlockedGroup = "cccccccc-0000-4000-8000-000000000005"
        case groupOnALaterPage = "cccccccc-0000-4000-8000-000000000006"
        case ownerOfRoleGroup = "cccccccc-0000-4000-8000-000000000007"
        // SPEC 7.2: every role kind × active/eligible × tenant/unit scope.
        case builtInActiveAtUnit = "cccccccc-0000-4000-8000-000000000008"
        case builtInEligibleAtUnit = "cccccccc-0000-4000-8000-000000000009"
        case customActiveAtTenant = "cccccccc-0000-4000-8000-000000000010"
        case customActiveAtUnit = "cccccccc-0000-4000-8000-000000000011"
        case customEligibleAtTenant = "cccccccc-0000-4000-8000-000000000012"
        case customEligibleAtUnit = "cccccccc-0000-4000-8000-000000000013"
        // The named inputs: roles an Authentication Administrator could not touch.
        case complianceAdministrator = "cccccccc-0000-4000-8000-000000000014"
        case eligibleTeamsAdministrator = "cccccccc-0000-4000-8000-000000000015"
        case eligibleGroupOwner = "cccccccc-0000-4000-8000-000000000016"
        case restrictedUnitMember = "cccccccc-0000-4000-8000-000000000017"
        /// Member of a role-assignable group whose properties the app cannot read: the answer
        /// lacks `isAssignableToRole`, which counts as role-assignable.
        case groupWithoutTheFlag = "cccccccc-0000-4000-8000-000000000018"

        /// What the audit row's reason must name.
        public var reasonNames: String {
            switch self {
            case .directRole: "Global Administrator"
            case .roleThroughGroup: "Tier 0 Operators"
            case .eligibleRole: "Security Administrator"
            case .eligibleGroupMember: "PIM Admins"
            case .nestedBlockedGroup: blockedGroup
            case .groupOnALaterPage: "Late Admins"
            case .ownerOfRoleGroup: "Tier 0 Operators"
            case .builtInActiveAtUnit: "Helpdesk Administrator"
            case .builtInEligibleAtUnit: "User Administrator"
            case .customActiveAtTenant, .customActiveAtUnit, .customEligibleAtTenant, .customEligibleAtUnit: customRole
            case .complianceAdministrator: "Compliance Administrator"
            case .eligibleTeamsAdministrator: "Teams Administrator"
            case .eligibleGroupOwner: "PIM Admins"
            case .restrictedUnitMember: "Board"
            case .groupWithoutTheFlag: TestDirectory.group(53)
            }
        }
    }

    /// A custom role definition (its own id, not a template id).
    public static let customRole = "eeeeeeee-5555-4000-8000-000000000001"
    /// An ordinary administrative unit (scopes roles) and a restricted-management one.
    public static let fieldOffice = "aaaaaaaa-5555-4000-8000-000000000001"
    public static let boardUnit = "aaaaaaaa-5555-4000-8000-000000000002"

    /// Users the guard must let through (SPEC 7.2 controls): user 3 is in twelve ordinary groups
    /// (`isAssignableToRole` false or null), user 4 a Directory Reader, user 5 an eligible
    /// Directory Reader at a unit's scope and member of an ordinary unit, user 6 in a group the app
    /// cannot read that is not role-assignable, user 7 the owner of an ordinary group.
    public static let guardControls = [3, 4, 5, 6, 7]

    public static let disabled = "dddddddd-0000-4000-8000-000000000001"
    public static let externalGuest = "dddddddd-0000-4000-8000-000000000002"
    public static let outsidePolicy = "dddddddd-0000-4000-8000-000000000003"
    /// The group of `BLOCKED_GROUP_IDS`; the blocked user is in a group nested inside it.
    public static let blockedGroup = "ffffffff-0000-4000-8000-000000000100"
    /// A group of `APPROVAL_GROUP_IDS` (user 46 is in it through a nested group).
    public static let sensitiveGroup = "ffffffff-0000-4000-8000-000000000300"

    public static let seed: Seed = {
        var users: [[String: Any]] = [
            ["id": agent, "userPrincipalName": "hannah.agent@contoso.example", "displayName": "Hannah Agent", "appRoles": ["Helpdesk.TapAdmin"]],
            ["id": secondAgent, "userPrincipalName": "omar.agent@contoso.example", "displayName": "Omar Agent", "appRoles": ["Helpdesk.TapAdmin"]],
            ["id": viewer, "userPrincipalName": "victor.viewer@contoso.example", "displayName": "Victor Viewer", "appRoles": ["Helpdesk.TapViewer"]],
            ["id": "eeeeeeee-0000-4000-8000-000000000001", "userPrincipalName": sender, "displayName": "TAP notifications", "mail": sender],
        ]
        for number in 1...60 {
            var user: [String: Any] = ["id": user(number), "userPrincipalName": "user\(number)@contoso.example", "displayName": "Test User \(number)",
                                       "givenName": "Test", "surname": "User \(number)", "mail": "user\(number).mail@contoso.example",
                                       "jobTitle": "Clerk", "department": "Operations", "accountEnabled": true, "userType": "Member",
                                       "authenticationMethods": [["type": "fido2AuthenticationMethod", "displayName": "Key \(number)"]]]
            if number == 2 { user["preferredLanguage"] = "de-DE" }
            // Handovers (SPEC 7.6): users 40–47 report to user 49 (German), user 48 to user 50.
            if (40...47).contains(number) { user["manager"] = TestDirectory.user(49) }
            if number == 48 { user["manager"] = TestDirectory.user(50) }
            if number == 49 { user["preferredLanguage"] = "de-DE" }
            users.append(user)
        }
        for protected in Protected.allCases {
            users.append(["id": protected.rawValue, "userPrincipalName": "\(protected)@contoso.example", "displayName": "Protected \(protected)"])
        }
        users.append(["id": disabled, "userPrincipalName": "disabled@contoso.example", "displayName": "Disabled User", "accountEnabled": false])
        users.append(["id": externalGuest, "userPrincipalName": "guest_fabrikam.example#EXT#@contoso.example", "displayName": "External Guest",
                      "userType": "Guest", "mail": "guest@fabrikam.example"])
        users.append(["id": outsidePolicy, "userPrincipalName": "outside@contoso.example", "displayName": "Outside Policy"])

        var groups: [[String: Any]] = []
        // Twelve ordinary groups first, so the role-assignable one comes on a later page.
        for number in 1...12 {
            // Graph answers `null` for groups created without the flag, `false` only if it was set so.
            var ordinary: [String: Any] = ["id": group(number), "displayName": "Ordinary \(number)",
                                           "members": [Protected.groupOnALaterPage.rawValue, user(3)]]
            if number.isMultiple(of: 2) { ordinary["isAssignableToRole"] = false }
            if number == 1 { ordinary["owners"] = [user(7)] }
            groups.append(ordinary)
        }
        groups.append(["id": group(50), "displayName": "Late Admins", "isAssignableToRole": true, "members": [Protected.groupOnALaterPage.rawValue]])
        groups.append(["id": group(51), "displayName": "Tier 0 Operators", "isAssignableToRole": true, "members": [Protected.roleThroughGroup.rawValue],
                       "owners": [Protected.ownerOfRoleGroup.rawValue]])
        groups.append(["id": group(52), "displayName": "PIM Admins", "isAssignableToRole": true, "members": []])
        groups.append(["id": group(53), "displayName": "Hidden Admins", "isAssignableToRole": true, "limitedVisibility": true,
                       "members": [Protected.groupWithoutTheFlag.rawValue]])
        groups.append(["id": group(54), "displayName": "Hidden Ordinary", "limitedVisibility": true, "members": [user(6)]])
        groups.append(["id": blockedGroup, "displayName": "Executives", "isAssignableToRole": false, "members": [group(101)]])
        groups.append(["id": group(101), "displayName": "Executive Assistants", "isAssignableToRole": false, "members": [group(102)]])
        groups.append(["id": group(102), "displayName": "EA Deputies", "isAssignableToRole": false, "members": [Protected.nestedBlockedGroup.rawValue]])
        groups.append(["id": group(200), "displayName": "No TAP", "isAssignableToRole": false, "members": [outsidePolicy]])
        // APPROVAL_GROUP_IDS (SPEC 7.6): user 46 is a member through a nested group.
        groups.append(["id": sensitiveGroup, "displayName": "Finance", "isAssignableToRole": false, "members": [group(301)]])
        groups.append(["id": group(301), "displayName": "Finance Payroll", "isAssignableToRole": false, "members": [user(46)]])

        let document: [String: Any] = [
            "tenantId": Seed.defaultTenantId,
            "users": users,
            "groups": groups,
            "roleAssignments": [
                ["principalId": Protected.directRole.rawValue, "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10", "directoryScopeId": "/"],
                ["principalId": group(51), "roleDefinitionId": "e8611ab8-c189-46e8-94e1-60213ab1f814", "directoryScopeId": "/"],
                // A harmless role must not protect anybody.
                ["principalId": user(4), "roleDefinitionId": "88d8e3e3-8f55-4a1e-953a-9b9898b8876b", "directoryScopeId": "/"],
                ["principalId": Protected.builtInActiveAtUnit.rawValue, "roleDefinitionId": "729827e3-9c14-49f7-bb1b-9608f156bbb8",
                 "directoryScopeId": "/administrativeUnits/\(fieldOffice)"],
                ["principalId": Protected.customActiveAtTenant.rawValue, "roleDefinitionId": customRole, "directoryScopeId": "/"],
                ["principalId": Protected.customActiveAtUnit.rawValue, "roleDefinitionId": customRole,
                 "directoryScopeId": "/administrativeUnits/\(fieldOffice)"],
                ["principalId": Protected.complianceAdministrator.rawValue, "roleDefinitionId": "17315797-102d-40b4-93e0-432062caca18", "directoryScopeId": "/"],
            ],
            "roleEligibilities": [
                ["principalId": Protected.eligibleRole.rawValue, "roleDefinitionId": "194ae4cb-b126-40b2-bd5b-6091b380977d"],
                ["principalId": Protected.builtInEligibleAtUnit.rawValue, "roleDefinitionId": "fe930be7-5e62-47db-91af-98c3a49a38b1",
                 "directoryScopeId": "/administrativeUnits/\(fieldOffice)"],
                ["principalId": Protected.customEligibleAtTenant.rawValue, "roleDefinitionId": customRole],
                ["principalId": Protected.customEligibleAtUnit.rawValue, "roleDefinitionId": customRole,
                 "directoryScopeId": "/administrativeUnits/\(fieldOffice)"],
                ["principalId": Protected.eligibleTeamsAdministrator.rawValue, "roleDefinitionId": "69091246-20e8-4a56-aa4d-066075b2a7a8"],
                ["principalId": user(5), "roleDefinitionId": "88d8e3e3-8f55-4a1e-953a-9b9898b8876b", "directoryScopeId": "/administrativeUnits/\(fieldOffice)"],
            ],
            "groupEligibilities": [
                ["principalId": Protected.eligibleGroupMember.rawValue, "groupId": group(52), "accessId": "member"],
                ["principalId": Protected.eligibleGroupOwner.rawValue, "groupId": group(52), "accessId": "owner"],
            ],
            "administrativeUnits": [
                ["id": fieldOffice, "displayName": "Field Office", "members": [user(5), Protected.builtInActiveAtUnit.rawValue]],
                ["id": boardUnit, "displayName": "Board", "isMemberManagementRestricted": true, "members": [Protected.restrictedUnitMember.rawValue]],
            ],
            "tapPolicy": ["state": "enabled", "minimumLifetimeInMinutes": 60, "maximumLifetimeInMinutes": 480, "defaultLifetimeInMinutes": 60,
                          "isUsableOnce": false, "excludeTargets": [["targetType": "group", "id": group(200)]]],
        ]
        let data = try! JSONSerialization.data(withJSONObject: document)
        return try! JSONDecoder().decode(Seed.self, from: data)
    }()
}
