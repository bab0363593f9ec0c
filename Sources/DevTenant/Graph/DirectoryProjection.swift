import EphemCore

/// A user as Graph returns it (reference 3): without `$select` the default property set, in
/// Graph's order (`id` last); with `$select` exactly the named properties, in the order asked.
/// `accountEnabled`, `userType`, `department` and the rest appear only when selected.
enum UserProjection {
    static let defaultProperties = ["businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone",
                                    "officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id"]
    static let allProperties = defaultProperties + ["accountEnabled", "userType", "department", "companyName", "employeeId",
                                                    "createdDateTime", "mailNickname", "otherMails", "onPremisesSyncEnabled"]

    /// The canonical names of `$select` (case-insensitive, duplicates dropped), or a 400 for an
    /// unknown one; `nil` when there is no `$select`.
    static func resolve(_ select: [String]?) throws(GraphProblem) -> [String]? {
        try DirectoryProjection.resolve(select, all: allProperties, type: "user")
    }

    static func json(_ user: Seed.User, select: [String]?) -> GraphJSON {
        .object((select ?? defaultProperties).map { ($0, value(user, $0)) })
    }

    static func value(_ user: Seed.User, _ property: String) -> GraphJSON {
        switch property {
        case "id": .string(user.id.lowercased())
        case "businessPhones", "otherMails": .array([])
        case "displayName": .string(user.displayName)
        case "givenName": .optional(user.givenName)
        case "jobTitle": .optional(user.jobTitle)
        case "mail": .optional(user.mail)
        case "preferredLanguage": .optional(user.preferredLanguage)
        case "surname": .optional(user.surname)
        case "userPrincipalName": .string(user.userPrincipalName)
        case "accountEnabled": .bool(user.accountEnabled ?? true)
        case "userType": .string(user.userType ?? "Member")
        case "department": .optional(user.department)
        case "mailNickname": .string(String(user.userPrincipalName.prefix { $0 != "@" }))
        default: .null
        }
    }

    /// A filterable property's value (`GraphFilterSchema.user`).
    static func filterValue(_ user: Seed.User, _ property: String) -> GraphFilterSchema.Value {
        switch value(user, property) {
        case .string(let text): .string(text)
        case .bool(let flag): .bool(flag)
        default: .string(nil)
        }
    }
}

/// A group as Graph returns it (docs/graph-calls.md; fixture `group-get`): without `$select`
/// Graph's default property set in its order, unset properties `null` and empty collections `[]`;
/// `isAssignableToRole` is `null` for every group created without the flag. `$select` as for users.
enum GroupProjection {
    static let allProperties = ["id", "deletedDateTime", "classification", "createdDateTime", "description", "displayName",
                                "expirationDateTime", "groupTypes", "isAssignableToRole", "mail", "mailEnabled", "mailNickname",
                                "membershipRule", "membershipRuleProcessingState", "onPremisesDomainName", "onPremisesLastSyncDateTime",
                                "onPremisesNetBiosName", "onPremisesSamAccountName", "onPremisesSecurityIdentifier", "onPremisesSyncEnabled",
                                "preferredDataLocation", "preferredLanguage", "proxyAddresses", "renewedDateTime", "resourceBehaviorOptions",
                                "resourceProvisioningOptions", "securityEnabled", "securityIdentifier", "theme", "visibility",
                                "onPremisesProvisioningErrors"]
    /// `GET /groups` answers a smaller default set than `GET /groups/{id}` (fixtures `groups-list`,
    /// `group-get`): no `onPremisesDomainName`, `onPremisesNetBiosName`, `onPremisesSamAccountName`
    /// or `securityIdentifier`.
    static let listProperties = allProperties.filter {
        !["onPremisesDomainName", "onPremisesNetBiosName", "onPremisesSamAccountName", "securityIdentifier"].contains($0)
    }

    static func resolve(_ select: [String]?) throws(GraphProblem) -> [String]? {
        try DirectoryProjection.resolve(select, all: allProperties, type: "group")
    }

    /// `typed`: the item sits in an uncast `directoryObject` collection and carries `@odata.type`.
    /// A group the app may not read (`limitedVisibility`) shows only its type and id.
    /// `listed`: the item is part of a collection, whose default set is `listProperties`.
    static func json(_ group: Seed.Group, select: [String]?, typed: Bool = false, listed: Bool = false) -> GraphJSON {
        if group.limitedVisibility == true {
            return .object([("@odata.type", .string("#microsoft.graph.group")), ("id", .string(group.id.lowercased()))])
        }
        var members = (select ?? (listed ? listProperties : allProperties)).map { ($0, value(group, $0)) }
        if typed { members.insert(("@odata.type", .string("#microsoft.graph.group")), at: 0) }
        return .object(members)
    }

