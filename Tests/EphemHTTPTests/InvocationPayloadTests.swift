import EphemCore
import EphemHTTP
import Testing

/// Payloads shaped exactly as reference 1.4 shows them, and the lenient variants the host or its
/// docs produce.
struct InvocationPayloadTests {
    static let httpPayload = #"""
    { "Data": { "req": {
        "Url": "https://myapp.azurewebsites.net/api/tap/issue?x=1",
        "Method": "POST",
        "Query": { "x": "1" },
        "Headers": { "Content-Type": ["application/json"], "X-Forwarded-For": ["203.0.113.7:51234"] },
        "Params": { "routeParam": "value" },
        "Identities": [ { "AuthenticationType": "WebJobsAuthLevel", "IsAuthenticated": true, "Claims": [], "Name": null } ],
        "Body": "{\"upn\":\"a@b\"}" } },
      "Metadata": { "sys": { "MethodName": "issue", "UtcNow": "2026-11-23T06:00:00Z", "RandGuid": "0f8fad5b-d9cb-469f-a165-70867728950e" } } }
    """#

    @Test func httpTriggerPayloadDecodes() throws {
        let invocation = try InvocationRequest.decode(Array(Self.httpPayload.utf8))
        let request = try #require(invocation.httpRequest(binding: "req"))
        #expect(request.method == "POST")
        #expect(request.url == "https://myapp.azurewebsites.net/api/tap/issue?x=1")
        #expect(request.query == ["x": "1"])
        #expect(request.header("x-forwarded-for") == ["203.0.113.7:51234"])
        #expect(request.header("Content-Type") == ["application/json"])
        #expect(request.params == ["routeParam": "value"])
        #expect(request.body == #"{"upn":"a@b"}"#)
        #expect(invocation.metadata["sys"]?[caseInsensitive: "MethodName"]?.stringValue == "issue")
    }

    @Test func queryAsStringHeadersAsStringsAndNoBodyAreAccepted() throws {
        let payload = #"""
        {"data": {"REQ": {"method": "GET", "query": "{\"q\":\"jo\",\"top\":5}", "headers": {"Accept": "application/json"}}}}
        """#
        let invocation = try InvocationRequest.decode(Array(payload.utf8))
        let request = try #require(invocation.httpRequest(binding: "req"))
        #expect(request.query == ["q": "jo", "top": "5"])
        #expect(request.header("accept") == ["application/json"])
        #expect(request.body == nil)
        #expect(request.url == nil)
        #expect(invocation.metadata.isEmpty)
    }

    @Test func timerPayloadDecodes() throws {
        let payload = #"""
        {"Data":{"myTimer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{"Last":"2026-11-22T03:30:00.0000000+00:00","Next":"2026-11-23T03:30:00.0000000+00:00","LastUpdated":"2026-11-22T03:30:00.0000000+00:00"},"IsPastDue":true}},"Metadata":{}}
        """#
        let timer = try #require(try InvocationRequest.decode(Array(payload.utf8)).timerInfo)
        #expect(timer.isPastDue)
        #expect(timer.last == "2026-11-22T03:30:00.0000000+00:00")
        #expect(timer.next == "2026-11-23T03:30:00.0000000+00:00")
    }

    @Test func timerWithNullStatusOrAsAStringDecodes() throws {
        let nullStatus = #"{"Data":{"t":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":null,"IsPastDue":false}}}"#
        let info = try #require(try InvocationRequest.decode(Array(nullStatus.utf8)).timerInfo)
        #expect(!info.isPastDue && info.last == nil && info.next == nil)
        let asString = #"{"Data":{"t":"{\"Schedule\":{\"AdjustForDST\":true},\"IsPastDue\":true}"}}"#
        #expect(try InvocationRequest.decode(Array(asString.utf8)).timerInfo?.isPastDue == true)
    }

    @Test(arguments: ["", "[]", "\"Data\"", "{}", #"{"Data": 5}"#, "{not json"])
    func nonInvocationsAreRefused(payload: String) {
        #expect(throws: InvocationRequest.DecodingError.self) { try InvocationRequest.decode(Array(payload.utf8)) }
    }

    @Test func responseHasTheHostShape() throws {
        let response = InvocationResponse(logs: ["deleted 3 rows"])
        let data = try JSONEncoderForTests.encode(response)
        #expect(data == #"{"Logs":["deleted 3 rows"],"Outputs":{},"ReturnValue":null}"#)
    }
}

import Foundation
enum JSONEncoderForTests {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
