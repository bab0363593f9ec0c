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

/// A group as Graph returns it (reference 4.4): `$select` as for users; without it, every
/// property the dev tenant knows.
enum GroupProjection {
    static let allProperties = ["id", "createdDateTime", "description", "displayName", "groupTypes", "isAssignableToRole",
                                "mail", "mailEnabled", "mailNickname", "securityEnabled", "visibility"]

    static func resolve(_ select: [String]?) throws(GraphProblem) -> [String]? {
        try DirectoryProjection.resolve(select, all: allProperties, type: "group")
    }

    /// `typed`: the item sits in an uncast `directoryObject` collection and carries `@odata.type`.
    static func json(_ group: Seed.Group, select: [String]?, typed: Bool = false) -> GraphJSON {
        var members = (select ?? allProperties).map { ($0, value(group, $0)) }
        if typed { members.insert(("@odata.type", .string("#microsoft.graph.group")), at: 0) }
        return .object(members)
    }

    static func value(_ group: Seed.Group, _ property: String) -> GraphJSON {
        switch property {
        case "id": .string(group.id.lowercased())
        case "displayName": .string(group.displayName)
        case "isAssignableToRole": group.isAssignableToRole.map(GraphJSON.bool) ?? .null
        case "groupTypes": .array([])
        case "mailEnabled": .bool(false)
        case "securityEnabled": .bool(true)
        case "mailNickname": .string(String(group.displayName.filter { $0.isLetter || $0.isNumber }.prefix(64)))
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
