import Hummingbird

/// Direct role assignments, PIM role eligibilities and PIM-for-Groups eligibilities (reference 4.1,
/// 4.3). Each list needs a `$filter` of `and`-ed `eq`/`in` terms naming the principal (or the role
/// / group); the answer holds exactly the seed's entries for that principal: an assignment made
/// to a group is listed under the group's id, never under its members (not transitive).
struct GraphRoleRoutes {
    let graph: DevGraph

    /// Where PIM schedules start in the simulation (a fixed past instant).
    static let scheduleStart = "2024-01-01T00:00:00Z"

    struct Record {
        var properties: [String: String]
        var json: GraphJSON
    }

    /// Filters `records` by the request's `$filter`. `required`: at least one of these
    /// (lower-cased) properties must be named; `problem` builds the API's 400.
    func select(_ records: [Record], _ request: GraphRequest, allowed: Set<String>, required: Set<String>,
                problem: (String) -> GraphProblem) throws(GraphProblem) -> [GraphJSON] {
        try request.query.refuseExpand()
        try request.query.refuse(["$search", "$orderby", "$count"])
        guard let text = request.query.filter else {
            throw problem("A $filter on \(required.sorted().joined(separator: " or ")) is required.")
        }
        let filter: GraphFilter
        do { filter = try GraphFilter.parse(text) } catch { throw problem("Invalid filter clause: \(text)") }
        guard let terms = filter.conjunctionTerms, terms.allSatisfy({ allowed.contains($0.property) }),
              terms.contains(where: { required.contains($0.property) }) else {
            throw problem("Unsupported filter: only 'and'-ed 'eq' or 'in' terms on \(allowed.sorted().joined(separator: ", ")) are supported.")
        }
        return records.filter { record in
            terms.allSatisfy { term in
                let actual = record.properties[term.property]?.lowercased()
                return term.values.contains { $0.lowercased() == actual }
            }
        }.map(\.json)
    }

    func collection(_ fragment: String, _ items: [GraphJSON], _ request: GraphRequest, _ reply: GraphReply) -> Response {
        reply.json(GraphPaging.collection(context: request.context(fragment), items: items, request: request))
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
                               required: ["principalid", "roledefinitionid"]) { message in
            request.query.filter == nil ? .badRequest(message) : .unsupportedQuery(message)
        }
        return collection("roleManagement/directory/roleAssignments", items, request, reply)
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
                               required: ["principalid", "roledefinitionid"], problem: GraphProblem.pimBadRequest)
        return collection("roleManagement/directory/roleEligibilityScheduleInstances", items, request, reply)
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
        return collection("identityGovernance/privilegedAccess/group/eligibilityScheduleInstances", items, request, reply)
    }
}
