#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A user as the guard and the portals need it (reference 3). `accountEnabled` and `userType` are
/// only returned when selected, so `GraphClient.user` always selects them.
public struct DirectoryUser: Sendable, Equatable {
    public var id: GUID
    public var userPrincipalName: String
    public var displayName: String?
    public var givenName: String?
    public var surname: String?
    public var mail: String?
    public var jobTitle: String?
    public var department: String?
    public var accountEnabled: Bool?
    public var userType: String?
    public var preferredLanguage: String?

    public init(id: GUID, userPrincipalName: String, displayName: String? = nil) {
        self.id = id
        self.userPrincipalName = userPrincipalName
        self.displayName = displayName
    }

    init?(json: JSONValue) {
        guard let id = json["id"]?.stringValue.flatMap({ GUID($0) }), let upn = json["userPrincipalName"]?.stringValue else { return nil }
        self.init(id: id, userPrincipalName: upn, displayName: json["displayName"]?.stringValue)
        givenName = json["givenName"]?.stringValue
        surname = json["surname"]?.stringValue
        mail = json["mail"]?.stringValue
        jobTitle = json["jobTitle"]?.stringValue
        department = json["department"]?.stringValue
        accountEnabled = json["accountEnabled"]?.boolValue
        userType = json["userType"]?.stringValue
        preferredLanguage = json["preferredLanguage"]?.stringValue
    }

    /// A B2B guest whose credentials live in another tenant: the UPN always contains `#EXT#`
    /// (reference 3), and Entra refuses a TAP for them (reference 1.4).
    public var isExternalGuest: Bool { userPrincipalName.uppercased().contains("#EXT#") }
}

/// A Temporary Access Pass method (reference 1.1). `secret` is only ever set on the object that
/// `POST` returned; lists and gets carry `null`.
public struct TemporaryAccessPass: Sendable, Equatable {
    public var id: String
    public var secret: String?
    public var createdDateTime: String?
    public var startDateTime: String?
    public var lifetimeInMinutes: Int?
    public var isUsableOnce: Bool?
    public var isUsable: Bool?
    public var methodUsabilityReason: String?

    init?(json: JSONValue) {
        guard let id = json["id"]?.stringValue else { return nil }
        self.id = id
        secret = json["temporaryAccessPass"]?.stringValue
        createdDateTime = json["createdDateTime"]?.stringValue
        startDateTime = json["startDateTime"]?.stringValue
        lifetimeInMinutes = json["lifetimeInMinutes"]?.doubleValue.map { Int($0) }
        isUsableOnce = json["isUsableOnce"]?.boolValue
        isUsable = json["isUsable"]?.boolValue
        methodUsabilityReason = json["methodUsabilityReason"]?.stringValue
    }

    /// Usable now or later: the state in which SPEC 7.3 refuses another TAP (`tap_active`). An
    /// unreadable state counts as active, so the refusal fails closed.
    public var isActive: Bool {
        if isUsable == true { return true }
        switch methodUsabilityReason {
        case "Expired", "OneTimeUsed", "DisabledByPolicy": return false
        default: return true
        }
    }

    /// When it stops being usable: start (or creation) plus lifetime.
    public var expiresDateTime: String? {
        guard let lifetime = lifetimeInMinutes, let start = (startDateTime ?? createdDateTime).flatMap(GraphDate.parse) else { return nil }
        return GraphDate.format(start.addingTimeInterval(Double(lifetime) * 60))
    }
}

/// One registered sign-in method, as `GET /api/my-auth-methods` lists it (SPEC 6.2).
public struct AuthenticationMethodSummary: Sendable, Equatable, Codable {
    public var id: String
    /// The `@odata.type` without `#microsoft.graph.`, e.g. `fido2AuthenticationMethod`.
    public var type: String
    public var displayName: String?
    public var createdDateTime: String?

    init?(json: JSONValue) {
        guard let id = json["id"]?.stringValue, let odataType = json["@odata.type"]?.stringValue else { return nil }
        self.id = id
        type = odataType.hasPrefix("#microsoft.graph.") ? String(odataType.dropFirst("#microsoft.graph.".count)) : odataType
        displayName = json["displayName"]?.stringValue
        // The v1.0 list example spells it `creationDateTime` (reference 2): read both.
        createdDateTime = json["createdDateTime"]?.stringValue ?? json["creationDateTime"]?.stringValue
    }
}

