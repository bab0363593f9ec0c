import AsyncHTTPClient
import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import NIOHTTP1

/// The request context of the front end: it only needs the client's socket address, which the
/// platform's front end reports in `X-Forwarded-For` as `ip:port` (reference 1.8). The emulator
/// sets that header itself and drops a client-sent one, and drops the other client-address
/// headers the platform sets (`X-Client-IP`, `X-Client-Port`, `Client-IP`), so a handler never
/// sees a client's own text there (issue 13, finding 2).
struct FrontContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// Routes a request the way the host does: `POST /admin/functions/{name}` runs a non-HTTP function
/// now; a path and method declared by an HTTP-in/out function is forwarded (enableForwardingHttpRequest,
/// reference 1.6); anything else is 404.
struct FrontResponder: HTTPResponder {
    typealias Context = FrontContext
    let host: FunctionAppHost
    static let bodyLimit = 4 << 20
    static let platformSet: Set<String> = ["x-forwarded-for", "x-client-ip", "x-client-port", "client-ip"]
    static let hopByHop: Set<String> = ["connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection", "proxy-authenticate", "proxy-authorization", "host", "content-length"]

    func respond(to request: Request, context: Context) async throws -> Response {
        // A segment whose percent-encoding does not decode to UTF-8 (`/%FF`) names no function:
        // 404, as for any path no route declares (issue 13, finding 7), never the `{file?}` route.
        var segments: [String] = []
        for raw in request.uri.path.split(separator: "/") {
            guard let decoded = String(raw).removingPercentEncoding, !decoded.contains("/") else { return Self.plain(.notFound, "") }
            segments.append(decoded)
        }
        if segments.count == 3, segments[0] == "admin", segments[1] == "functions" {
            guard request.method == .post else { return Self.plain(.methodNotAllowed, "") }
            return await host.adminInvoke(functionName: segments[2])
        }
        guard let function = host.match(segments: segments, method: request.method.rawValue) else {
            return Self.plain(.notFound, "")
        }
        if case .http(_, _, let authLevel, _) = function.trigger, authLevel != "anonymous" {
            return Self.plain(.unauthorized, "")
        }
        return try await forward(request, context: context)
    }

    private func forward(_ request: Request, context: Context) async throws -> Response {
        // A body without Content-Length (chunked): the host copies a body only when ContentLength
        // > 0 but copies every header, `Transfer-Encoding: chunked` included, and .NET's HttpClient
        // refuses to send that header without content (`net_http_chunked_not_allowed_with_empty_content`),
        // so the invocation fails and the caller gets 500 (reference 1.6, H-req/H-svc; issue 13,
        // finding 7). Forwarding it without its body would run the function on a request the
        // client did not send.
        if request.headers[.transferEncoding] != nil, request.headers[.contentLength] == nil {
            host.logger.error("chunked request body: the host does not forward it", metadata: [
                "http.method": "\(request.method.rawValue)", "url.path": "\(request.uri.path)",
            ])
            return Self.plain(.internalServerError, "")
        }
        guard let worker = host.pickWorker() else {
            return Self.plain(.serviceUnavailable, "Function host is not running.")
        }
        do {
            try await worker.ready()
        } catch {
            return Self.plain(.serviceUnavailable, "Function host is not running.")
        }
        var outbound = HTTPClientRequest(url: "http://127.0.0.1:\(worker.port)\(request.uri.path)\(request.uri.query.map { "?\($0)" } ?? "")")
        outbound.method = HTTPMethod(rawValue: request.method.rawValue)
        var userAgent: String?
        for field in request.headers {
            let name = field.name.canonicalName
            if Self.hopByHop.contains(name) || Self.platformSet.contains(name) { continue }
            if name == "user-agent" { userAgent = field.value; continue }
            outbound.headers.add(name: field.name.rawName, value: field.value)
        }
        if let address = context.remoteAddress, let ip = address.ipAddress, let port = address.port {
            outbound.headers.replaceOrAdd(name: "X-Forwarded-For", value: ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)")
        }
        outbound.headers.replaceOrAdd(name: "User-Agent", value: [userAgent, "Azure-Functions-Host/4.x-emulator"].compactMap { $0 }.joined(separator: " "))
        outbound.headers.replaceOrAdd(name: "X-Azure-Functions-HostVersion", value: "4.x-emulator")
        outbound.headers.replaceOrAdd(name: "X-Azure-Functions-InvocationId", value: UUID().uuidString.lowercased())
        // The host copies a body only when the request declared a positive Content-Length.
        let declaredLength = request.headers[.contentLength].flatMap { Int($0) } ?? 0
        if declaredLength > 0 {
            guard let body = try? await request.body.collect(upTo: Self.bodyLimit) else {
                return Self.plain(.contentTooLarge, "")
            }
            outbound.body = .bytes(body)
        }
        let response: HTTPClientResponse
        do {
            response = try await host.client.execute(outbound, timeout: .seconds(230))
        } catch {
            host.logger.error("forwarding to the worker failed", metadata: [
                "worker.port": "\(worker.port)", "http.method": "\(request.method.rawValue)", "url.path": "\(request.uri.path)", "error": "\(error)",
            ])
            return Self.plain(.badGateway, "The function did not answer.")
        }
        let body = try await response.body.collect(upTo: 64 << 20)
        var headers = HTTPFields()
        for (name, value) in response.headers where !Self.hopByHop.contains(name.lowercased()) {
            if let fieldName = HTTPField.Name(name) { headers.append(HTTPField(name: fieldName, value: value)) }
        }
        return Response(status: .init(code: Int(response.status.code)), headers: headers, body: .init(byteBuffer: body))
    }

    static func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

extension FunctionAppHost {
    /// The declared function for this path and method: most specific template first, as ASP.NET
    /// routing orders them. A matching path with an undeclared method is 404, like an unmatched path.
    func match(segments: [String], method: String) -> FunctionMetadata? {
        let candidates = routes.filter { function, template in
            guard case .http(let methods, _, _, _) = function.trigger else { return false }
            guard methods.isEmpty || methods.contains(method.uppercased()) else { return false }
            return template.match(segments) != nil
        }
        return candidates.min { $0.1.precedence.lexicographicallyPrecedes($1.1.precedence) }?.0
    }
}
