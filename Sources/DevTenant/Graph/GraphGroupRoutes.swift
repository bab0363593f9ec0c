import EphemCore
import Hummingbird

/// Groups, administrative units and a user's memberships (reference 4.4, docs/graph-calls.md):
/// `/groups`, `/groups/{id}`, `/administrativeUnits/{id}`,
/// `/users/{id}/memberOf[/{cast}]`, `/users/{id}/transitiveMemberOf[/{cast}]`,
/// `/users/{id}/ownedObjects[/{cast}]`, `POST /users/{id}/checkMemberGroups` and
/// `POST /users/{id}/getMemberGroups`.
struct GraphGroupRoutes {
    let graph: DevGraph

    static let defaultPageSize = 100
    static let checkMemberGroupsLimit = 20
    /// The most ids `getMemberGroups` returns (docs/graph-calls.md note D).
    static let getMemberGroupsLimit = 11_000

    /// One object of a membership list: a group, an administrative unit or an activated role.
    enum Item {
        case group(Seed.Group)
        case unit(Seed.AdministrativeUnit)
        case role(template: String)

        var castName: String {
            switch self {
            case .group: "microsoft.graph.group"
            case .unit: "microsoft.graph.administrativeUnit"
            case .role: "microsoft.graph.directoryRole"
            }
        }
    }

    /// The casts a membership list takes.
    static let casts = ["microsoft.graph.group", "microsoft.graph.administrativeUnit", "microsoft.graph.directoryRole"]

    /// A membership list. Uncast, the items are `directoryObject`s of every kind, each with its
    /// `@odata.type`; cast, only that kind. Graph documents the cast of a *transitive* list as an
    /// advanced query ("Use of OData cast with transitive members list", aad-advanced-queries),
    /// so `transitive` with a cast needs `ConsistencyLevel: eventual` + `$count=true`; so do
    /// `$filter`, `$orderby`, `$search` and `$count` on any membership list. Filters apply to
    /// groups only (the one kind the handlers ever filtered).
    func memberships(_ items: [Item], cast: String?, transitive: Bool, _ request: GraphRequest, _ reply: GraphReply) throws(GraphProblem) -> Response {
        if let cast {
            guard let known = Self.casts.first(where: { $0.lowercased() == cast.lowercased() }) else {
                throw .badRequest("Invalid cast '\(cast)' on a directoryObject collection.")
            }
            if transitive, !request.query.advanced { throw GraphProblem.advancedQueryRequired }
            let kept = items.filter { $0.castName == known }
            if known == "microsoft.graph.group" {
                let groups = kept.compactMap { if case .group(let group) = $0 { group } else { nil } }
                return try groupList(groups, typed: false, context: "groups", request, reply)
            }
            return try mixed(kept, typed: false, context: known == "microsoft.graph.administrativeUnit" ? "administrativeUnits" : "directoryRoles", request, reply)
        }
        if request.query.filter != nil || request.query.orderBy != nil {
            guard request.query.advanced else { throw GraphProblem.advancedQueryRequired }
            let groups = items.compactMap { if case .group(let group) = $0 { group } else { nil } }
            return try groupList(groups, typed: true, context: "directoryObjects", request, reply)
        }
        return try mixed(items, typed: true, context: "directoryObjects", request, reply)
    }

    private func groupList(_ groups: [Seed.Group], typed: Bool, context: String, _ request: GraphRequest, _ reply: GraphReply) throws(GraphProblem) -> Response {
        let select = try GroupProjection.resolve(request.query.select)
        let found = try DirectoryQuery.groups(filterIsBasic: false).apply(groups, request)
        let page = try GraphPaging.page(found, request: request, defaultSize: Self.defaultPageSize, maxPageSize: graph.maxPageSize)
        let fragment = context + DirectoryProjection.contextSuffix(select)
        return reply.json(GraphPaging.collection(context: request.context(fragment), items: page.items.map { GroupProjection.json($0, select: select, typed: typed, listed: true) },
                                                 nextLink: page.nextLink, count: found.count, request: request))
    }

    /// Objects of several kinds: `$select` names properties of any of them; each item shows the
    /// ones its type has.
    private func mixed(_ items: [Item], typed: Bool, context: String, _ request: GraphRequest, _ reply: GraphReply) throws(GraphProblem) -> Response {
        try request.query.refuseExpand()
        if request.query.search != nil { throw .unsupportedQuery("$search is not supported by the dev tenant on membership lists.") }
        let all = GroupProjection.allProperties + AdministrativeUnitProjection.allProperties + DirectoryRoleProjection.allProperties
        let select = try DirectoryProjection.resolve(request.query.select, all: all, type: "directoryObject")
        let page = try GraphPaging.page(items, request: request, defaultSize: Self.defaultPageSize, maxPageSize: graph.maxPageSize)
        let json = page.items.map { item -> GraphJSON in
            switch item {
            case .group(let group):
                return GroupProjection.json(group, select: select?.filter(GroupProjection.allProperties.contains), typed: typed, listed: true)
            case .unit(let unit):
                guard GraphPermissions.readsAdministrativeUnits(request.granted) else {
                    return .object([("@odata.type", .string("#microsoft.graph.administrativeUnit")), ("id", .string(unit.id.lowercased()))])
                }
                return AdministrativeUnitProjection.json(unit, select: select?.filter(AdministrativeUnitProjection.allProperties.contains), typed: typed)
            case .role(let template):
                return DirectoryRoleProjection.json(template: template, select: select)
            }
        }
        return reply.json(GraphPaging.collection(context: request.context(context + DirectoryProjection.contextSuffix(select)), items: json,
                                                 nextLink: page.nextLink, count: items.count, request: request))
    }

