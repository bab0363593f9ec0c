/// Which `$filter` clauses a collection accepts and how they evaluate (reference 3: `startsWith`
/// and `eq`/`in` are basic queries; `endsWith`, `ne`, `not` and `eq null` are advanced-only,
/// needing `ConsistencyLevel: eventual` + `$count=true`; every other operator or function is
/// refused with `Request_UnsupportedQuery`). String comparisons ignore case, as the directory's do.
struct GraphFilterSchema: Sendable {
    enum Kind: Sendable { case string, bool }

    enum Value {
        case string(String?)
        case bool(Bool?)
    }

    /// `Request_UnsupportedQuery` messages name the resource (`User`, `Group`).
    let resource: String
    /// Every property of the type, lower-cased → canonical name, with its kind when filterable.
    let properties: [String: (name: String, kind: Kind?)]
    /// Properties `startsWith` works on (basic).
    let startsWith: Set<String>
    /// Properties `endsWith` works on (advanced only).
    let endsWith: Set<String>

    static let user = GraphFilterSchema(
        resource: "User",
        properties: Dictionary(uniqueKeysWithValues: UserProjection.allProperties.map { name in
            let kind: Kind? = switch name {
            case "id", "displayName", "userPrincipalName", "mail", "givenName", "surname", "userType": .string
            case "accountEnabled": .bool
            default: nil
            }
            return (name.lowercased(), (name, kind))
        }),
        startsWith: ["displayName", "userPrincipalName", "mail", "givenName", "surname"],
        endsWith: ["mail", "userPrincipalName"])

    static let group = GraphFilterSchema(
        resource: "Group",
        properties: Dictionary(uniqueKeysWithValues: GroupProjection.allProperties.map { name in
            let kind: Kind? = switch name {
            case "id", "displayName", "mail", "description": .string
            case "isAssignableToRole", "securityEnabled", "mailEnabled": .bool
            default: nil
            }
            return (name.lowercased(), (name, kind))
        }),
        startsWith: ["displayName", "mail"],
        endsWith: ["mail"])

    /// The canonical name and kind of a filterable property, or the matching 400.
    func property(_ name: String) throws(GraphProblem) -> (name: String, kind: Kind) {
        guard let entry = properties[name.lowercased()] else {
            throw .badRequest("Property '\(name)' does not exist as a declared property or extension property.")
        }
        guard let kind = entry.kind else { throw .unsupportedFilterProperty(entry.name, resource: resource) }
        return (entry.name, kind)
    }

    func validate(_ filter: GraphFilter, advanced: Bool) throws(GraphProblem) {
        func requireAdvanced() throws(GraphProblem) { if !advanced { throw GraphProblem.advancedQueryRequired } }
        func check(_ literal: GraphFilter.Literal, for kind: Kind, op: String) throws(GraphProblem) {
            switch (kind, literal) {
            case (_, .null): try requireAdvanced()
            case (.string, .string), (.bool, .bool): break
            default:
                throw .badRequest("A binary operator with incompatible types was detected for operator kind '\(op)'.")
            }
        }
        switch filter {
        case .or(let left, let right), .and(let left, let right):
            try validate(left, advanced: advanced)
            try validate(right, advanced: advanced)
        case .not(let inner):
            try requireAdvanced()
            try validate(inner, advanced: advanced)
        case .compare(let name, let op, let value):
            let property = try property(name)
            switch op {
            case "eq": break
            case "ne": try requireAdvanced()
            default: throw .unsupportedFilterProperty(property.name, resource: resource)
            }
            try check(value, for: property.kind, op: op)
        case .isIn(let name, let values):
            let property = try property(name)
            for value in values { try check(value, for: property.kind, op: "In") }
        case .call(let function, let name, let value):
            let property = try property(name)
            switch function {
            case "startswith":
                guard startsWith.contains(property.name) else { throw .unsupportedFilterProperty(property.name, resource: resource) }
            case "endswith":
                try requireAdvanced()
                guard endsWith.contains(property.name) else { throw .unsupportedFilterProperty(property.name, resource: resource) }
            default:
                throw .unsupportedQuery("An unknown function with name '\(function)' was found, or it is not supported on resource '\(resource)'.")
            }
            guard case .string = value else { throw .badRequest("The function '\(function)' needs a string literal.") }
        }
    }

    /// Evaluates a validated filter; `value(name)` returns the entity's property by canonical name.
    func matches(_ filter: GraphFilter, _ value: (String) -> Value) -> Bool {
        func resolve(_ name: String) -> Value {
            value(properties[name.lowercased()]?.name ?? name)
        }
        func equals(_ actual: Value, _ literal: GraphFilter.Literal) -> Bool {
            switch (actual, literal) {
            case (.string(let text), .string(let expected)): text?.lowercased() == expected.lowercased()
            case (.string(let text), .null): text == nil
            case (.bool(let flag), .bool(let expected)): flag == expected
            case (.bool(let flag), .null): flag == nil
            default: false
            }
        }
        switch filter {
        case .or(let left, let right): return matches(left, value) || matches(right, value)
        case .and(let left, let right): return matches(left, value) && matches(right, value)
        case .not(let inner): return !matches(inner, value)
        case .compare(let name, let op, let literal):
            let equal = equals(resolve(name), literal)
            return op == "ne" ? !equal : equal
        case .isIn(let name, let literals):
            let actual = resolve(name)
            return literals.contains { equals(actual, $0) }
        case .call(let function, let name, let literal):
            guard case .string(let text?) = resolve(name), case .string(let affix) = literal else { return false }
            let lower = text.lowercased(), needle = affix.lowercased()
            return function == "startswith" ? lower.hasPrefix(needle) : lower.hasSuffix(needle)
        }
    }
}
