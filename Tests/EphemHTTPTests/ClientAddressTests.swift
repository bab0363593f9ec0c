@testable import EphemHTTP
import HTTPTypes
import Testing

/// SPEC 7.4: `ClientIp` is a valid IP without port, or empty, from `X-Forwarded-For` as the
/// platform sets it (its last entry); `X-Client-IP` is never read (issue 13, finding 2).
struct ClientAddressTests {
    @Test(arguments: [
        ("203.0.113.7:51234", "203.0.113.7"),
        ("198.51.100.1, 203.0.113.7:51234", "203.0.113.7"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:db8::1", "2001:db8::1"),
        ("203.0.113.7", "203.0.113.7"),
        ("::1", "::1"),
        ("[::ffff:192.0.2.1]:80", "::ffff:192.0.2.1"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
    ])
    func platformEntryWithoutPort(header: String, expected: String) {
        var headers = HTTPFields()
        headers[.xForwardedFor] = header
        #expect(ClientAddress.from(headers: headers) == expected)
    }

    @Test(arguments: [
        "<script>alert(1)</script>:1", "<script>", "abc", "999.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.4:99999",
        "1.2.3.4:x", "[::1]x", "[::1", "1:2:3:4:5:6:7:8:9", "1::2::3", "fffff::1", "::1%eth0", "12345", "203.0.113.7, ",
        "a:b", "::g",
    ])
    func garbageIsDropped(header: String) {
        var headers = HTTPFields()
        headers[.xForwardedFor] = header
        #expect(ClientAddress.from(headers: headers) == nil)
    }

    @Test func clientIPHeaderIsNeverRead() {
        var headers = HTTPFields()
        headers[.xClientIP] = "<script>alert(1)</script>:1"
        #expect(ClientAddress.from(headers: headers) == nil)
        headers[.xClientIP] = "203.0.113.9"
        headers[.xForwardedFor] = "198.51.100.1:1"
        #expect(ClientAddress.from(headers: headers) == "198.51.100.1")
        #expect(ClientAddress.from(headers: HTTPFields()) == nil)
    }
}
