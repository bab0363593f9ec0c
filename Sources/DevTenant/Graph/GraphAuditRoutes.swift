#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Hummingbird

/// `GET /auditLogs/directoryAudits` (docs/graph-calls.md #22; api/directoryaudit-list.md): the
/// tenant's directory audit, here the Temporary Access Pass registrations the simulation saw
/// (the product's creates, initiated by its managed identity's app, and the admin center's,
/// initiated by a user). `$filter` supports `eq`, `ge`, `le` (and `gt`, `lt`), `startswith` on
/// `activityDisplayName`, `activityDateTime`, `category`, `loggedByService`, `result`,
/// `initiatedBy/user/id` and `initiatedBy/app/appId`, joined by `and`/`or`; `$top`, `$orderby`
/// on `activityDateTime`, and `$skiptoken` paging, as the page documents. Newest first by default.
/// Each record has the current shape of Example 2 (fixture `directoryaudits-filter-initiatedby`):
/// every `initiatedBy.user` and `targetResources` property present, `null` where unknown.
struct GraphAuditRoutes {
    let graph: DevGraph

    static let filterable: Set<String> = ["activitydisplayname", "activitydatetime", "category", "loggedbyservice", "result",
                                          "initiatedby/user/id", "initiatedby/app/appid"]

    func list(_ request: GraphRequest, _ reply: GraphReply) throws(GraphProblem) -> Response {
        try request.query.refuseExpand()
        try request.query.refuse(["$search", "$count"])
        var records = graph.directoryAudits()
        if let text = request.query.filter {
            let filter = try GraphFilter.parse(text)
            var unsupported: String?
            records = records.filter { record in
                Self.matches(filter, properties: properties(record), unsupported: &unsupported)
            }
            if let unsupported { throw .unsupportedQuery("Unsupported filter property '\(unsupported)' for directoryAudits.") }
        }
        let ascending: Bool
        switch request.query.orderBy?.lowercased().split(separator: " ").map(String.init) {
        case nil, ["activitydatetime", "desc"]?: ascending = false
        case ["activitydatetime"]?, ["activitydatetime", "asc"]?: ascending = true
        default: throw .unsupportedQuery("Only $orderby=activityDateTime (asc or desc) is supported.")
        }
        records.sort { ascending ? $0.at < $1.at : $0.at > $1.at }
        let page = try GraphPaging.page(records, request: request, defaultSize: GraphPaging.largestPage,
                                        maxPageSize: graph.maxPageSize)
        var members: [(String, GraphJSON)] = [("@odata.context", .string(request.context("auditLogs/directoryAudits")))]
        if request.query.select == nil {
            members.append(("@microsoft.graph.tips", .string("Use $select to choose only the properties your app needs, as this can lead to performance improvements. For example: GET auditLogs/directoryAudits?$select=activityDateTime,activityDisplayName")))
        }
        members.append(("value", .array(page.items.map(Self.json))))
        if let next = page.nextLink { members.append(("@odata.nextLink", .string(next))) }
        return reply.json(.object(members))
    }

    func properties(_ record: DevDirectoryAudit) -> [String: String] {
        var found = ["activitydisplayname": DevGraph.registrationActivity, "activitydatetime": ISOTime.string(record.at),
                     "category": "UserManagement", "loggedbyservice": "Authentication Methods", "result": "success"]
        switch record.initiator {
        case .user(let id, _, _): found["initiatedby/user/id"] = id
        case .app(let appId, _, _): found["initiatedby/app/appid"] = appId
        }
        return found
    }

    /// Evaluates the filter; an unknown property is remembered (the caller answers 400).
    static func matches(_ filter: GraphFilter, properties: [String: String], unsupported: inout String?) -> Bool {
        func text(_ literal: GraphFilter.Literal) -> String? { if case .string(let value) = literal { value } else { nil } }
        switch filter {
        case .and(let left, let right):
            let l = matches(left, properties: properties, unsupported: &unsupported)
            return matches(right, properties: properties, unsupported: &unsupported) && l
        case .or(let left, let right):
            let l = matches(left, properties: properties, unsupported: &unsupported)
            return matches(right, properties: properties, unsupported: &unsupported) || l
        case .not(let inner): return !matches(inner, properties: properties, unsupported: &unsupported)
        case .compare(let property, let op, let literal):
            let name = property.lowercased()
            guard filterable.contains(name), let value = text(literal) else { unsupported = unsupported ?? property; return false }
            guard let actual = properties[name] else { return false }
            if name == "activitydatetime" {
                guard let left = ISOTime.parse(actual), let right = ISOTime.parse(value) else { unsupported = unsupported ?? property; return false }
                switch op.lowercased() {
                case "eq": return left == right
                case "ge": return left >= right
                case "gt": return left > right
                case "le": return left <= right
                case "lt": return left < right
                default: return left != right
                }
            }
            switch op.lowercased() {
            case "eq": return actual.lowercased() == value.lowercased()
            case "ne": return actual.lowercased() != value.lowercased()
            default: unsupported = unsupported ?? property; return false
            }
        case .call(let function, let property, let literal):
            let name = property.lowercased()
            guard function.lowercased() == "startswith", filterable.contains(name), let value = text(literal) else {
                unsupported = unsupported ?? property
                return false
            }
            return properties[name]?.lowercased().hasPrefix(value.lowercased()) ?? false
        case .isIn(let property, _):
            unsupported = unsupported ?? property
            return false
        }
    }

    /// One `directoryAudit` (resource directoryaudit.md, shape of the list page's Example 2).
    static func json(_ record: DevDirectoryAudit) -> GraphJSON {
        let initiator: GraphJSON
        switch record.initiator {
        case .user(let id, let upn, let name):
            initiator = .object([
                ("app", .null),
                ("user", .object([("id", .string(id)), ("displayName", .optional(name)), ("userPrincipalName", .string(upn)),
                                  ("ipAddress", .string("203.0.113.10")), ("userType", .null), ("homeTenantId", .null), ("homeTenantName", .null)])),
            ])
        case .app(let appId, let servicePrincipalId, let name):
            initiator = .object([
                ("app", .object([("appId", .string(appId)), ("displayName", .string(name)), ("servicePrincipalId", .string(servicePrincipalId)),
                                 ("servicePrincipalName", .null)])),
                ("user", .null),
            ])
        }
        return .object([
            ("id", .string(record.id)), ("category", .string("UserManagement")), ("correlationId", .string(record.correlationId)),
            ("result", .string("success")), ("resultReason", .string("Admin registered temporary access pass method for user")),
            ("activityDisplayName", .string(DevGraph.registrationActivity)), ("activityDateTime", .string(ISOTime.string(record.at))),
            ("loggedByService", .string("Authentication Methods")), ("operationType", .string("Add")),
            ("initiatedBy", initiator),
            ("targetResources", .array([.object([
                ("id", .string(record.targetId)), ("displayName", .null), ("type", .string("User")),
                ("userPrincipalName", .string(record.targetUPN)), ("groupType", .null), ("modifiedProperties", .array([])),
            ])])),
            ("additionalDetails", .array([])),
        ])
    }
}
