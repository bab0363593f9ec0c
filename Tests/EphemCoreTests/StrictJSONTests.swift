import EphemCore
import Testing

struct StrictJSONTests {
    @Test func parsesWhatJSONMeans() throws {
        let value = try StrictJSON.parse(Array(#" {"a": [1, -2.5e3, true, false, null], "b": "x\"\u00e9\ud83d\ude00\n"} "#.utf8))
        #expect(value[caseInsensitive: "a"] == .array([.number(1), .number(-2500), .bool(true), .bool(false), .null]))
        #expect(value[caseInsensitive: "b"] == .string("x\"é😀\n"))
    }

    @Test(arguments: [
        #"{"oid":"a","oid":"b"}"#, #"{"x":{"y":1,"y":2}}"#, #"{"a":1} x"#, #"{"a":01}"#, #"{"a":"\ud800"}"#,
        #"{"a":"\udc00"}"#, "{\"a\":\"tab\tinside\"}", "{'a':1}", #"{"a":1,}"#, #"[1,]"#, "", #"{"a":-}"#, #"{"a":1."#,
        #"{"a":"\x"}"#, #"{"a":NaN}"#, String(repeating: "[", count: 40) + String(repeating: "]", count: 40),
    ])
    func refusesAmbiguousOrInvalidJSON(text: String) {
        #expect(throws: StrictJSON.ParseError.self) { try StrictJSON.parse(Array(text.utf8)) }
    }

    @Test func refusesInvalidUTF8() {
        #expect(throws: StrictJSON.ParseError.self) { try StrictJSON.parse([0x22, 0xC3, 0x28, 0x22]) }
    }
}

struct Base64URLTests {
    @Test func roundTripsWithoutPadding() throws {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(($0 * 37 + 11) % 256) }
            let text = Base64URL.encode(bytes)
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
            #expect(Base64URL.decode(text) == bytes)
        }
    }

    @Test(arguments: ["a", "ab=", "a+b", "a/b", "a b", "ab\n", "abcde"])
    func refusesWhatIsNotBase64URL(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }
}
