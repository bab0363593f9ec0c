import EphemCore
import Testing

struct GUIDTests {
    @Test(arguments: [
        ("11111111-1111-1111-1111-111111111111", "11111111-1111-1111-1111-111111111111"),
        ("AAAAAAAA-bbbb-CCCC-dddd-EEEEEEEEEEEE", "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"),
    ])
    func acceptsCanonicalFormAndLowercases(text: String, expected: String) throws {
        #expect(try #require(GUID(text)).value == expected)
    }

    @Test(arguments: [
        "", "11111111111111111111111111111111", "{11111111-1111-1111-1111-111111111111}",
        "11111111-1111-1111-1111-11111111111", "11111111-1111-1111-1111-1111111111111", "g1111111-1111-1111-1111-111111111111",
        "11111111_1111-1111-1111-111111111111", "lena.user@contoso.example", " 11111111-1111-1111-1111-111111111111",
        "11111111-1111-1111-1111-11111111111١",
    ])
    func refusesEverythingElse(text: String) {
        #expect(GUID(text) == nil)
    }
}

struct JSONValueTests {
    @Test func caseInsensitiveLookupPrefersExactKeys() throws {
        let value = JSONValue.object(["Data": .string("exact"), "data": .string("lower"), "Other": .bool(true)])
        #expect(value[caseInsensitive: "Data"]?.stringValue == "exact")
        #expect(value[caseInsensitive: "OTHER"]?.boolValue == true)
        #expect(value[caseInsensitive: "missing"] == nil)
        #expect(JSONValue.string("x")[caseInsensitive: "a"] == nil)
    }

    @Test func whitespaceTrimmingWithoutFoundation() {
        #expect(" \t a b \r\n".trimmingASCIIWhitespace() == "a b")
        #expect("   ".trimmingASCIIWhitespace() == "")
    }
}
