import Hummingbird

/// Direct role assignments, PIM role eligibilities and PIM-for-Groups eligibilities (reference 4.1,
/// 4.3). Each list needs a `$filter` of `and`-ed `eq`/`in` terms naming the principal (or the role
/// / group); the answer holds exactly the seed's entries for that principal: an assignment made
/// to a group is listed under the group's id, never under its members (not transitive).
struct GraphRoleRoutes {
    let graph: DevGraph

    /// Where PIM schedules start in the simulation (a fixed past instant).
    static let scheduleStart = "2024-01-01T00:00:00Z"

    /// One entry; its JSON is built only when a page holds it (a tenant-wide list can hold 10,000).
    struct Record {
        var properties: [String: String]
        let build: () -> GraphJSON
        var json: GraphJSON { build() }

        init(properties: [String: String], json: @autoclosure @escaping () -> GraphJSON) {
            self.properties = properties
            build = json
        }
    }

    /// The records a request selected, and whether each carries its principal.
    struct Selection {
        var records: [Record]
        var expand: Bool
    }

    /// Filters `records` by the request's `$filter`. `required`: at least one of these
    /// (lower-cased) properties must be named; `problem` builds the API's 400.
    /// `filterOptional`: the directory role lists take `$filter` as an option (their pages list
    /// it under "Optional query parameters"); the PIM-for-Groups list requires it. `expandsPrincipal`:
    /// `$expand=principal` adds each record's principal (fixture `roleassignments-expand-principal`).
    func select(_ records: [Record], _ request: GraphRequest, allowed: Set<String>, required: Set<String>, filterOptional: Bool = false,
                expandsPrincipal: Bool = false, problem: (String) -> GraphProblem) throws(GraphProblem) -> Selection {
        let expand = try principalExpansion(request, allowed: expandsPrincipal)
        try request.query.refuse(["$search", "$orderby", "$count"])
        guard let text = request.query.filter else {
            if filterOptional { return Selection(records: records, expand: expand) }
            throw problem("A $filter on \(required.sorted().joined(separator: " or ")) is required.")
        }
        let filter: GraphFilter
        do { filter = try GraphFilter.parse(text) } catch { throw problem("Invalid filter clause: \(text)") }
        guard let terms = filter.conjunctionTerms, terms.allSatisfy({ allowed.contains($0.property) }),
              terms.contains(where: { required.contains($0.property) }) else {
            throw problem("Unsupported filter: only 'and'-ed 'eq' or 'in' terms on \(allowed.sorted().joined(separator: ", ")) are supported.")
        }
        return Selection(records: records.filter { record in
            terms.allSatisfy { term in
                let actual = record.properties[term.property]?.lowercased()
                return term.values.contains { $0.lowercased() == actual }
            }
        }, expand: expand)
    }

    /// Whether the request asks for `$expand=principal` (the one expansion served).
    func principalExpansion(_ request: GraphRequest, allowed: Bool) throws(GraphProblem) -> Bool {
        guard let expand = request.query.expand else { return false }
        guard allowed, expand.lowercased() == "principal" else { throw .badRequest("Query option '$expand=\(expand)' is not supported in the dev tenant.") }
        return true
    }

    /// The record with its `principal`: a user (`@odata.type`, `id`, `accountEnabled`,
    /// `displayName`, `mail`, `userType`, `userPrincipalName`), a group (`id`, `displayName`), or
    /// a bare `directoryObject` for a principal the seed does not hold (a service principal).
    func withPrincipal(_ record: Record) -> GraphJSON {
        guard case .object(var members) = record.json, let id = record.properties["principalid"] else { return record.json }
        let principal: GraphJSON
        if let user = graph.directory.user(id) {
            principal = .object([("@odata.type", .string("#microsoft.graph.user")), ("id", .string(user.id.lowercased())),
                                 ("accountEnabled", .bool(user.accountEnabled ?? true)), ("displayName", .string(user.displayName)),
                                 ("imAddresses", .array([])), ("mail", .optional(user.mail)),
                                 ("mailNickname", .string(String(user.userPrincipalName.split(separator: "@").first ?? ""))),
                                 ("userType", .string(user.userType ?? "Member")), ("userPrincipalName", .string(user.userPrincipalName))])
        } else if let group = graph.directory.group(id) {
            principal = .object([("@odata.type", .string("#microsoft.graph.group")), ("id", .string(group.id.lowercased())),
                                 ("displayName", .string(group.displayName)), ("isAssignableToRole", group.isAssignableToRole.map(GraphJSON.bool) ?? .null)])
        } else {
            principal = .object([("@odata.type", .string("#microsoft.graph.servicePrincipal")), ("id", .string(id))])
        }
        members.append(("principal", principal))
        return .object(members)
    }

