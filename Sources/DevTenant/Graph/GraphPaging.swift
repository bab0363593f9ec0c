import EphemCore

/// Server-driven paging (reference 3, 4.4, Graph's paging page): a page holds `$top` items or the
/// collection's default page size, never more than the maximum (999, or less when a test lowers
/// it); when more remain the answer has an absolute `@odata.nextLink` carrying the request's other
/// options and a `$skiptoken`. Follow it verbatim; it is only valid for the same query.
enum GraphPaging {
    static let largestPage = 999

    struct Page<Item> {
        var items: ArraySlice<Item>
        var nextLink: String?
    }

    static func page<Item>(_ items: [Item], request: GraphRequest, defaultSize: Int, maxPageSize: Int) throws(GraphProblem) -> Page<Item> {
        if let top = request.query.top, !(1...largestPage).contains(top) {
            throw .badRequest("Invalid page size specified: '\(top)'. Must be between 1 and \(largestPage) inclusive.")
        }
        let size = min(request.query.top ?? defaultSize, maxPageSize)
        let fingerprint = Self.fingerprint(request)
        var offset = 0
        if let token = request.query.skipToken {
            guard let decoded = decode(token), decoded.fingerprint == fingerprint, decoded.offset <= items.count else {
                throw .badRequest("The $skiptoken is not valid for this request.")
            }
            offset = decoded.offset
        }
        let end = min(offset + size, items.count)
        guard end < items.count else { return Page(items: items[offset..<end], nextLink: nil) }
        let others = request.query.rawPairs.filter { $0.name.lowercased() != "$skiptoken" && $0.name.lowercased() != "%24skiptoken" }
        let query = (others.map { $0.raw.isEmpty ? $0.name : "\($0.name)=\($0.raw)" } + ["$skiptoken=" + encode(offset: end, fingerprint: fingerprint)])
            .joined(separator: "&")
        return Page(items: items[offset..<end], nextLink: request.origin + request.rawPath + "?" + query)
    }

    /// Ties a token to the path and the options that shape the result, so a token used with
    /// another query is refused instead of silently skipping the wrong items.
    static func fingerprint(_ request: GraphRequest) -> String {
        let shape = [request.rawPath.lowercased(), request.query.filter ?? "", request.query.search ?? "", request.query.orderBy ?? ""]
            .joined(separator: "\u{1}")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in shape.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 36)
    }

    static func encode(offset: Int, fingerprint: String) -> String {
        "RFN" + Base64URL.encode(Array("dev1|\(offset)|\(fingerprint)".utf8))
    }

    static func decode(_ token: String) -> (offset: Int, fingerprint: String)? {
        guard token.hasPrefix("RFN"), let bytes = Base64URL.decode(token.dropFirst(3)),
              let text = String(validating: bytes, as: UTF8.self) else { return nil }
        let parts = text.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "dev1", let offset = Int(parts[1]), offset >= 0 else { return nil }
        return (offset, String(parts[2]))
    }

    /// `{"@odata.context", ["@odata.count",] ["@odata.nextLink",] "value"}`: the count only on
    /// the first page of an advanced query with `$count=true`.
    static func collection(context: String, items: [GraphJSON], nextLink: String? = nil, count: Int? = nil, request: GraphRequest) -> GraphJSON {
        var members: [(String, GraphJSON)] = [("@odata.context", .string(context))]
        if let count, request.query.advanced, request.query.skipToken == nil { members.append(("@odata.count", .int(count))) }
        if let nextLink { members.append(("@odata.nextLink", .string(nextLink))) }
        members.append(("value", .array(items)))
        return .object(members)
    }
}
