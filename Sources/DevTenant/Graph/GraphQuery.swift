import EphemCore
import HTTPTypes

/// The OData system query options of one Graph request (reference 3, 4.4): `$select`, `$filter`,
/// `$top`, `$skiptoken`, `$count`, `$search`, `$orderby`, plus the `ConsistencyLevel` header that
/// turns a request into an advanced query. Option names are case-insensitive; an option given
/// twice is a 400, as Graph answers.
struct GraphQuery {
    /// The raw (still percent-encoded) `name=value` pairs in request order, for next links.
    var rawPairs: [(name: String, raw: String)] = []
    var select: [String]?
    var filter: String?
    var top: Int?
    var skipToken: String?
    var count: Bool?
    var search: String?
    var orderBy: String?
    var expand: String?
    /// `ConsistencyLevel: eventual` and `$count=true`: the advanced-query capabilities apply.
    var advanced = false

    static let consistencyLevel = HTTPField.Name("ConsistencyLevel")!

    init(query: String?, headers: HTTPFields) throws(GraphProblem) {
        var seen = Set<String>()
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = FormData.decode(parts[0]), let value = parts.count > 1 ? FormData.decode(parts[1]) : "" else {
                throw .badRequest("The query string is not correctly encoded.")
            }
            let key = name.lowercased()
            rawPairs.append((String(parts[0]), parts.count > 1 ? String(parts[1]) : ""))
            guard key.hasPrefix("$") else { continue }
            guard seen.insert(key).inserted else {
                throw .badRequest("Query option '\(name.dropFirst())' was specified more than once, but it must be specified at most once.")
            }
            switch key {
            case "$select":
                select = value.split(separator: ",").map { String($0.trimmingASCIIWhitespace()) }.filter { !$0.isEmpty }
            case "$filter": filter = value
            case "$top":
                guard let number = Int(value.trimmingASCIIWhitespace()) else {
                    throw .badRequest("Invalid value '\(value)' for query option '$top'.")
                }
                top = number
            case "$skiptoken": skipToken = value
            case "$count":
                switch value.lowercased() {
                case "true": count = true
                case "false": count = false
                default: throw .badRequest("Invalid value '\(value)' for query option '$count'.")
                }
            case "$search": search = value
            case "$orderby": orderBy = value
            case "$expand": expand = value
            case "$format", "$skip":
                throw .badRequest("Query option '\(name)' is not supported.")
            default:
                throw .badRequest("The query parameter '\(name)' is not supported.")
            }
        }
        advanced = headers[Self.consistencyLevel]?.lowercased() == "eventual" && count == true
    }

    /// Options that a collection does not take at all (`$search` on role assignments, …).
    func refuse(_ options: [String]) throws(GraphProblem) {
        for option in options {
            let present: Bool
            switch option {
            case "$search": present = search != nil
            case "$orderby": present = orderBy != nil
            case "$count": present = count != nil
            case "$expand": present = expand != nil
            case "$top": present = top != nil
            case "$select": present = select != nil
            case "$filter": present = filter != nil
            default: present = false
            }
            if present { throw .badRequest("Query option '\(option)' is not supported on this resource in the dev tenant.") }
        }
    }

    /// `$expand` is never served by the dev tenant.
    func refuseExpand() throws(GraphProblem) {
        if expand != nil { throw .badRequest("Query option '$expand' is not supported in the dev tenant.") }
    }
}
