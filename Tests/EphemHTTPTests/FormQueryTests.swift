@testable import EphemHTTP
import EphemCore
import Testing

/// `FormQuery` reads a query string as forms write it (issue 13, finding 5).
struct FormQueryTests {
    @Test(arguments: [
        ("q=Smith+%26+Co", [("q", "Smith & Co")]),
        ("q=a%2Bb", [("q", "a+b")]),
        ("a=1&b=&c", [("a", "1"), ("b", ""), ("c", "")]),
        ("q=%C3%A4+x&&", [("q", "ä x")]),
        ("", []),
    ])
    func decodes(query: String, expected: [(String, String)]) throws {
        let pairs = try FormQuery.parse(query)
        #expect(pairs.map(\.name) == expected.map(\.0))
        #expect(pairs.map(\.value) == expected.map(\.1))
    }

    @Test(arguments: ["q=%", "q=%4", "q=%ZZ", "q=%FF", "%C3=1"])
    func refusesMalformed(query: String) {
        #expect(throws: EphemError.self) { try FormQuery.parse(query) }
    }

    @Test func boundsThePairs() {
        let many = (0...FormQuery.maxPairs).map { "k\($0)=v" }.joined(separator: "&")
        #expect(throws: EphemError.self) { try FormQuery.parse(many) }
    }
}
