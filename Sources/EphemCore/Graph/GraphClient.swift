#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// Microsoft Graph over REST with the backend's own token (managed identity, resource
/// `https://graph.microsoft.com`). Every call has a timeout and a bounded body; throttling and
/// server errors are retried within a bounded total time, honouring `Retry-After` (reference 7):
/// a portal user is waiting, so the budget is seconds, and a `Retry-After` longer than what is left
/// fails the call at once instead of holding the request open.
public struct GraphClient: Sendable {
    public static let resource = "https://graph.microsoft.com"

    /// e.g. `https://graph.microsoft.com`, or the dev tenant's base URL; no trailing slash.
    public let endpoint: String
    let http: OutboundHTTP
    let tokens: any AccessTokenProvider
    let logger: Logger
    public var maxAttempts = 4
    /// The most time one logical call (all its attempts and waits) may take.
    public var budget: Duration = .seconds(10)
    /// First wait after a 5xx or transport failure without `Retry-After`; doubles per attempt.
    public var firstBackoff: Duration = .milliseconds(250)

    public init(endpoint: String, http: OutboundHTTP, tokens: any AccessTokenProvider, logger: Logger) {
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.http = http
        self.tokens = tokens
        self.logger = logger
    }

    public struct Reply: Sendable {
        public var status: Int
        public var json: JSONValue?
    }