    /// Server-driven pages of up to 999 items (fewer when a test lowers the page size), with
    /// `@odata.nextLink` while more remain: a tenant-wide list can hold thousands.
    func collection(_ fragment: String, _ selected: Selection, _ request: GraphRequest, _ reply: GraphReply) throws(GraphProblem) -> Response {
        let page = try GraphPaging.page(selected.records, request: request, defaultSize: GraphPaging.largestPage, maxPageSize: graph.maxPageSize)
        let items = page.items.map { selected.expand ? withPrincipal($0) : $0.json }
        return reply.json(GraphPaging.collection(context: request.context(fragment), items: items, nextLink: page.nextLink, request: request))
    }

    func assignments(_ request: GraphRequest, _ reply: GraphReply) throws(GraphProblem) -> Response {
        let records = (graph.directory.seed.roleAssignments ?? []).map { assignment in
            let principal = assignment.principalId.lowercased(), role = assignment.roleDefinitionId.lowercased()
            let scope = assignment.directoryScopeId ?? "/"
            return Record(
                properties: ["principalid": principal, "roledefinitionid": role, "directoryscopeid": scope],
                json: .object([("id", .string(StableId.opaque("assignment", principal, role, scope))), ("principalId", .string(principal)),
                               ("resourceScope", .string(scope)), ("directoryScopeId", .string(scope)), ("roleDefinitionId", .string(role))]))
        }
        let items = try select(records, request, allowed: ["principalid", "roledefinitionid", "directoryscopeid"],
                               required: ["principalid", "roledefinitionid"], filterOptional: true, expandsPrincipal: true) { message in
            request.query.filter == nil ? .badRequest(message) : .unsupportedQuery(message)
        }
        let expanded = request.query.expand != nil
        return try collection("roleManagement/directory/roleAssignments" + (expanded ? "(principal())" : ""), items, request, reply)
    }

    func eligibilities(_ request: GraphRequest, _ reply: GraphReply) throws(GraphProblem) -> Response {
        let records = (graph.directory.seed.roleEligibilities ?? []).map { eligibility in
            let principal = eligibility.principalId.lowercased(), role = eligibility.roleDefinitionId.lowercased()
            let scope = eligibility.directoryScopeId ?? "/"
            return Record(
                properties: ["principalid": principal, "roledefinitionid": role, "directoryscopeid": scope, "membertype": "Direct"],
                json: .object([
                    ("id", .string(StableId.opaque("eligibility", principal, role, scope))), ("principalId", .string(principal)),
                    ("roleDefinitionId", .string(role)), ("directoryScopeId", .string(scope)), ("appScopeId", .null),
                    ("startDateTime", .string(Self.scheduleStart)), ("endDateTime", .null), ("memberType", .string("Direct")),
                    ("roleEligibilityScheduleId", .string(StableId.guid("eligibility-schedule", principal, role))),
                ]))
        }
        let items = try select(records, request, allowed: ["principalid", "roledefinitionid", "directoryscopeid", "membertype"],
                               required: ["principalid", "roledefinitionid"], filterOptional: true, expandsPrincipal: true, problem: GraphProblem.pimBadRequest)
        return try collection("roleManagement/directory/roleEligibilityScheduleInstances", items, request, reply)
    }

    func groupEligibilities(_ request: GraphRequest, _ reply: GraphReply) throws(GraphProblem) -> Response {
        let records = (graph.directory.seed.groupEligibilities ?? []).map { eligibility in
            let principal = eligibility.principalId.lowercased(), group = eligibility.groupId.lowercased()
            return Record(
                properties: ["principalid": principal, "groupid": group, "accessid": eligibility.accessId, "membertype": "Direct"],
                json: .object([
                    ("id", .string(StableId.opaque("group-eligibility", principal, group, eligibility.accessId))),
                    ("accessId", .string(eligibility.accessId)), ("principalId", .string(principal)), ("groupId", .string(group)),
                    ("memberType", .string("Direct")), ("startDateTime", .string(Self.scheduleStart)), ("endDateTime", .null),
                ]))
        }
        let items = try select(records, request, allowed: ["principalid", "groupid", "accessid", "membertype"],
                               required: ["principalid", "groupid"], problem: GraphProblem.pimBadRequest)
        return try collection("identityGovernance/privilegedAccess/group/eligibilityScheduleInstances", items, request, reply)
    }
}
