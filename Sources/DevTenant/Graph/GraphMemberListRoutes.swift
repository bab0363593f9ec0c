import Hummingbird

/// Tenant-wide lists the protected-accounts report reads (SPEC 7.7, issue 16):
/// `GET /groups/{id}/members`, `/groups/{id}/owners`, `/groups/{id}/transitiveMembers`
/// (api/group-list-members.md, group-list-owners.md, group-list-transitivemembers.md; application
/// GroupMember.Read.All, the transitive list also GroupMember.ReadBasic.All), `GET
/// /directory/administrativeUnits` and `/directory/administrativeUnits/{id}/members`
/// (api/directory-list-administrativeunits.md, administrativeunit-list-members.md:
/// AdministrativeUnit.Read.All). Items are `directoryObject`s with their `@odata.type`: users as
/// `UserProjection` gives them (`$select` honoured), groups with their id and name. Paged by
/// `GraphPaging` (default 100 a page).
struct GraphMemberListRoutes {
    let graph: DevGraph

    enum Relation { case members, owners, transitiveMembers }

    func groupList(_ groupId: String, _ relation: Relation, _ request: GraphRequest, _ reply: GraphReply) throws(GraphProblem) -> Response {
        guard let group = graph.directory.group(groupId) else { throw .resourceNotFound(groupId) }
        let ids: [String]
        switch relation {
        case .members: ids = group.members
        case .owners: ids = group.owners ?? []
        case .transitiveMembers: ids = transitiveMembers(of: group)
        }
        let name = relation == .members ? "members" : relation == .owners ? "owners" : "transitiveMembers"
        return try objects(ids, context: "directoryObjects", request, reply, name: name)
    }

    /// Every member, nested groups followed (each nested group listed too, as Graph's transitive
    /// list does), each once; a cycle ends where it repeats.
    func transitiveMembers(of group: Seed.Group) -> [String] {
        var seen = Set<String>(), order: [String] = []
        var pending = group.members
        while !pending.isEmpty {
            let next = pending.removeFirst()
            guard seen.insert(next.lowercased()).inserted else { continue }
            order.append(next)
            if let nested = graph.directory.group(next) { pending += nested.members }
        }
        return order
    }

    func administrativeUnits(_ request: GraphRequest, _ reply: GraphReply) throws(GraphProblem) -> Response {
        try request.query.refuseExpand()
        let select = try AdministrativeUnitProjection.resolve(request.query.select)
        let units = graph.directory.administrativeUnits
        let page = try GraphPaging.page(units, request: request, defaultSize: 100, maxPageSize: graph.maxPageSize)
        return reply.json(GraphPaging.collection(context: request.context("directory/administrativeUnits" + DirectoryProjection.contextSuffix(select)),
                                                 items: page.items.map { AdministrativeUnitProjection.json($0, select: select) },
                                                 nextLink: page.nextLink, request: request))
    }

    func administrativeUnitMembers(_ unitId: String, _ request: GraphRequest, _ reply: GraphReply) throws(GraphProblem) -> Response {
        guard let unit = graph.directory.administrativeUnit(unitId) else { throw .resourceNotFound(unitId) }
        return try objects(unit.members, context: "directoryObjects", request, reply, name: "members")
    }

    private func objects(_ ids: [String], context: String, _ request: GraphRequest, _ reply: GraphReply, name: String) throws(GraphProblem) -> Response {
        try request.query.refuseExpand()
        try request.query.refuse(["$search", "$orderby"])
        if request.query.filter != nil { throw .unsupportedQuery("$filter on \(name) is not supported by the dev tenant.") }
        let select = try DirectoryProjection.resolve(request.query.select, all: UserProjection.allProperties + ["@odata.type"], type: "directoryObject")
            .map { $0.filter { $0 != "@odata.type" } }
        let page = try GraphPaging.page(ids, request: request, defaultSize: 100, maxPageSize: graph.maxPageSize)
        let items = page.items.map { id -> GraphJSON in
            if let user = graph.directory.user(id) {
                var members: [(String, GraphJSON)] = [("@odata.type", .string("#microsoft.graph.user"))]
                if case .object(let projected) = UserProjection.json(user, select: select) { members += projected }
                return .object(members)
            }
            if let group = graph.directory.group(id) {
                return .object([("@odata.type", .string("#microsoft.graph.group")), ("id", .string(group.id.lowercased())),
                                ("displayName", .string(group.displayName))])
            }
            return .object([("@odata.type", .string("#microsoft.graph.directoryObject")), ("id", .string(id.lowercased()))])
        }
        return reply.json(GraphPaging.collection(context: request.context(context), items: items, nextLink: page.nextLink, request: request))
    }
}
