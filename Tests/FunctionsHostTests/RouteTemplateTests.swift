@testable import FunctionsHost
import Testing

struct RouteTemplateTests {
    @Test(arguments: [
        ("api/health", "/api/health", true),
        ("api/health", "/API/Health", true),
        ("api/health", "/api/health/x", false),
        ("api/users/{userId}/tap", "/api/users/abc/tap", true),
        ("api/users/{userId}/tap", "/api/users/tap", false),
        ("{file?}", "/", true),
        ("{file?}", "/app.js", true),
        ("{file?}", "/api/x", false),
        ("api/echo/{*rest}", "/api/echo", true),
        ("api/echo/{*rest}", "/api/echo/a/b/c", true),
        ("api/items/{id:guid}", "/api/items/11111111-2222-3333-4444-555555555555", true),
        ("api/items/{id:guid}", "/api/items/not-a-guid", false),
    ])
    func matches(template: String, path: String, expected: Bool) throws {
        let route = try RouteTemplate(template)
        let segments = path.split(separator: "/").map(String.init)
        #expect((route.match(segments) != nil) == expected)
    }

    @Test func literalsOutrankParametersAndCatchAlls() throws {
        let literal = try RouteTemplate("api/config")
        let parameter = try RouteTemplate("{file?}")
        let catchAll = try RouteTemplate("{*rest}")
        let prefixedCatchAll = try RouteTemplate("api/{*rest}")
        #expect(literal.precedence.lexicographicallyPrecedes(catchAll.precedence))
        #expect(parameter.precedence.lexicographicallyPrecedes(catchAll.precedence))
        #expect(prefixedCatchAll.precedence.lexicographicallyPrecedes(parameter.precedence), "a literal first segment wins")
    }

    @Test(arguments: ["api/{*rest}/x", "api/{a?}/b", "api/x{y}", "api/{id:regex}", "api/{open"])
    func rejectsUnsupportedTemplates(template: String) {
        #expect(throws: RouteTemplate.ParseError.self) { try RouteTemplate(template) }
    }
}
