@testable import DevTenant
import Testing

/// The dev tenant's `$search` on directory objects against Microsoft's own examples
/// (concepts/search-query-parameter.md, "Using $search on directory object collections").
@Suite struct GraphSearchTests {
    @Test(arguments: [
        ("hello world", ["hello", "world"]),
        ("HelloWorld", ["hello", "world"]),
        ("helloWORLD", ["hello", "world"]),
        ("HELLOworld", ["helloworld"]),           // only a lower→upper change splits
        ("HelloWORld", ["hello", "world"]),
        ("hello.world", ["hello", ".", "world", "helloworld"]),
        ("hello123world", ["hello", "123", "world"]),
    ])
    func tokenizesAsDocumented(text: String, tokens: [String]) {
        #expect(GraphSearch.tokens(text) == tokens)
    }

    @Test func documentedMatchesOfLiSiDavidLi() throws {
        let value = "李四(David Li)"
        for text in ["李四(David Li)", "李四", "David", "Li", "David)", "(李四", "Li 李"] {
            let search = try GraphSearch.parse("\"displayName:\(text)\"")
            #expect(search.matches({ _ in .string(value) }, schema: .user), "\(text)")
        }
        let other = try GraphSearch.parse("\"displayName:Wang\"")
        #expect(!other.matches({ _ in .string(value) }, schema: .user))
    }

    @Test func tokensMatchTheStartOfAWordInAnyOrderAndOtherPropertiesAreStartsWith() throws {
        func matches(_ search: String, _ values: [String: String]) throws -> Bool {
            try GraphSearch.parse(search).matches({ .string(values[$0]) }, schema: .user)
        }
        #expect(try matches(#""displayName:wa""#, ["displayName": "Oscar Ward"]))
        #expect(try matches(#""displayName:Guthr""#, ["displayName": "Mike Guthrie"]))
        #expect(try matches(#""displayName:farsi""#, ["displayName": "Mohammed Al-Farsi"]))
        #expect(try matches(#""displayName:alfarsi""#, ["displayName": "Mohammed Al-Farsi"]))
        #expect(try matches(#""displayName:ward oscar""#, ["displayName": "Oscar Ward"]))
        #expect(try !matches(#""displayName:ard""#, ["displayName": "Oscar Ward"]))                  // not "contains"
        #expect(try matches(#""mail:oscar""#, ["mail": "oscarward@contoso.com"]))
        #expect(try !matches(#""mail:ward""#, ["mail": "oscarward@contoso.com"]))                    // startsWith only
        #expect(try matches(#""displayName:zz" OR "mail:osc""#, ["displayName": "Oscar Ward", "mail": "oscarward@contoso.com"]))
        #expect(try !matches(#""displayName:oscar" AND "mail:zz""#, ["displayName": "Oscar Ward", "mail": "oscarward@contoso.com"]))
        #expect(try matches(#""displayName:O\"Brien""#, ["displayName": "Seán O\"Brien"]))       // an escaped quote
    }

    @Test func malformedSearchesAreRefused() {
        for text in [#"displayName:wa"#, #""displayName:wa" or "mail:x""#, #""displayName:wa" AND"#, #""nocolon""#, #"("displayName:wa")"#, #""displayName:wa"#] {
            #expect(throws: GraphProblem.self, "\(text)") { try GraphSearch.parse(text) }
        }
    }
}
