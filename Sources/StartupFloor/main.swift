// The start-up floor (issue 13, item 9): the least a Hummingbird handler can do before its first
// answer, built exactly like the handlers (same Hummingbird, `traits: []`, FoundationEssentials
// only). `ephemgate-bench startup` runs it beside a handler and prints handler/floor, a ratio that
// compares across machines where absolute milliseconds do not.
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Hummingbird

let port = Int(ProcessInfo.processInfo.environment["FUNCTIONS_CUSTOMHANDLER_PORT"] ?? "") ?? 8080
let router = Router()
router.get("/api/health") { _, _ -> Response in
    var headers = HTTPFields()
    headers[.contentType] = "application/json; charset=utf-8"
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: nil))
try await app.runService()