    /// One Graph call with retries. `path` starts with `/v1.0/` and is already percent-encoded;
    /// an absolute URL is accepted only on this client's own endpoint (`@odata.nextLink`).
    /// Only for calls that may safely run twice (reads, deletes); the create and `sendMail` go
    /// through `sendOnce` (SPEC 7.4, 7.5).
    func call(_ method: String, _ path: String, body: JSONValue? = nil, headers extra: [(String, String)] = []) async throws(GraphError) -> Reply {
        let url: String
        if path.hasPrefix("/") {
            url = endpoint + path
        } else if path.hasPrefix(endpoint + "/") {
            url = path
        } else {
            throw .unavailable(detail: "a next link left the Graph endpoint")
        }
        var bodyBytes: [UInt8]?
        if let body {
            do {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.withoutEscapingSlashes]
                bodyBytes = Array(try encoder.encode(body))
            } catch {
                throw .unavailable(detail: "request body not encodable")
            }
        }
        let clock = ContinuousClock()
        let deadline = clock.now + budget
        let operation = Self.describe(method, url)
        var lastProblem = ""
        for attempt in 1...maxAttempts {
            let token: String
            do {
                token = try await tokens.token(for: Self.resource)
            } catch {
                throw .unavailable(detail: "no Graph token")
            }
            var headers = [("Authorization", "Bearer \(token)"), ("Accept", "application/json"),
                           ("client-request-id", UUID().uuidString.lowercased())]
            if bodyBytes != nil { headers.append(("Content-Type", "application/json")) }
            headers += extra
            let remaining = deadline - clock.now
            guard remaining > .milliseconds(50) else { break }
            var wait: Duration
            do {
                let response = try await http.send(method: method, url: url, headers: headers, body: bodyBytes,
                                                   timeout: min(remaining, .seconds(8)), maxBody: 4 << 20)
                let json = response.body.isEmpty ? nil : try? StrictJSON.parse(response.body)
                switch response.status {
                case 200..<300:
                    return Reply(status: response.status, json: json)
                case 404:
                    throw GraphError.notFound(code: Self.errorCode(json) ?? "notFound")
                case 400, 403, 409:
                    noteRefusal(status: response.status, json: json, operation: operation)
                    throw GraphError.refused(status: response.status, code: Self.errorCode(json) ?? "unknown",
                                             message: json?["error"]?["message"]?.stringValue ?? "")
                case 429, 500, 502, 503, 504:
                    lastProblem = "status \(response.status) \(Self.errorCode(json) ?? "")"
                    if let seconds = response.header("Retry-After").flatMap({ Int($0.trimmingASCIIWhitespace()) }), seconds >= 0 {
                        wait = .seconds(seconds)
                    } else {
                        wait = firstBackoff * (1 << (attempt - 1))
                    }
                default:
                    throw GraphError.unavailable(detail: "\(operation) answered \(response.status) \(Self.errorCode(json) ?? "")")
                }
            } catch let error as GraphError {
                throw error
            } catch {
                lastProblem = "transport \(error)"
                wait = firstBackoff * (1 << (attempt - 1))
            }
            guard attempt < maxAttempts else { break }
            guard clock.now + wait < deadline else {
                lastProblem += " (retry would pass the time budget)"
                break
            }
            logger.notice("retrying a Graph call", metadata: ["graph.operation": "\(operation)", "graph.problem": "\(lastProblem)",
                                                             "graph.wait_ms": "\(wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000)"])
            do {
                try await Task.sleep(for: wait)
            } catch {
                throw .unavailable(detail: "cancelled")
            }
        }
        logger.error("Graph call failed", metadata: ["graph.operation": "\(operation)", "graph.problem": "\(lastProblem)"])
        throw .unavailable(detail: "\(operation): \(lastProblem)")
    }

    /// Every item of a collection, following `@odata.nextLink` until it is absent (reference 4.4:
    /// a page may be empty; headers such as `ConsistencyLevel` are sent again on every page).
    /// Bounded by `PagingBudget` (issue 13): a repeated nextLink is `.repeatedNextLink` (502), more
    /// than `maxPages` pages or 10 s of paging is `.unavailable` (503).
    func collection(_ path: String, headers: [(String, String)] = [], maxPages: Int = 200) async throws(GraphError) -> [JSONValue] {
        var items: [JSONValue] = []
        var next: String? = path
        var budget = PagingBudget(maxPages: maxPages)
        while let current = next {
            if current != path {
                do throws(PagingBudget.Stop) {
                    try budget.admit(next: current)
                } catch .repeatedToken {
                    throw .repeatedNextLink
                } catch {
                    throw .unavailable(detail: "\(error)")
                }
            }
            let reply = try await call("GET", current, headers: headers)
            guard let value = reply.json?["value"]?.arrayValue else { throw .unavailable(detail: "a collection without value") }
            items += value
            next = reply.json?["@odata.nextLink"]?.stringValue
        }
        return items
    }

    /// A 403 with Graph's "insufficient privileges" code most often means the backend's own
    /// identity lacks an application permission, which an operator must grant
    /// (infra/graph-permissions.json): one error line says so plainly (no token, no body).
    func noteRefusal(status: Int, json: JSONValue?, operation: String) {
        guard status == 403, let code = Self.errorCode(json), Self.permissionCodes.contains(code) else { return }
        logger.error("Graph refused the call with 403: the managed identity may lack the application permission it needs (see infra/graph-permissions.json)",
                     metadata: ["graph.operation": "\(operation)", "graph.code": "\(code)"])
    }

    /// Graph's codes for a caller without the permission a call needs (reference 7;
    /// the authentication-methods APIs use `accessDenied`).
    static let permissionCodes: Set<String> = ["Authorization_RequestDenied", "accessDenied"]

    /// Graph's error `code` (reference 7: `{"error":{"code":…}}`).
    static func errorCode(_ json: JSONValue?) -> String? {
        json?["error"]?["code"]?.stringValue
    }

    /// `GET /v1.0/users/{id}/…` without the query, for logs: no search text, no ids from requests
    /// beyond what the path holds.
    static func describe(_ method: String, _ url: String) -> String {
        let withoutQuery = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        for marker in ["/v1.0/", "/beta/"] {
            let parts = withoutQuery.split(separator: marker, maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2 { return "\(method) \(marker)\(parts[1])" }
        }
        return method
    }
}
