import AsyncHTTPClient
import DevTenant
import EphemCore
import Foundation
import FunctionsHost
import NIOCore
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 13's findings, each through the real handler binaries behind the host emulator and the
/// dev tenant (faults staged with `FaultPlan`), with the exact status, code and audit rows.
@Suite struct HardeningEndToEndTests {
    /// The blocking read on a thread of its own: on the cooperative pool it would starve the
    /// in-process host emulator that has to answer it.
    static func read(_ connection: RawHTTPConnection) async throws -> (status: Int, body: String) {
        // The connection is used by this one thread only until it answers.
        nonisolated(unsafe) let connection = connection
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try connection.readResponse() }) }
        }
    }

    static let admin = "aaaaaaaa-0000-4000-8000-000000000001"
    static let lena = "aaaaaaaa-0000-4000-8000-000000000003"
    static let grace = "aaaaaaaa-0000-4000-8000-000000000005"

    /// Finding 1: a Table service that repeats one continuation token forever. The request stops
    /// at the repeat (502 `upstream_refused`) after a handful of calls, not hundreds.
    @Test func repeatedTableContinuationStopsWith502() async throws {
        try await withTapStack(seed: .demo, apps: .helpdesk) { stack in
            let account = try #require(URL(string: stack.tables.endpoint)?.path)
            for table in ["/TapAuditHelpdesk()", "/TapAuditSelfService()"] {
                stack.tenant.faults.add(Fault(target: .table, pathPrefix: account + table, method: "GET", body: .object(["value": .array([])]),
                                              headers: ["x-ms-continuation-NextPartitionKey": "1!8!MjAyNi0wMS0wMQ--", "x-ms-continuation-NextRowKey": "1!4!eA--"]))
            }
            stack.tenant.requests.clear()
            let reply = try await stack.call(stack.helpdesk, "GET", "/api/audit-log?days=1", token: try stack.token("helpdesk", Self.admin))
            #expect(reply.status == 502)
            #expect(reply.code == "upstream_refused")
            let tableCalls = stack.tenant.requests.all.filter { $0.target == .table && $0.method == "GET" }.count
            #expect(tableCalls >= 2 && tableCalls <= 4)
        }
    }

    /// Finding 1 (Graph): a collection whose every page names the same `@odata.nextLink`.
    @Test func repeatedGraphNextLinkStopsWith502() async throws {
        try await withTapStack(seed: .demo, apps: .selfService) { stack in
            let path = "/v1.0/users/\(Self.lena)/authentication/methods"
            stack.tenant.faults.add(Fault(target: .graph, pathPrefix: path, method: "GET",
                                          body: .object(["value": .array([]), "@odata.nextLink": .string(stack.tenant.baseURL + path + "?$skiptoken=same")])))
            stack.tenant.requests.clear()
            let reply = try await stack.call(stack.selfService, "GET", "/api/my-auth-methods", token: try stack.token("selfservice", Self.lena))
            #expect(reply.status == 502)
            #expect(reply.code == "upstream_refused")
            #expect(stack.tenant.requests.all.filter { $0.target == .graph && $0.path == path }.count == 2)
        }
    }

    /// Finding 2: client-sent address headers never reach the row; the emulator's
    /// `X-Forwarded-For` (the socket address, port stripped) does.
    @Test func clientIpIsThePlatformAddressNeverHeaderText() async throws {
        try await withTapStack(seed: .demo, apps: .helpdesk) { stack in
            let reply = try await stack.call(stack.helpdesk, "DELETE", "/api/users/\(Self.lena)/tap", token: try stack.token("helpdesk", Self.admin),
                                             headers: [("X-Client-IP", "<script>alert(1)</script>:1"), ("X-Forwarded-For", "<script>alert(1)</script>:1")])
            #expect(reply.status == 404)
            #expect(reply.code == "no_active_tap")
            let rows = try await stack.auditRows(.helpdesk)
            #expect(rows.count == 1)
            #expect(rows.first?["ClientIp"]?.stringValue == "127.0.0.1")
        }
    }

    /// Finding 3: a declared body over 16 KiB is 413 `payload_too_large` with one row.
    @Test func declaredOversizeBodyIs413WithOneRow() async throws {
        try await withTapStack(seed: .demo, apps: .helpdesk) { stack in
            let body = "{\"reason\":\"" + String(repeating: "x", count: 17 * 1024) + "\"}"
            let reply = try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(Self.lena)", token: try stack.token("helpdesk", Self.admin), body: body)
            #expect(reply.status == 413)
            #expect(reply.code == "payload_too_large")
            let rows = try await stack.auditRows(.helpdesk)
            #expect(rows.count == 1)
            #expect(rows.first?["Action"]?.stringValue == "DENIED")
            #expect(rows.first?["DenialReason"]?.stringValue == "payload_too_large")
        }
    }

    /// Finding 3: a chunked body over 16 KiB sent to the handler itself (the emulator does not
    /// forward chunked bodies) is 413 with one row, not the 500 of NIO's size error.
    @Test func chunkedOversizeBodyAtTheHandlerIs413WithOneRow() async throws {
        try await withTapStack(seed: .demo, apps: .helpdesk) { stack in
            let worker = try #require(stack.helpdesk?.workers.first)
            // Warm the handler's signing keys first, so a slow key fetch on a loaded machine cannot
            // answer for the body limit.
            #expect(try await stack.call(stack.helpdesk, "GET", "/api/me", token: try stack.token("helpdesk", Self.admin)).status == 200)
            let connection = try RawHTTPConnection(port: worker.port)
            let chunk = String(repeating: "x", count: 4096)
            var request = "PUT /api/generate-tap/\(Self.lena) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(try stack.token("helpdesk", Self.admin))\r\n"
            request += "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            for _ in 0..<5 { request += String(4096, radix: 16) + "\r\n" + chunk + "\r\n" }
            request += "0\r\n\r\n"
            try connection.send(request)
            let reply = try await Self.read(connection)
            #expect(reply.status == 413, Comment(rawValue: stack.handlerOutput))
            #expect(reply.body.contains("\"payload_too_large\""))
            let rows = try await stack.auditRows(.helpdesk)
            #expect(rows.count == 1)
            #expect(rows.first?["DenialReason"]?.stringValue == "payload_too_large")
        }
    }

    /// Finding 5: `+` in a query is a space (`q=Lena+User` finds Lena User; `Smith+%26+Co` is
    /// searched as `Smith & Co`, which finds nobody but is a valid query).
    @Test func plusInAQueryIsASpace() async throws {
        try await withTapStack(seed: .demo, apps: .helpdesk) { stack in
            let token = try stack.token("helpdesk", Self.admin)
            let found = try await stack.call(stack.helpdesk, "GET", "/api/search-user?q=Lena+User", token: token)
            #expect(found.status == 200)
            let users = found.json?["users"] as? [[String: Any]] ?? []
            #expect(users.compactMap { $0["id"] as? String } == [Self.lena])
            stack.tenant.requests.clear()
            let other = try await stack.call(stack.helpdesk, "GET", "/api/search-user?q=Smith+%26+Co", token: token)
            #expect(other.status == 200)
            // Sent byte for byte to the handler: an HTTP client (the emulator's too) would
            // re-encode the malformed escape as %25.
            let worker = try #require(stack.helpdesk?.workers.first)
            let connection = try RawHTTPConnection(port: worker.port)
            try connection.send("GET /api/search-user?q=a%ZZb HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\nConnection: close\r\n\r\n")
            let bad = try await Self.read(connection)
            #expect(bad.status == 400)
            #expect(bad.body.contains("\"invalid_query\""))
        }
    }

    /// Finding 7: undecodable paths are 404, never the portal's index page; a chunked body is
    /// not forwarded without its body (the host fails such an invocation: 500) and issues nothing.
    @Test func emulatorRefusesUndecodablePathsAndChunkedBodies() async throws {
        try await withTapStack(seed: .demo, apps: .helpdesk) { stack in
            let host = try #require(stack.helpdesk)
            for path in ["/%FF", "/api/users/%FF/tap"] {
                let raw = try RawHTTPConnection(port: host.port)
                try raw.send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(try stack.token("helpdesk", Self.admin))\r\nConnection: close\r\n\r\n")
                let reply = try await Self.read(raw)
                #expect(reply.status == 404, "\(path)")
                #expect(!reply.body.lowercased().contains("<!doctype html"), "\(path)")
            }
            let connection = try RawHTTPConnection(port: host.port)
            var request = "PUT /api/generate-tap/\(Self.lena) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(try stack.token("helpdesk", Self.admin))\r\n"
            request += "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n12\r\n{\"reason\":\"call\"}\r\n0\r\n\r\n"
            try connection.send(request)
            #expect(try await Self.read(connection).status == 500)
            #expect(try await stack.auditRows(.helpdesk).isEmpty)
            #expect(stack.tenant.requests.all.allSatisfy { !($0.method == "POST" && $0.path.hasSuffix("temporaryAccessPassMethods")) })
        }
    }

    /// Finding 8: with storage down a refused issuance still writes its audit log line
    /// (`audit.action` BLOCKED_PRIVILEGED), marked as having no row.
    @Test func refusalIsLoggedWhenStorageIsDown() async throws {
        try await withTapStack(seed: .demo, apps: .helpdesk) { stack in
            stack.tenant.faults.add(Fault(target: .table, status: 503))
            let reply = try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(Self.grace)", token: try stack.token("helpdesk", Self.admin))
            #expect(reply.status == 503)
            let lines = stack.handlerOutput.split(separator: "\n").filter { $0.contains("audit event") && $0.contains("BLOCKED_PRIVILEGED") }
            #expect(lines.count == 1)
            #expect(lines.first?.contains("audit.row_written") == true)
            #expect(lines.first?.contains(Self.grace) == true)
        }
    }

    /// Finding 6: `ephemgate-dev` with a busy port exits 1 with one line naming the port and the
    /// flag that moves it, before starting anything.
    @Test func busyPortEndsStartUpWithOneLine() async throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(bound == 0 && listen(fd, 1) == 0)
        let busy = Loopback.localPort(of: fd)
        let errors = Pipe()
        let process = try ChildProcess.launch(executable: TestPaths.binary("ephemgate-dev"),
                                              arguments: ["--tenant-port", "0", "--table-port", "\(busy)", "--tenant-only"],
                                              environment: ProcessInfo.processInfo.environment, standardError: .pipe(errors))
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(await process.termination() == ChildProcess.Termination(status: 1, signalled: false))
        #expect(text == "ephemgate-dev: port \(busy) (Table service) is already in use; choose another with --table-port <port>\n")
    }
}
