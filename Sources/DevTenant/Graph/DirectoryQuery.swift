/// `$filter`, `$orderby`, `$search` and `$count` over a directory-object collection (users,
/// groups, a user's memberships), with Graph's basic/advanced split (reference 3, 4.4):
/// - `filterIsBasic`: the collection takes `startsWith`/`eq`/`in` filters without
///   `ConsistencyLevel` (`/users`, `/groups`); membership lists need the advanced headers for any
///   `$filter`, `$orderby` or `$search`.
/// - `$orderby` on `displayName` (users: also `userPrincipalName`) is basic on its own and advanced
///   together with `$filter`.
/// - `$search` (`GraphSearch`: tokenized on `displayName`/`description`, `startsWith` elsewhere)
///   needs `ConsistencyLevel: eventual` (without it Graph's 400, fixture
///   error-400-search-without-header) and is AND-ed with `$filter`; on membership lists it stays
///   refused (`GraphGroupRoutes`).
/// The result keeps seed order unless ordered.
struct DirectoryQuery<Item> {
    let schema: GraphFilterSchema
    let filterIsBasic: Bool
    let orderable: [String]
    let value: (Item, String) -> GraphFilterSchema.Value

    func apply(_ items: [Item], _ request: GraphRequest) throws(GraphProblem) -> [Item] {
        let query = request.query
        try query.refuseExpand()
        if query.search != nil {
            guard request.eventual else {
                throw .unsupportedQuery("Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'")
            }
        }
        // `$count=true` without `ConsistencyLevel: eventual` is silently ignored (aad-advanced-queries,
        // fixture users-count-without-header-silently-ignored); `GraphPaging` then adds no count.
        var result = items
        if let text = query.filter {
            guard filterIsBasic || query.advanced else { throw GraphProblem.advancedQueryRequired }
            let filter = try GraphFilter.parse(text)
            try schema.validate(filter, advanced: query.advanced)
            result = result.filter { item in schema.matches(filter, { value(item, $0) }) }
        }
        if let text = query.search {
            let search = try GraphSearch.parse(text)
            try search.validate(schema)
            result = result.filter { item in search.matches({ value(item, $0) }, schema: schema) }
        }
        if let text = query.orderBy {
            guard (filterIsBasic && query.filter == nil) || query.advanced else { throw GraphProblem.advancedQueryRequired }
            let parts = text.split(separator: " ", omittingEmptySubsequences: true)
            guard (1...2).contains(parts.count), let property = orderable.first(where: { $0.lowercased() == parts[0].lowercased() }) else {
                throw .unsupportedQuery("Sorting by '\(text)' is not supported.")
            }
            let descending: Bool
            switch parts.count == 2 ? parts[1].lowercased() : "asc" {
            case "asc": descending = false
            case "desc": descending = true
            default: throw .badRequest("Invalid $orderby direction in '\(text)'.")
            }
            func key(_ item: Item) -> String {
                if case .string(let text?) = value(item, property) { return text.lowercased() }
                return ""
            }
            let indexed = result.enumerated().map { (offset: $0.offset, key: key($0.element), item: $0.element) }
            result = indexed.sorted { a, b in
                a.key == b.key ? a.offset < b.offset : (descending ? a.key > b.key : a.key < b.key)
            }.map(\.item)
        }
        return result
    }
}

extension DirectoryQuery where Item == Seed.User {
    static var users: DirectoryQuery {
        DirectoryQuery(schema: .user, filterIsBasic: true, orderable: ["displayName", "userPrincipalName"], value: UserProjection.filterValue)
    }
}

extension DirectoryQuery where Item == Seed.Group {
    static func groups(filterIsBasic: Bool) -> DirectoryQuery {
        DirectoryQuery(schema: .group, filterIsBasic: filterIsBasic, orderable: ["displayName"], value: GroupProjection.filterValue)
    }
}