    /// `GET /administrativeUnits/{id}`.
    func administrativeUnit(_ id: String, _ request: GraphRequest, _ reply: GraphReply) throws(GraphProblem) -> Response {
        try request.query.refuseExpand()
        try request.query.refuse(["$filter", "$top", "$search", "$orderby", "$count"])
        guard let unit = graph.directory.administrativeUnit(id) else { throw .resourceNotFound(id) }
        let select = try AdministrativeUnitProjection.resolve(request.query.select)
        let context = request.context("directory/administrativeUnits" + DirectoryProjection.contextSuffix(select) + "/$entity")
        return reply.json(AdministrativeUnitProjection.json(unit, select: select).inserting("@odata.context", .string(context)))
    }

    /// `{"securityEnabledOnly": true}` (required, and `true` on a user) → the ids of every
    /// security group the user is a member of, nested included, in one answer; more than 11,000 is
    /// a 400 (docs/graph-calls.md #14, note D). Every seed group is a security group.
    func getMemberGroups(_ user: Seed.User, _ request: GraphRequest, _ reply: GraphReply) throws(GraphProblem) -> Response {
        let body = try request.jsonObject(emptyIsObject: false, problem: .badRequest("The request body must be a JSON object with securityEnabledOnly."))
        guard let securityOnly = body["securityEnabledOnly"]?.boolValue else {
            throw .badRequest("Invalid request: the securityEnabledOnly parameter is required and must be a Boolean.")
        }
        // "The function can only be called on a user if the parameter is true."
        guard securityOnly else { throw .badRequest("securityEnabledOnly must be true when getMemberGroups is called on a user.") }
        let ids = graph.directory.transitiveGroups(of: user.id).map { GraphJSON.string($0.id.lowercased()) }
        guard ids.count <= Self.getMemberGroupsLimit else {
            throw GraphProblem(status: 400, code: "Directory_ResultSizeLimitExceeded",
                               message: "The result set is larger than \(Self.getMemberGroupsLimit) and cannot be returned.")
        }
        return reply.json(.object([("@odata.context", .string(request.context("Collection(Edm.String)"))), ("value", .array(ids))]))
    }

    /// `GET /groups`: basic filters (`id in (…)`, `startsWith(displayName,…)`, `eq`), paged.
    func list(_ request: GraphRequest, _ reply: GraphReply) throws(GraphProblem) -> Response {
        let select = try GroupProjection.resolve(request.query.select)
        let found = try DirectoryQuery.groups(filterIsBasic: true).apply(graph.directory.groups, request)
        let page = try GraphPaging.page(found, request: request, defaultSize: Self.defaultPageSize, maxPageSize: graph.maxPageSize)
        return reply.json(GraphPaging.collection(context: request.context("groups" + DirectoryProjection.contextSuffix(select)),
                                                 items: page.items.map { GroupProjection.json($0, select: select, listed: true) },
                                                 nextLink: page.nextLink, count: found.count, request: request))
    }

    func get(_ id: String, _ request: GraphRequest, _ reply: GraphReply) throws(GraphProblem) -> Response {
        try request.query.refuseExpand()
        try request.query.refuse(["$filter", "$top", "$search", "$orderby", "$count"])
        guard let group = graph.directory.group(id) else { throw .resourceNotFound(id) }
        let select = try GroupProjection.resolve(request.query.select)
        let context = request.context("groups" + DirectoryProjection.contextSuffix(select) + "/$entity")
        return reply.json(GroupProjection.json(group, select: select).inserting("@odata.context", .string(context)))
    }

    /// `{"groupIds": [...]}` (at most 20 GUIDs) → the ones the user is a member of, nested
    /// membership included, in the order asked.
    func checkMemberGroups(_ user: Seed.User, _ request: GraphRequest, _ reply: GraphReply) throws(GraphProblem) -> Response {
        let body = try request.jsonObject(emptyIsObject: false, problem: .badRequest("The request body must be a JSON object with groupIds."))
        guard let values = body["groupIds"]?.arrayValue else {
            throw .badRequest("Invalid request: the groupIds parameter is required and must be an array of strings.")
        }
        guard values.count <= Self.checkMemberGroupsLimit else {
            throw .badRequest("The number of groupIds exceeds the limit of \(Self.checkMemberGroupsLimit).")
        }
        var ids: [GUID] = []
        for value in values {
            guard let text = value.stringValue, let id = GUID(text) else {
                throw .badRequest("Invalid GUID '\(value.stringValue ?? "non-string value")' in groupIds.")
            }
            if !ids.contains(id) { ids.append(id) }
        }
        let memberOf = graph.directory.transitiveGroupIds(of: user.id)
        let found = ids.filter { memberOf.contains($0.value) }.map { GraphJSON.string($0.value) }
        return reply.json(.object([("@odata.context", .string(request.context("Collection(Edm.String)"))), ("value", .array(found))]))
    }
}
