#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// Calls whose effect must not happen twice: the TAP create (a second create silently replaces the
/// first pass, reference 1.2) and `sendMail` (a second call is a second mail, reference 6). SPEC
/// 7.4 and 7.5: such a call is sent **at most once**; it is never re-sent after a timeout, a reset
/// or a 5xx, because a lost answer may mean the effect already happened. Only a 429 is retried
/// (within the budget, after `Retry-After`): throttling is Graph's refusal to act (reference 7).
extension GraphClient {
    /// How an at-most-once call ended.
    public enum SendOnceOutcome: Sendable, Equatable {
        /// Graph answered with this status (any status but 429 and 5xx); `requestId` is Graph's
        /// `request-id` response header, for the API's `upstream_refused` body and the logs.
        case answered(status: Int, json: JSONValue?, requestId: String?)
        /// The request may have reached Graph but its answer is unknown: a timeout, a reset, or a
        /// 5xx (Graph documents no rollback for 5xx). The effect may or may not exist.
        case lost(detail: String)
        /// The request certainly had no effect: no token, Graph throttled past the budget, or the
        /// request could not be built.
        case notSent(detail: String)
    }

    /// One call sent at most once (see the type's comment). `timeout` bounds the one attempt;
    /// 429s are waited out while `budget` allows. Never logs the body or the answer.
    func sendOnce(_ method: String, _ path: String, body: JSONValue, timeout: Duration = .seconds(8)) async -> SendOnceOutcome {
        let url = endpoint + path
        let bodyBytes: [UInt8]
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes]
            bodyBytes = Array(try encoder.encode(body))
        } catch {
            return .notSent(detail: "request body not encodable")
        }
        let clock = ContinuousClock()
        let deadline = clock.now + budget
        let operation = Self.describe(method, url)
        for attempt in 1...maxAttempts {
            let token: String
            do {
                token = try await tokens.token(for: Self.resource)
            } catch {
                return .notSent(detail: "no Graph token")
            }
            let headers = [("Authorization", "Bearer \(token)"), ("Accept", "application/json"), ("Content-Type", "application/json"),
                           ("client-request-id", UUID().uuidString.lowercased())]
            let remaining = deadline - clock.now
            guard remaining > .milliseconds(50) else { return .notSent(detail: "\(operation): throttled past the time budget") }
            let response: OutboundHTTP.Response
            do {
                response = try await http.send(method: method, url: url, headers: headers, body: bodyBytes,
                                               timeout: min(remaining, timeout), maxBody: 1 << 20)
            } catch {
                logger.error("Graph answer lost; not re-sent", metadata: ["graph.operation": "\(operation)", "graph.problem": "transport \(error)"])
                return .lost(detail: "\(operation): transport \(error)")
            }
            let json = response.body.isEmpty ? nil : try? StrictJSON.parse(response.body)
            let requestId = response.header("request-id") ?? json?["error"]?["innerError"]?["request-id"]?.stringValue
            switch response.status {
            case 429:
                let wait: Duration = response.header("Retry-After").flatMap { Int($0.trimmingASCIIWhitespace()) }.map { .seconds(max(0, $0)) }
                    ?? firstBackoff * (1 << (attempt - 1))
                guard attempt < maxAttempts, clock.now + wait < deadline else {
                    return .notSent(detail: "\(operation): throttled (429) past the time budget")
                }
                logger.notice("retrying a throttled Graph call", metadata: ["graph.operation": "\(operation)", "graph.request_id": "\(requestId ?? "")"])
                do {
                    try await Task.sleep(for: wait)
                } catch {
                    return .notSent(detail: "cancelled")
                }
            case 500...599:
                logger.error("Graph answered 5xx; not re-sent", metadata: [
                    "graph.operation": "\(operation)", "graph.problem": "status \(response.status) \(Self.errorCode(json) ?? "")",
                    "graph.request_id": "\(requestId ?? "")",
                ])
                return .lost(detail: "\(operation): status \(response.status) \(Self.errorCode(json) ?? "")")
            default:
                noteRefusal(status: response.status, json: json, operation: operation)
                return .answered(status: response.status, json: json, requestId: requestId)
            }
        }
        return .notSent(detail: "\(operation): throttled (429) on every attempt")
    }
}
