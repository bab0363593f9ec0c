import EphemCore
import Foundation
import Hummingbird
import HTTPTypes
import Logging
import NIOCore
import ServiceLifecycle

/// `Tests/Fixtures/graph/*.json`: Microsoft Graph's documented answers, one file per call and case
/// (`source` names the Microsoft page; docs/graph-calls.md has the facts around them).
public struct GraphFixture: Sendable {
    public var name: String
    public var source: String
    public var method: String
    public var path: String
    public var status: Int
    public var responseHeaders: [String: String]
    /// The documented body; nil for 202/204.
    public var response: JSONValue?

    /// A made-up answer in the same form (for shapes Microsoft's pages show no example of).
    public init(name: String, source: String, method: String, path: String, status: Int, responseHeaders: [String: String] = [:], response: JSONValue?) {
        self.name = name
        self.source = source
        self.method = method
        self.path = path
        self.status = status
        self.responseHeaders = responseHeaders
        self.response = response
    }

    /// Every fixture, by file name without `.json`.
    public static let all: [String: GraphFixture] = {
        let folder = TestPaths.repoRoot + "/Tests/Fixtures/graph"
        var found: [String: GraphFixture] = [:]
        for file in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where file.hasSuffix(".json") {
            guard let data = FileManager.default.contents(atPath: folder + "/" + file),
                  let json = try? StrictJSON.parse(Array(data)) else { continue }
            let name = String(file.dropLast(5))
            var headers: [String: String] = [:]
            for (key, value) in json["responseHeaders"]?.objectValue ?? [:] { headers[key] = value.stringValue }
            let response = json["response"].flatMap { $0 == .null ? nil : $0 }
            found[name] = GraphFixture(name: name, source: json["source"]?.stringValue ?? "", method: json["request"]?["method"]?.stringValue ?? "GET",
                                       path: json["request"]?["path"]?.stringValue ?? "", status: Int(json["status"]?.doubleValue ?? 0),
                                       responseHeaders: headers, response: response)
        }
        return found
    }()

    public static func named(_ name: String) -> GraphFixture {
        guard let fixture = all[name] else { fatalError("no fixture Tests/Fixtures/graph/\(name).json") }
        return fixture
    }
}

/// A loopback HTTP server that answers every request with what `answer` returns for its method and
/// path (query included): it plays Graph's documented answers to the real `GraphClient`, so the
/// client is proven against Microsoft's examples rather than against our own simulation.
public final class FixtureServer: Sendable {
    public typealias Answer = @Sendable (_ method: String, _ pathAndQuery: String) -> GraphFixture?

    let group: ServiceGroup
    let task: Task<Void, any Error>
    public let port: Int
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    init(group: ServiceGroup, task: Task<Void, any Error>, port: Int) {
        self.group = group
        self.task = task
        self.port = port
    }

    public static func start(_ answer: @escaping Answer) async -> FixtureServer {
        var logger = Logger(label: "fixture-server")
        logger.logLevel = .critical
        let router = Router()
        router.add(middleware: FixtureMiddleware(answer: answer))
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
                              onServerRunning: { channel in
                                  continuation.yield(channel.localAddress?.port ?? 0)
                                  continuation.finish()
                              }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task { try await group.run() }
        var iterator = stream.makeAsyncIterator()
        return FixtureServer(group: group, task: task, port: await iterator.next() ?? 0)
    }

    public func shutdown() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

struct FixtureMiddleware<Context: RequestContext>: RouterMiddleware {
    let answer: FixtureServer.Answer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        _ = try await request.body.collect(upTo: 1 << 20)
        let target = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
        guard let fixture = answer(request.method.rawValue, target) else {
            return Response(status: .notImplemented, body: .init(byteBuffer: ByteBuffer(string: "no fixture for \(request.method.rawValue) \(target)")))
        }
        var headers = HTTPFields()
        for (name, value) in fixture.responseHeaders {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        var body = ByteBuffer()
        if let response = fixture.response {
            let encoder = JSONEncoder()
            body = ByteBuffer(bytes: Array((try? encoder.encode(response)) ?? Data()))
            headers[.contentType] = "application/json"
        }
        return Response(status: .init(code: fixture.status), headers: headers, body: .init(byteBuffer: body))
    }
}

/// A fixed bearer token, for clients talking to a `FixtureServer`.
public struct StaticToken: AccessTokenProvider {
    public init() {}
    public func token(for resource: String) async throws(EphemError) -> String { "fixture.token.value" }
}
