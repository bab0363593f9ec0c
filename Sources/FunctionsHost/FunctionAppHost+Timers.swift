import AsyncHTTPClient
import Foundation
import Hummingbird
import HTTPTypes
import NIOCore

/// What one default-mode invocation returned.
public struct InvocationResult: Sendable {
    public var status: Int
    public var body: String
    public var succeeded: Bool { (200..<300).contains(status) }
}

/// One finished invocation, as `FunctionAppHost.invocations()` reports it.
public struct InvocationEvent: Sendable {
    public var function: String
    public var scheduled: Bool
    public var result: InvocationResult
}

extension FunctionAppHost {
    /// Starts one loop per timer function: sleep until the next NCRONTAB occurrence, invoke.
    func scheduleTimers() {
        var tasks: [Task<Void, Never>] = []
        for function in functions {
            guard case .timer(let rawSchedule, _, let runOnStartup) = function.trigger,
                  let schedule = try? NCrontab(Self.expand(rawSchedule, options.settings))
            else { continue }
            tasks.append(Task { [self] in
                var last: Date?
                if runOnStartup { last = Date(); _ = await invoke(function: function, last: nil, next: nil, scheduled: true) }
                while !Task.isCancelled {
                    let now = Int64(Date().timeIntervalSince1970.rounded(.down))
                    guard let next = schedule.next(after: now) else { return }
                    let wait = Double(next) - Date().timeIntervalSince1970
                    do { try await Task.sleep(for: .milliseconds(Int64(max(0, wait) * 1000))) } catch { return }
                    let nextAfter = schedule.next(after: next).map { Date(timeIntervalSince1970: Double($0)) }
                    _ = await invoke(function: function, last: last, next: nextAfter, scheduled: true)
                    last = Date(timeIntervalSince1970: Double(next))
                }
            })
        }
        running.withLock { $0.timers = tasks }
    }

    /// `POST /admin/functions/{name}`: runs a non-HTTP function now. Azure answers 202 with no body;
    /// the emulator adds the handler's invocation response as the body, so a developer sees it.
    func adminInvoke(functionName: String) async -> Response {
        guard let function = functions.first(where: { $0.name.lowercased() == functionName.lowercased() }), !function.isHTTPInAndOut else {
            return FrontResponder.plain(.notFound, "")
        }
        let result = await invoke(function: function, last: nil, next: nil)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        let status: HTTPResponse.Status = result.succeeded ? .accepted : .internalServerError
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: result.body)))
    }

    /// Runs a function in default mode: `POST /{name}` with `{"Data": {binding: TimerInfo}, "Metadata": {...}}`
    /// (reference 1.4), and logs the `Logs` the handler returns, as the host does.
    public func invoke(function: FunctionMetadata, last: Date?, next: Date?, scheduled: Bool = false) async -> InvocationResult {
        guard let worker = pickWorker() else { return InvocationResult(status: 503, body: "") }
        do { try await worker.ready() } catch { return InvocationResult(status: 503, body: "") }
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var bindingName = "myTimer"
        if case .timer(_, let name, _) = function.trigger, !name.isEmpty { bindingName = name }
        let status: Any = (last != nil || next != nil)
            ? ["Last": last.map(iso.string) ?? "0001-01-01T00:00:00", "Next": next.map(iso.string) ?? "0001-01-01T00:00:00", "LastUpdated": iso.string(from: Date())] as [String: Any]
            : NSNull()
        let payload: [String: Any] = [
            "Data": [bindingName: ["Schedule": ["AdjustForDST": true], "ScheduleStatus": status, "IsPastDue": false]],
            "Metadata": ["sys": ["MethodName": function.name, "UtcNow": iso.string(from: Date()), "RandGuid": UUID().uuidString.lowercased()]],
        ]
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(worker.port)/\(function.name)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.add(name: "X-Azure-Functions-HostVersion", value: "4.x-emulator")
        request.headers.add(name: "X-Azure-Functions-InvocationId", value: UUID().uuidString.lowercased())
        request.headers.add(name: "User-Agent", value: "Azure-Functions-Host/4.x-emulator")
        request.body = .bytes(ByteBuffer(bytes: (try? JSONSerialization.data(withJSONObject: payload)) ?? Data()))
        do {
            let response = try await client.execute(request, timeout: .seconds(230))
            let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
            let result = InvocationResult(status: Int(response.status.code), body: body)
            publish(InvocationEvent(function: function.name, scheduled: scheduled, result: result))
            if result.succeeded {
                logger.info("function invoked", metadata: ["function": "\(function.name)", "status": "\(result.status)"])
            } else {
                logger.error("function invocation failed", metadata: ["function": "\(function.name)", "status": "\(result.status)"])
            }
            return result
        } catch {
            logger.error("function invocation failed", metadata: ["function": "\(function.name)", "error": "\(type(of: error))"])
            let result = InvocationResult(status: 502, body: "")
            publish(InvocationEvent(function: function.name, scheduled: scheduled, result: result))
            return result
        }
    }
}
