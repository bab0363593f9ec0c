#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// Azure Table Storage over REST with Microsoft Entra tokens (reference 4): `Authorization: Bearer`
/// from the managed identity (resource `https://storage.azure.com/`), `x-ms-version: 2019-02-02`,
/// minimal metadata. 500, 503, 408 and transport failures are retried with exponential backoff,
/// at most `maxAttempts` times; 409 and 412 come back as typed errors.
public struct TableClient: Sendable {
    public static let resource = "https://storage.azure.com/"
    public static let version = "2019-02-02"

    /// Path-style endpoint, e.g. `https://acct.table.core.windows.net` or `http://127.0.0.1:10002/devstoreaccount1`.
    public let endpoint: String
    let http: OutboundHTTP
    let tokens: any AccessTokenProvider
    let logger: Logger
    public var maxAttempts = 4
    public var firstBackoff: Duration = .milliseconds(50)

    public init(endpoint: String, http: OutboundHTTP, tokens: any AccessTokenProvider, logger: Logger) {
        self.endpoint = endpoint
        self.http = http
        self.tokens = tokens
        self.logger = logger
    }

    struct Reply {
        var status: Int
        var body: [UInt8]
        var etag: String?
        var headers: [(String, String)]
    }

    /// One call with retries. `accept` lists the statuses that are answers, not failures.
    func call(_ method: String, _ path: String, body: [UInt8]? = nil, headers extra: [(String, String)] = [], accept: Set<Int>) async throws(TableError) -> Reply {
        var lastProblem = ""
        for attempt in 1...maxAttempts {
            let token: String
            do {
                token = try await tokens.token(for: Self.resource)
            } catch {
                throw .unavailable(detail: "no storage token: \(error)")
            }
            var headers = [
                ("Authorization", "Bearer \(token)"), ("x-ms-version", Self.version),
                ("Accept", "application/json;odata=minimalmetadata"), ("DataServiceVersion", "3.0"),
                ("MaxDataServiceVersion", "3.0;NetFx"), ("x-ms-client-request-id", UUID().uuidString.lowercased()),
            ]
            if body != nil { headers.append(("Content-Type", "application/json")) }
            headers += extra
            do {
                let response = try await http.send(method: method, url: endpoint + path, headers: headers, body: body, timeout: .seconds(10), maxBody: 8 << 20)
                if accept.contains(response.status) {
                    return Reply(status: response.status, body: response.body, etag: response.header("ETag"), headers: response.headers)
                }
                switch response.status {
                case 409 where Self.errorCode(response.body) == "EntityAlreadyExists": throw TableError.entityAlreadyExists
                case 412: throw TableError.conditionNotSatisfied
                case 404: throw TableError.notFound
                case 408, 500, 502, 503, 504:
                    lastProblem = "status \(response.status) \(Self.errorCode(response.body) ?? "")"
                default:
                    throw TableError.unavailable(detail: "\(method) \(path.split(separator: "?").first ?? "") answered \(response.status) \(Self.errorCode(response.body) ?? "")")
                }
            } catch let error as TableError {
                throw error
            } catch {
                lastProblem = "transport \(error)"
            }
            guard attempt < maxAttempts else { break }
            do {
                try await Task.sleep(for: firstBackoff * (1 << (attempt - 1)))
            } catch {
                throw .unavailable(detail: "cancelled")
            }
        }
        logger.error("table storage call failed after retries", metadata: ["table.method": "\(method)", "table.problem": "\(lastProblem)"])
        throw .unavailable(detail: "\(method) after \(maxAttempts) attempts: \(lastProblem)")
    }

    static func errorCode(_ body: [UInt8]) -> String? {
        guard let json = try? StrictJSON.parse(body) else { return nil }
        return json["odata.error"]?["code"]?.stringValue
    }

    static func entityPath(_ table: String, _ partitionKey: String, _ rowKey: String) -> String {
        "/\(table)(PartitionKey=\(URLQuery.encode(ODataLiteral.string(partitionKey))),RowKey=\(URLQuery.encode(ODataLiteral.string(rowKey))))"
    }

    // MARK: tables