/// A group as the guard sees it.
public struct DirectoryGroup: Sendable, Equatable {
    public var id: GUID
    public var displayName: String?
    /// Graph's `isAssignableToRole`: `true` role-assignable; `false` or JSON `null` (Graph's
    /// answer for every group created without the flag) not; nil also when the property is absent.
    public var isAssignableToRole: Bool?
    /// Whether the answer carried the property at all (an object the app cannot fully read comes
    /// back with only its type and id).
    public var statesAssignability: Bool

    init?(json: JSONValue) {
        guard let id = json["id"]?.stringValue.flatMap({ GUID($0) }) else { return nil }
        self.id = id
        displayName = json["displayName"]?.stringValue
        isAssignableToRole = json["isAssignableToRole"]?.boolValue
        statesAssignability = json["isAssignableToRole"] != nil
    }

    /// SPEC 7.2: role-assignable when Graph says `true`, or says nothing (fail closed); `false`
    /// and `null` mean it is not.
    public var isRoleAssignable: Bool { isAssignableToRole == true || !statesAssignability }

    public var label: String { displayName.map { "'\($0)' (\(id))" } ?? id.value }
}

/// One item of an uncast `directoryObject` collection (`ownedObjects`, `memberOf`): its id and
/// `@odata.type` (items of such a list normally carry it, e.g. `#microsoft.graph.group`,
/// `#microsoft.graph.application`, `#microsoft.graph.directoryRole`,
/// `#microsoft.graph.administrativeUnit`), so a caller never mistakes one kind for another.
public struct DirectoryObject: Sendable, Equatable {
    public var id: String
    /// Nil when the item did not say (Microsoft's own `ownedObjects` example shows `{"id": …}`
    /// alone).
    public var odataType: String?
    public var displayName: String?

    init?(json: JSONValue) {
        guard let id = json["id"]?.stringValue else { return nil }
        self.id = id
        odataType = json["@odata.type"]?.stringValue
        displayName = json["displayName"]?.stringValue
    }

    /// The id when this object is, or may be, a group: an item without a type is treated as one,
    /// so an unlabelled role-assignable group can never slip past the guard (its id is only ever
    /// compared with the tenant's role-assignable groups).
    public var groupId: GUID? { odataType == nil || odataType == "#microsoft.graph.group" ? GUID(id) : nil }
}

/// An administrative unit the user is a member of (docs/graph-calls.md). In a
/// restricted-management unit only roles scoped to the unit may change its members, and
/// application permissions are refused (SPEC 7.2).
public struct AdministrativeUnit: Sendable, Equatable {
    /// Kept as Graph sent it (only used to name the unit; Microsoft's own example id is not a GUID).
    public var id: String
    public var displayName: String?
    /// `true`: restricted management. Nil when the answer lacks the property: the guard then
    /// treats the unit as restricted, since it cannot show that it is not.
    public var isMemberManagementRestricted: Bool?
    /// Whether the property was present at all (a JSON `null` is present and means "not set").
    public var statesRestriction: Bool

    init?(json: JSONValue) {
        guard let id = json["id"]?.stringValue else { return nil }
        self.id = id
        displayName = json["displayName"]?.stringValue
        isMemberManagementRestricted = json["isMemberManagementRestricted"]?.boolValue
        statesRestriction = json["isMemberManagementRestricted"] != nil
    }

    /// Restricted, or silent about it (fail closed).
    public var restrictsManagement: Bool { isMemberManagementRestricted == true || !statesRestriction }

    public var label: String { displayName.map { "'\($0)' (\(id))" } ?? id }
}

/// A role assignment or eligibility of one principal (reference 4.1, 4.3).
public struct RoleGrant: Sendable, Equatable {
    /// The role definition: for built-in roles the template id, for custom roles their own id.
    public var roleDefinitionId: String
    /// `/` for the tenant, `/administrativeUnits/{id}` for a unit, `/{objectId}` for one object.
    public var directoryScopeId: String?
}

/// A PIM-for-Groups eligibility (reference 4.3): `accessId` is `member` or `owner`.
public struct GroupEligibility: Sendable, Equatable {
    public var groupId: GUID
    public var accessId: String
}

/// ISO 8601 timestamps as Graph writes them (`2022-06-02T16:21:09.765173Z`, `2022-06-05T00:00:00Z`).
public enum GraphDate {
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return date }
        // More than three fractional digits: drop them, keep the zone.
        if let dot = text.firstIndex(of: "."), let zone = text[dot...].firstIndex(where: { $0 == "Z" || $0 == "+" || $0 == "-" }) {
            return try? Date(String(text[..<dot]) + String(text[zone...]), strategy: Date.ISO8601FormatStyle())
        }
        return nil
    }

    public static func format(_ date: Date) -> String {
        Date.ISO8601FormatStyle().format(date)
    }
}
