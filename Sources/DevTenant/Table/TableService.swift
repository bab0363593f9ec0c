#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import EphemCore
import Hummingbird
import HTTPTypes
import NIOCore

/// The Table service's REST surface (reference 4.2), path-style under `/devstoreaccount1`. It
/// answers every request itself (it is the last middleware), after authentication.
struct TableService<Context: RequestContext>: RouterMiddleware {
    let server: DevTableServer

    /// Azurite's request body limit (reference 4.3).
    static var maxBody: Int { 4 << 20 }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let method = request.method.rawValue.uppercased()
        let path = request.uri.path
        let query = (try? URLPath.query(request.uri.query)) ?? [:]
        var reply = TableReply(headers: request.headers, level: MetadataLevel(accept: request.headers[.accept], format: query["$format"]))
        let prefers = method == "POST" && reply.preference != nil
        let prefix = "/\(TableAuthenticator.account)"
        guard path.hasPrefix(prefix + "/") else {
            return reply.error(TableError(status: 400, code: "InvalidUri", message: "The requested URI does not represent any resource on the server."), preferenceApplies: prefers)
        }
        if let failure = server.authenticator.check(method: method, rawPath: path, query: query, headers: request.headers) {
            return reply.authError(failure, authorizationURI: server.authorizationURI)
        }
        if let version = request.headers[TableAuthenticator.versionHeader], !Self.isVersion(version) {
            reply.version = "2019-02-02"
            return reply.error(.invalidHeaderValue, preferenceApplies: prefers)
        }
        do {
            _ = try URLPath.query(request.uri.query)
            let body: [UInt8]
            do {
                body = Array(buffer: try await request.body.collect(upTo: Self.maxBody))
            } catch {
                throw TableError.requestBodyTooLarge
            }
            let resource = try TableResource(rawPath: String(path.dropFirst(prefix.count)))
            return try route(method: method, resource: resource, query: query, headers: request.headers, body: body, reply: reply)
        } catch let error as TableError {
            return reply.error(error, preferenceApplies: prefers)
        }
    }

    static func isVersion(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 10 && bytes[4] == UInt8(ascii: "-") && bytes[7] == UInt8(ascii: "-")
            && bytes.enumerated().allSatisfy { [4, 7].contains($0.offset) || (48...57).contains($0.element) }
    }

    func route(method: String, resource: TableResource, query: [String: String], headers: HTTPFields, body: [UInt8], reply: TableReply) throws(TableError) -> Response {
        let store = server.store
        let json = EntityJSON(base: server.endpoint, account: TableAuthenticator.account, level: reply.level)
        switch (resource, method) {
        case (.tables, "POST"):
            let object: OrderedJSONObject
            do { object = try OrderedJSONObject(body) } catch { throw .invalidInput("The request body is not a JSON object.") }
            guard case .string(let name) = object["TableName"] else { throw .propertiesNeedValue }
            try store.createTable(name)
            let location = HTTPFields([HTTPField(name: .location, value: "\(server.endpoint)/Tables('\(name)')")])
            if reply.preference == "return-no-content" {
                var extra = location
                extra[TableReply.dataServiceIdHeader] = "\(server.endpoint)/Tables('\(name)')"
                return reply.noContent(extra: extra, preferenceApplies: true)
            }
            return reply.json(.created, json.tableElement(name), extra: location, preferenceApplies: true)
        case (.tables, "GET"):
            let filter = try query["$filter"].map { (text) throws(TableError) in try ODataFilter.parse(text) }
            let after = try query["NextTableName"].map { (token) throws(TableError) -> String in
                guard let name = ContinuationToken.decodeTable(token) else { throw .invalidInput("The continuation token is not valid.") }
                return name
            }
            let (names, next) = store.listTables(filter: filter, limit: try limit(query), after: after)
            var extra = HTTPFields()
            if let next { extra[HTTPField.Name("x-ms-continuation-NextTableName")!] = ContinuationToken.encodeTable(next) }
            return reply.json(.ok, json.tableFeed(names), extra: extra)
        case (.table(let name), "GET"):
            guard let table = store.table(name) else { throw .resourceNotFound }
            return reply.json(.ok, json.tableElement(table))
        case (.table(let name), "DELETE"):
            try store.deleteTable(name)
            return reply.noContent()
        case (.entities(let table), "POST"):
            let entityBody = try EntityBody(body)
            guard let pk = entityBody.partitionKey, let rk = entityBody.rowKey else { throw .propertiesNeedValue }
            try EntityRules.checkKey(pk)
            try EntityRules.checkKey(rk)
            let entity = try store.insert(table: table, key: EntityKey(partitionKey: pk, rowKey: rk), properties: entityBody.properties)
            let url = "\(server.endpoint)/\(EntityJSON.entityPath(table: table, key: entity.key))"
            var extra = HTTPFields([HTTPField(name: .eTag, value: entity.etag), HTTPField(name: .location, value: url)])
            if reply.preference == "return-no-content" {
                extra[TableReply.dataServiceIdHeader] = url
                return reply.noContent(extra: extra, preferenceApplies: true)
            }
            return reply.json(.created, json.element(entity, table: tableName(table)), extra: extra, preferenceApplies: true)
        case (.entities(let table), "GET"):
            return try queryEntities(table: table, query: query, reply: reply, json: json)
        case (.entity(let table, let key), "GET"):
            try checkKeys(key)
            let entity = try store.get(table: table, key: key)
            return reply.json(.ok, json.element(entity, table: tableName(table)), extra: HTTPFields([HTTPField(name: .eTag, value: entity.etag)]))
        case (.entity(let table, let key), "PUT"), (.entity(let table, let key), "MERGE"), (.entity(let table, let key), "PATCH"):
            let precondition = try WritePrecondition(header: headers[.ifMatch])
            try checkKeys(key)
            let entityBody = try EntityBody(body)
            if let pk = entityBody.partitionKey, pk != key.partitionKey { throw .invalidInput("The PartitionKey in the body does not match the URI.") }
            if let rk = entityBody.rowKey, rk != key.rowKey { throw .invalidInput("The RowKey in the body does not match the URI.") }
            let entity = try store.write(table: table, key: key, properties: entityBody.properties, merge: method != "PUT", precondition: precondition)
            return reply.noContent(extra: HTTPFields([HTTPField(name: .eTag, value: entity.etag)]))
        case (.entity(let table, let key), "DELETE"):
            guard let header = headers[.ifMatch] else {
                throw TableError(status: 400, code: "MissingRequiredHeader", message: "An HTTP header that's mandatory for this request is not specified.")
            }
            let precondition = try WritePrecondition(header: header)
            try checkKeys(key)
            try store.delete(table: table, key: key, precondition: precondition)
            return reply.noContent()
        case (.batch, _):
            throw TableError(status: 501, code: "NotImplemented", message: "The dev Table service does not simulate $batch.")
        default:
            throw .unsupportedVerb
        }
    }

    func checkKeys(_ key: EntityKey) throws(TableError) {
        try EntityRules.checkKey(key.partitionKey)
        try EntityRules.checkKey(key.rowKey)
    }

    /// The table's name as created (bodies use it), or as asked if it does not exist.
    func tableName(_ table: String) -> String { server.store.table(table) ?? table }

    /// `$top` (1…1000, else 400 `InvalidInput`) capped by the server's page size.
    func limit(_ query: [String: String]) throws(TableError) -> Int {
        let pageSize = server.store.pageSize
        guard let text = query["$top"] else { return pageSize }
        guard let top = Int(text), (1...1000).contains(top) else { throw .invalidInput("$top must be a number from 1 to 1000.") }
        return min(top, pageSize)
    }

    /// Query Entities: `$filter`, `$top`, `$select` and `NextPartitionKey`/`NextRowKey`; the
    /// response's `x-ms-continuation-*` headers point at the first row of the next page.
    func queryEntities(table: String, query: [String: String], reply: TableReply, json: EntityJSON) throws(TableError) -> Response {
        let filter = try query["$filter"].map { (text) throws(TableError) in try ODataFilter.parse(text) }
        let select = query["$select"].flatMap { text -> [String]? in
            let names = text.split(separator: ",").map { String($0.trimmingASCIIWhitespace()) }.filter { !$0.isEmpty }
            return names.contains("*") || names.isEmpty ? nil : names
        }
        var start: EntityKey?
        if let token = query["NextPartitionKey"] {
            guard let pk = ContinuationToken.decode(token) else { throw .invalidInput("The continuation token is not valid.") }
            var rk = ""
            if let rowToken = query["NextRowKey"] {
                guard let decoded = ContinuationToken.decode(rowToken) else { throw .invalidInput("The continuation token is not valid.") }
                rk = decoded
            }
            start = EntityKey(partitionKey: pk, rowKey: rk)
        }
        let (page, next) = try server.store.query(table: table, filter: filter, limit: try limit(query), start: start)
        var extra = HTTPFields()
        if let next {
            extra[HTTPField.Name("x-ms-continuation-NextPartitionKey")!] = ContinuationToken.encode(next.partitionKey)
            extra[HTTPField.Name("x-ms-continuation-NextRowKey")!] = ContinuationToken.encode(next.rowKey)
        }
        return reply.json(.ok, json.feed(page, table: tableName(table), select: select), extra: extra)
    }
}
