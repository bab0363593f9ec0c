#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Hummingbird
import HTTPTypes
import NIOCore

/// Builds Graph responses with the headers every Graph response carries (reference 7):
/// `request-id` (a new GUID per request) and `client-request-id` (the caller's, echoed; Graph
/// answers with the request id when none was sent), and error bodies in Graph's shape
/// `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`.
struct GraphReply: Sendable {
    static let requestIdHeader = HTTPField.Name("request-id")!
    static let clientRequestIdHeader = HTTPField.Name("client-request-id")!
    static let jsonContentType = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"

    let requestId = UUID().uuidString.lowercased()
    let clientRequestId: String?

    init(headers: HTTPFields) {
        clientRequestId = headers[Self.clientRequestIdHeader].flatMap { $0.isEmpty ? nil : String($0.prefix(200)) }
    }

    func headers() -> HTTPFields {
        var fields = HTTPFields()
        fields[Self.requestIdHeader] = requestId
        fields[Self.clientRequestIdHeader] = clientRequestId ?? requestId
        fields[.cacheControl] = "no-cache"
        return fields
    }

    func json(_ value: GraphJSON, status: HTTPResponse.Status = .ok, extra: HTTPFields = [:]) -> Response {
        var fields = headers()
        fields[.contentType] = Self.jsonContentType
        fields.append(contentsOf: extra)
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: value.text)))
    }

    /// 202 or 204 without a body.
    func empty(_ status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: headers())
    }

    func error(_ problem: GraphProblem, retryAfter: Int? = nil, authority: String? = nil) -> Response {
        var fields = headers()
        fields[.contentType] = "application/json"
        if let retryAfter { fields[.retryAfter] = String(retryAfter) }
        if problem.status == 401, let authority {
            fields[.wwwAuthenticate] = #"Bearer realm="", authorization_uri="\#(authority)/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000""#
        }
        var inner: [(String, GraphJSON)] = [
            ("date", .string(Self.innerErrorDate(Date()))),
            ("request-id", .string(requestId)),
            ("client-request-id", .string(clientRequestId ?? requestId)),
        ]
        // Throttling nests its own code, message and status (fixture error-429-throttled).
        if problem.status == 429 {
            inner = [("code", .string("429"))] + inner + [("message", .string("Please retry after")), ("status", .string("429"))]
        }
        let body = GraphJSON.object([("error", .object([
            ("code", .string(problem.code)),
            ("message", .string(problem.message)),
            ("innerError", .object(inner)),
        ]))])
        return Response(status: .init(code: problem.status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: body.text)))
    }

    /// `2024-05-07T15:39:39`: UTC, whole seconds, no zone designator (reference 7's example).
    static func innerErrorDate(_ date: Date) -> String {
        String(ISOTime.string(date, fractional: false).dropLast())
    }
}
