import EphemCore
import Hummingbird

/// Groups and a user's memberships (reference 4.4): `/groups`, `/groups/{id}`,
/// `/users/{id}/transitiveMemberOf[/microsoft.graph.group]`, `/users/{id}/ownedObjects[/…]`
/// and `POST /users/{id}/checkMemberGroups`.
struct GraphGroupRoutes {
    let graph: DevGraph

    static let defaultPageSize = 100
    static let checkMemberGroupsLimit = 20

    /// A membership list (`transitiveMemberOf`, `ownedObjects`): groups only. The cast form's
    /// items are groups; the uncast form's are `directoryObject`s carrying `@odata.type`.
    /// `$filter`, `$orderby`, `$search` and `$count` need `ConsistencyLevel: eventual` + `$count=true`.
    func memberships(_ groups: [Seed.Group], cast: Bool, _ request: GraphRequest, _ reply: GraphReply) throws(GraphProblem) -> Response {
        let select = try GroupProjection.resolve(request.query.select)
        let found = try DirectoryQuery.groups(filterIsBasic: false).apply(groups, request)
        let page = try GraphPaging.page(found, request: request, defaultSize: Self.defaultPageSize, maxPageSize: graph.maxPageSize)
        let context = request.context((cast ? "groups" : "directoryObjects") + DirectoryProjection.contextSuffix(select))
        return reply.json(GraphPaging.collection(context: context, items: page.items.map { GroupProjection.json($0, select: select, typed: !cast) },
                                                 nextLink: page.nextLink, count: found.count, request: request))
    }

    /// `GET /groups`: basic filters (`id in (…)`, `startsWith(displayName,…)`, `eq`), paged.
    func list(_ request: GraphRequest, _ reply: GraphReply) throws(GraphProblem) -> Response {
        let select = try GroupProjection.resolve(request.query.select)
        let found = try DirectoryQuery.groups(filterIsBasic: true).apply(graph.directory.groups, request)
        let page = try GraphPaging.page(found, request: request, defaultSize: Self.defaultPageSize, maxPageSize: graph.maxPageSize)
        return reply.json(GraphPaging.collection(context: request.context("groups" + DirectoryProjection.contextSuffix(select)),
                                                 items: page.items.map { GroupProjection.json($0, select: select) },
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
