@testable import FunctionsHost
import TestSupport
import Testing

/// The repository's own host.json and function.json files, read the way the emulator reads them.
struct HostFilesTests {
    @Test func hostJSONMatchesTheContract() throws {
        let host = try HostConfiguration.load(path: TestPaths.hostJSON)
        #expect(host.executablePath == "handler")
        #expect(host.enableForwardingHttpRequest)
        #expect(host.routePrefix == "")
    }

    @Test(arguments: ["selfservice", "helpdesk"])
    func everyFunctionLoadsAndTimersParse(app: String) throws {
        let functions = try FunctionMetadata.loadAll(appDirectory: TestPaths.app(app))
        #expect(functions.map(\.name).contains("audit-retention"))
        for function in functions {
            switch function.trigger {
            case .http(_, let route, let authLevel, _):
                #expect(function.isHTTPInAndOut, "\(function.name) must be HTTP in and out to be forwarded")
                #expect(authLevel == "anonymous", "\(function.name): the API authenticates with bearer tokens, not function keys")
                _ = try RouteTemplate(route ?? function.name)
            case .timer(let schedule, _, _):
                _ = try NCrontab(schedule)
            case .other(let type):
                Issue.record("\(function.name) has an unexpected trigger \(type)")
            }
        }
    }
}
