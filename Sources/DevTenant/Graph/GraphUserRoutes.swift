import Hummingbird

/// `GET /users` and `GET /users/{id | userPrincipalName}` (reference 3).
struct GraphUserRoutes {
    let graph: DevGraph

    static let defaultPageSize = 100

    /// The basic-query filter grammar (startsWith/eq/in, `and`/`or`, parentheses), the advanced
    /// extras with `ConsistencyLevel: eventual` + `$count=true`, `$select`, `$top` and paging, in
    /// seed order.
    func list(_ request: GraphRequest, _ reply: GraphReply) throws(GraphProblem) -> Response {
        let select = try UserProjection.resolve(request.query.select)
        let users = try DirectoryQuery.users.apply(graph.directory.users, request)
        let page = try GraphPaging.page(users, request: request, defaultSize: Self.defaultPageSize, maxPageSize: graph.maxPageSize)
        return reply.json(GraphPaging.collection(
            context: request.context("users" + DirectoryProjection.contextSuffix(select)),
            items: page.items.map { UserProjection.json($0, select: select) },
            nextLink: page.nextLink, count: users.count, request: request))
    }

    func get(_ user: Seed.User, _ request: GraphRequest, _ reply: GraphReply) throws(GraphProblem) -> Response {
        try request.query.refuseExpand()
        try request.query.refuse(["$filter", "$top", "$search", "$orderby", "$count"])
        let select = try UserProjection.resolve(request.query.select)
        let context = request.context("users" + DirectoryProjection.contextSuffix(select) + "/$entity")
        return reply.json(UserProjection.json(user, select: select).inserting("@odata.context", .string(context)))
    }

    /// `GET /users/{id}/manager`: the manager as a `directoryObject` (so with `@odata.type`), or
    /// Graph's 404 when none is set (docs/graph-calls.md, user-list-manager).
    func manager(of user: Seed.User, _ request: GraphRequest, _ reply: GraphReply) throws(GraphProblem) -> Response {
        try request.query.refuseExpand()
        try request.query.refuse(["$filter", "$top", "$search", "$orderby", "$count"])
        guard let managerId = user.manager, let manager = graph.directory.user(managerId) else { throw .resourceNotFound("manager") }
        let select = try UserProjection.resolve(request.query.select)
        return reply.json(UserProjection.json(manager, select: select)
            .inserting("@odata.type", .string("#microsoft.graph.user"))
            .inserting("@odata.context", .string(request.context("directoryObjects/$entity"))))
    }
}
