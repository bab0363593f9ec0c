#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import EphemCore
import Hummingbird
import HTTPTypes

/// Records every call to a simulated service in the request log and applies injected faults,
/// answering in that service's own error shape.
struct UpstreamMiddleware<Context: RequestContext>: RouterMiddleware {
    let tenantId: String
    let faults: FaultPlan
    let log: RequestLog
    var fixedTarget: UpstreamTarget?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let target = fixedTarget ?? UpstreamTarget.classify(path: request.uri.path, tenantId: tenantId) else {
            return try await next(request, context)
        }
        let started = Date()
        var status = 500
        defer {
            log.append(RequestRecord(target: target, method: request.method.rawValue, path: request.uri.path, status: status,
                                     startedAt: ISOTime.string(started), endedAt: ISOTime.string(Date())))
        }
        let fault = faults.take(target: target, method: request.method.rawValue, path: request.uri.path)
        if let fault {
            if let delay = fault.delayMs, delay > 0 { try await Task.sleep(for: .milliseconds(delay)) }
            if let body = fault.body {
                status = fault.status ?? 200
                var response = FaultResponse.canned(body, status: status, requestHeaders: request.headers)
                for (name, value) in fault.headers ?? [:] {
                    if let field = HTTPField.Name(name) { response.headers[field] = value }
                }
                return response
            }
            if let faultStatus = fault.status {
                status = faultStatus
                return FaultResponse.make(target: target, status: faultStatus, retryAfter: fault.retryAfterSeconds, requestHeaders: request.headers)
            }
        }
        if let fault, fault.answer != nil || fault.answerDelayMs != nil {
            // The service acts now; the answer is shaped or held back afterwards.
            let response = try await FaultAnswer.$current.withValue(fault.answer) { try await next(request, context) }
            status = Int(response.status.code)
            if let delay = fault.answerDelayMs, delay > 0 { try await Task.sleep(for: .milliseconds(delay)) }
            return response
        }
        do {
            let response = try await next(request, context)
            status = Int(response.status.code)
            return response
        } catch let error as HTTPError {
            status = Int(error.status.code)
            throw error
        }
    }
}

/// Each service's error body for an injected failure (reference: Graph 7, Table 4.2, identity 3).
enum FaultResponse {
    /// A canned JSON answer with Graph's headers (`request-id`, `client-request-id`).
    static func canned(_ body: JSONValue, status: Int, requestHeaders: HTTPFields) -> Response {
        let reply = GraphReply(headers: requestHeaders)
        var headers = reply.headers()
        headers[.contentType] = GraphReply.jsonContentType
        let data = (try? JSONEncoder().encode(body)) ?? Data("{}".utf8)
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func make(target: UpstreamTarget, status: Int, retryAfter: Int?, requestHeaders: HTTPFields) -> Response {
        let body: String
        let reason = status == 429 ? "Too many requests." : "The service is temporarily unavailable."
        switch target {
        case .graph:
            // Graph's shape and headers: `request-id`, the echoed `client-request-id`, `Retry-After`.
            return GraphReply(headers: requestHeaders).error(GraphProblem.injected(status: status), retryAfter: retryAfter)
        case .table:
            // The Table service's own shape and Content-Type (reference 4.2, table-service-recorded.md "Errors").
            let error = TableError.injected(status: status)
            let reply = TableReply(headers: HTTPFields(), level: .minimal)
            var response = reply.error(error, preferenceApplies: false)
            if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
            return response
        case .identity:
            body = #"{"statusCode":\#(status),"message":"\#(reason)","correlationId":"\#(UUID().uuidString.lowercased())"}"#
        case .entra:
            body = #"{"error":"temporarily_unavailable","error_description":"\#(reason)"}"#
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
