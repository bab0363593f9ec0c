import AsyncHTTPClient
import DevTenant
import EphemCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import TestSupport

/// Runs `body` with a dev tenant and its Table service on free ports, and always shuts both down
/// before returning, also when `body` throws.
func withTableServer<T>(pageSize: Int? = nil, _ body: (TableTestClient) async throws -> T) async throws -> T {
    let tenant = try await DevApps.startTenant()
    var logger = Logger(label: "test-table")
    logger.logLevel = .critical
    let server: DevTableServer
    do {
        server = try await DevTableServer.start(tenant: tenant, port: 0, logger: logger)
    } catch {
        await tenant.shutdown()
        throw error
    }
    if let pageSize { server.setPageSize(pageSize) }
    do {
        let client = try await TableTestClient(tenant: tenant, server: server)
        let result = try await body(client)
        await server.shutdown()
        await tenant.shutdown()
        return result
    } catch {
        await server.shutdown()
        await tenant.shutdown()
        throw error
    }
}

/// One HTTP answer, body as text.
struct TableAnswer {
    var status: Int
    var headers: HTTPHeaders
    var body: String

    var json: JSONValue? { try? StrictJSON.parse(Array(body.utf8)) }
    /// `odata.error.code` of a JSON error body.
    var errorCode: String? { json?.member("odata.error")?.member("code")?.stringValue }
    var etag: String? { headers.first(name: "ETag") }
    var values: [JSONValue] { json?.member("value")?.arrayValue ?? [] }
    subscript(header: String) -> String? { headers.first(name: header) }
}

extension JSONValue {
    func member(_ key: String) -> JSONValue? { objectValue?[key] }
}

/// Raw Table REST calls with a managed-identity token from the dev tenant (`/msi/token`,
/// resource `https://storage.azure.com/`), as the handlers make them.
struct TableTestClient {
    let tenant: DevTenantServer
    let server: DevTableServer
    let token: String

    init(tenant: DevTenantServer, server: DevTableServer) async throws {
        self.tenant = tenant
        self.server = server
        token = try await Self.managedIdentityToken(tenant: tenant, resource: "https://storage.azure.com/")
    }

    static func managedIdentityToken(tenant: DevTenantServer, resource: String) async throws -> String {
        var request = HTTPClientRequest(url: "\(tenant.baseURL)/msi/token?resource=\(resource)&api-version=2019-08-01")
        request.headers.add(name: "X-IDENTITY-HEADER", value: tenant.options.identityHeader)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard let token = (try StrictJSON.parse(Array(buffer: body))).member("access_token")?.stringValue else {
            throw TableTestFailure(message: "no access_token from /msi/token")
        }
        return token
    }

    /// `path` is below the account (`/Tables`, `/t()?$top=5`). `authorization` replaces the
    /// Bearer token (`""` sends none); `headers` are added as given.
    func send(_ method: HTTPMethod, _ path: String, body: String? = nil, headers: [(String, String)] = [],
              accept: String? = "application/json;odata=minimalmetadata", authorization: String? = nil,
              version: String? = "2019-02-02") async throws -> TableAnswer {
        var request = HTTPClientRequest(url: server.endpoint + path)
        request.method = method
        let auth = authorization ?? "Bearer \(token)"
        if !auth.isEmpty { request.headers.add(name: "Authorization", value: auth) }
        if let version { request.headers.add(name: "x-ms-version", value: version) }
        if let accept { request.headers.add(name: "Accept", value: accept) }
        request.headers.add(name: "DataServiceVersion", value: "3.0")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json;odata=nometadata")
            request.body = .bytes(ByteBuffer(string: body))
        }
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let data = try await response.body.collect(upTo: 8 << 20)
        return TableAnswer(status: Int(response.status.code), headers: response.headers, body: String(buffer: data))
    }

    func createTable(_ name: String) async throws {
        let answer = try await send(.POST, "/Tables", body: #"{"TableName":"\#(name)"}"#)
        guard answer.status == 201 else { throw TableTestFailure(message: "create table \(name): \(answer.status) \(answer.body)") }
    }

    @discardableResult
    func insert(_ table: String, _ entity: String) async throws -> TableAnswer {
        let answer = try await send(.POST, "/\(table)", body: entity)
        guard answer.status == 201 else { throw TableTestFailure(message: "insert: \(answer.status) \(answer.body)") }
        return answer
    }

    static func entityPath(_ table: String, _ pk: String, _ rk: String) -> String {
        func escape(_ key: String) -> String {
            key.replacingOccurrences(of: "'", with: "''").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? key
        }
        return "/\(table)(PartitionKey='\(escape(pk))',RowKey='\(escape(rk))')"
    }

    /// Follows continuation headers until the last page; returns every page's entities.
    func queryAll(_ table: String, query: String) async throws -> (pages: [[JSONValue]], tokens: [String]) {
        var pages: [[JSONValue]] = []
        var tokens: [String] = []
        var continuation = ""
        while true {
            let answer = try await send(.GET, "/\(table)()?\(query)\(continuation)")
            guard answer.status == 200 else { throw TableTestFailure(message: "query: \(answer.status) \(answer.body)") }
            pages.append(answer.values)
            guard let pk = answer["x-ms-continuation-NextPartitionKey"] else { break }
            let rk = answer["x-ms-continuation-NextRowKey"] ?? ""
            tokens.append(pk)
            continuation = "&NextPartitionKey=\(Self.queryEscape(pk))&NextRowKey=\(Self.queryEscape(rk))"
            guard pages.count < 100 else { throw TableTestFailure(message: "too many pages") }
        }
        return (pages, tokens)
    }

    static func queryEscape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}

/// A call without Table headers (the dev tenant's `/dev/...` controls).
func plainCall(_ method: HTTPMethod, _ url: String, body: String? = nil) async throws -> (status: Int, body: String) {
    var request = HTTPClientRequest(url: url)
    request.method = method
    if let body {
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
    }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 8 << 20)))
}

struct TableTestFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
