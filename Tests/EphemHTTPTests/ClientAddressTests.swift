@testable import EphemHTTP
import HTTPTypes
import Testing

struct ClientAddressTests {
    @Test(arguments: [
        ("203.0.113.7:51234", "203.0.113.7"),
        ("198.51.100.1, 203.0.113.7:51234", "203.0.113.7"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:db8::1", "2001:db8::1"),
        ("203.0.113.7", "203.0.113.7"),
    ])
    func platformEntryWithoutPort(header: String, expected: String) {
        var headers = HTTPFields()
        headers[.xForwardedFor] = header
        #expect(ClientAddress.from(headers: headers) == expected)
    }

    @Test func clientIPHeaderWinsAndGarbageIsDropped() {
        var headers = HTTPFields()
        headers[.xForwardedFor] = "198.51.100.1:1"
        headers[.xClientIP] = "203.0.113.9"
        #expect(ClientAddress.from(headers: headers) == "203.0.113.9")
        var bad = HTTPFields()
        bad[.xForwardedFor] = "<script>"
        #expect(ClientAddress.from(headers: bad) == nil)
        #expect(ClientAddress.from(headers: HTTPFields()) == nil)
    }
}