    static func value(_ group: Seed.Group, _ property: String) -> GraphJSON {
        switch property {
        case "id": .string(group.id.lowercased())
        case "displayName": .string(group.displayName)
        case "isAssignableToRole": group.isAssignableToRole.map(GraphJSON.bool) ?? .null
        case "groupTypes", "proxyAddresses", "resourceBehaviorOptions", "resourceProvisioningOptions", "onPremisesProvisioningErrors": .array([])
        case "mailEnabled": .bool(false)
        case "securityEnabled": .bool(true)
        case "mailNickname": .string(String(group.displayName.filter { $0.isLetter || $0.isNumber }.prefix(64)))
        case "createdDateTime", "renewedDateTime": .string(ISOTime.string(StableId.pastDate("group", group.id.lowercased()), fractional: false))
        case "securityIdentifier": .string("S-1-12-1-" + StableId.guid("sid", group.id.lowercased()).split(separator: "-").prefix(4).map { String(UInt32($0.prefix(8), radix: 16) ?? 0) }.joined(separator: "-"))
        case "visibility": group.isAssignableToRole == true ? .string("Private") : .null
        default: .null
        }
    }

    static func filterValue(_ group: Seed.Group, _ property: String) -> GraphFilterSchema.Value {
        switch value(group, property) {
        case .string(let text): .string(text)
        case .bool(let flag): .bool(flag)
        default: property == "isAssignableToRole" ? .bool(nil) : .string(nil)
        }
    }
}

/// An administrative unit as Graph returns it (docs/graph-calls.md #12, fixtures
/// `administrativeunit-get*`): unset properties are `null`; `isMemberManagementRestricted` is
/// `false` for an ordinary unit.
enum AdministrativeUnitProjection {
    static let allProperties = ["id", "deletedDateTime", "description", "displayName", "isMemberManagementRestricted",
                                "membershipRule", "membershipRuleProcessingState", "membershipType", "visibility"]

    static func resolve(_ select: [String]?) throws(GraphProblem) -> [String]? {
        try DirectoryProjection.resolve(select, all: allProperties, type: "administrativeUnit")
    }

    static func json(_ unit: Seed.AdministrativeUnit, select: [String]?, typed: Bool = false) -> GraphJSON {
        var members = (select ?? allProperties).map { ($0, value(unit, $0)) }
        if typed { members.insert(("@odata.type", .string("#microsoft.graph.administrativeUnit")), at: 0) }
        return .object(members)
    }

    static func value(_ unit: Seed.AdministrativeUnit, _ property: String) -> GraphJSON {
        switch property {
        case "id": .string(unit.id.lowercased())
        case "displayName": .string(unit.displayName)
        // Microsoft's example of an ordinary unit answers `false` (fixture administrativeunit-get).
        case "isMemberManagementRestricted": .bool(unit.isMemberManagementRestricted ?? false)
        default: .null
        }
    }
}

/// An activated built-in role as `memberOf` lists it (`#microsoft.graph.directoryRole`): its own
/// object id, distinct from the `roleTemplateId`.
enum DirectoryRoleProjection {
    static let allProperties = ["id", "deletedDateTime", "description", "displayName", "roleTemplateId"]

    static func json(template: String, select: [String]?) -> GraphJSON {
        let known = select.map { names in names.filter { allProperties.contains($0) } } ?? allProperties
        var members: [(String, GraphJSON)] = [("@odata.type", .string("#microsoft.graph.directoryRole"))]
        for property in known {
            switch property {
            case "id": members.append((property, .string(StableId.guid("directoryRole", template))))
            case "displayName": members.append((property, .string(EphemCore.ProtectedRoles.names[template] ?? "Role \(template)")))
            case "roleTemplateId": members.append((property, .string(template)))
            default: members.append((property, .null))
            }
        }
        return .object(members)
    }
}

enum DirectoryProjection {
    static func resolve(_ select: [String]?, all: [String], type: String) throws(GraphProblem) -> [String]? {
        guard let select else { return nil }
        var names: [String] = []
        for item in select {
            guard let name = all.first(where: { $0.lowercased() == item.lowercased() }) else {
                throw .unknownProperty(item, type: type)
            }
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// `(id,displayName)` for `@odata.context` after a select, else empty.
    static func contextSuffix(_ select: [String]?) -> String {
        select.map { "(" + $0.joined(separator: ",") + ")" } ?? ""
    }
}
