// A stand-in custom handler for testing the Functions-host emulator itself: it answers `GET /`
// (readiness) and echoes every other request as JSON, so a test can see exactly what the emulator
// forwarded. `/api/slow?ms=N` answers after N milliseconds; `POST /{function}` answers a
// default-mode invocation with the received payload as its only log line.
import Foundation
import Hummingbird

struct Echo: ResponseEncodable {
    var method: String
    var path: String
    var query: String?
    var headers: [[String]]
    var body: String?
    var port: String?
    var appRoot: String?
    var workerId: String?
    var setting: String?
    var pid: Int32
}

struct InvocationAnswer: ResponseEncodable {
    var Outputs: [String: String] = [:]
    var Logs: [String]
    var ReturnValue: String? = nil
}

let environment = ProcessInfo.processInfo.environment
let port = Int(environment["FUNCTIONS_CUSTOMHANDLER_PORT"] ?? "") ?? 0
let router = Router()
router.get("/") { _, _ in "ready" }
router.get("/api/slow") { request, _ in
    let milliseconds = request.uri.queryParameters.get("ms", as: Int.self) ?? 0
    FileHandle.standardOutput.write(Data("slow request started\n".utf8))
    try await Task.sleep(for: .milliseconds(milliseconds))
    return "slow done"
}
router.post("/tick") { request, _ in
    let body = try await request.body.collect(upTo: 1 << 20)
    return InvocationAnswer(Logs: [String(buffer: body)])
}
router.on("/api/**", method: .get, use: echo)
router.on("/api/**", method: .post, use: echo)
router.on("/api/**", method: .put, use: echo)
router.on("/api/**", method: .delete, use: echo)

@Sendable func echo(_ request: Request, _ context: BasicRequestContext) async throws -> Echo {
    let body = try await request.body.collect(upTo: 1 << 20)
    return Echo(
        method: request.method.rawValue, path: request.uri.path, query: request.uri.query,
        headers: request.headers.map { [$0.name.canonicalName, $0.value] },
        body: body.readableBytes > 0 ? String(buffer: body) : nil,
        port: environment["FUNCTIONS_CUSTOMHANDLER_PORT"], appRoot: environment["FUNCTIONS_APP_ROOT_PATH"],
        workerId: environment["FUNCTIONS_CUSTOMHANDLER_WORKER_ID"], setting: environment["ECHO_SETTING"],
        pid: ProcessInfo.processInfo.processIdentifier)
}

print("echo handler listening on \(port)")
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