    /// Creates the table; an existing one is fine. In Azure the tables come from the Bicep
    /// deployment and the identity may lack the right to create them, so a 403 is fine too.
    public func createTableIfNeeded(_ table: String) async throws(TableError) {
        let body = Array(#"{"TableName":"\#(table)"}"#.utf8)
        _ = try await call("POST", "/Tables", body: body, headers: [("Prefer", "return-no-content")], accept: [201, 204, 409, 403])
    }

    // MARK: entities

    /// Inserts; `entityAlreadyExists` when the keys are taken. Returns the new ETag.
    @discardableResult
    public func insert(_ table: String, _ entity: TableEntity) async throws(TableError) -> String {
        let reply = try await call("POST", "/\(table)", body: entity.jsonBody(), headers: [("Prefer", "return-no-content")], accept: [201, 204])
        return reply.etag ?? ""
    }

    /// The entity, or nil when it does not exist.
    public func get(_ table: String, partitionKey: String, rowKey: String) async throws(TableError) -> TableEntity? {
        let reply: Reply
        do {
            reply = try await call("GET", Self.entityPath(table, partitionKey, rowKey), accept: [200])
        } catch .notFound {
            return nil
        }
        guard let object = (try? StrictJSON.parse(reply.body))?.objectValue, let entity = TableEntity(json: object, etag: reply.etag) else {
            throw .unavailable(detail: "unreadable entity")
        }
        return entity
    }

    /// Replaces the entity if its ETag still is `ifMatch` (`*`: unconditionally). Returns the new ETag.
    @discardableResult
    public func replace(_ table: String, _ entity: TableEntity, ifMatch: String) async throws(TableError) -> String {
        let reply = try await call("PUT", Self.entityPath(table, entity.partitionKey, entity.rowKey), body: entity.jsonBody(), headers: [("If-Match", ifMatch)], accept: [204])
        return reply.etag ?? ""
    }

    /// Merges properties into the entity if its ETag still is `ifMatch`. Returns the new ETag.
    @discardableResult
    public func merge(_ table: String, _ entity: TableEntity, ifMatch: String) async throws(TableError) -> String {
        let reply = try await call("MERGE", Self.entityPath(table, entity.partitionKey, entity.rowKey), body: entity.jsonBody(), headers: [("If-Match", ifMatch)], accept: [204])
        return reply.etag ?? ""
    }

    /// Insert-or-replace (no condition).
    @discardableResult
    public func upsert(_ table: String, _ entity: TableEntity) async throws(TableError) -> String {
        let reply = try await call("PUT", Self.entityPath(table, entity.partitionKey, entity.rowKey), body: entity.jsonBody(), accept: [204])
        return reply.etag ?? ""
    }

    /// Deletes if the ETag still is `ifMatch` (`*`: whatever it is); `notFound` when gone.
    public func delete(_ table: String, partitionKey: String, rowKey: String, ifMatch: String) async throws(TableError) {
        _ = try await call("DELETE", Self.entityPath(table, partitionKey, rowKey), headers: [("If-Match", ifMatch)], accept: [204])
    }

    // MARK: queries

    /// Where a query goes on: the service's continuation headers, passed back unchanged.
    public struct Continuation: Sendable, Equatable, Codable {
        public var nextPartitionKey: String
        public var nextRowKey: String?
    }

    public struct Page: Sendable {
        public var entities: [TableEntity]
        public var continuation: Continuation?
    }

    /// One page of a query: `$filter` (built with `ODataLiteral`), `$select`, `$top` (≤ 1000).
    public func query(_ table: String, filter: String? = nil, select: [String]? = nil, top: Int? = nil, continuation: Continuation? = nil) async throws(TableError) -> Page {
        var parameters: [String] = []
        if let filter { parameters.append("$filter=\(URLQuery.encode(filter))") }
        if let select { parameters.append("$select=\(URLQuery.encode((["PartitionKey", "RowKey"] + select).joined(separator: ",")))") }
        if let top { parameters.append("$top=\(min(max(top, 1), 1000))") }
        if let continuation {
            parameters.append("NextPartitionKey=\(URLQuery.encode(continuation.nextPartitionKey))")
            if let row = continuation.nextRowKey { parameters.append("NextRowKey=\(URLQuery.encode(row))") }
        }
        let path = "/\(table)()" + (parameters.isEmpty ? "" : "?" + parameters.joined(separator: "&"))
        let reply = try await call("GET", path, accept: [200])
        guard let values = (try? StrictJSON.parse(reply.body))?["value"]?.arrayValue else {
            throw .unavailable(detail: "unreadable query result")
        }
        let entities = values.compactMap { $0.objectValue.flatMap { TableEntity(json: $0) } }
        let header = { (name: String) in reply.headers.first { $0.0.lowercased() == name }?.1 }
        let next = header("x-ms-continuation-nextpartitionkey").map { Continuation(nextPartitionKey: $0, nextRowKey: header("x-ms-continuation-nextrowkey")) }
        return Page(entities: entities, continuation: next)
    }
}
