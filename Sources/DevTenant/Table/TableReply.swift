#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import EphemCore
import Hummingbird
import HTTPTypes
import NIOCore

/// Builds responses with the headers every Table response carries (reference 4.1 "Response
/// headers to expect"; table-service-recorded.md "Status codes and headers"): `x-ms-request-id`,
/// `x-ms-version`, `Date`, `Cache-Control: no-cache`, `X-Content-Type-Options: nosniff`, the
/// echoed `x-ms-client-request-id`, and `Preference-Applied` for a request that sent `Prefer`
/// to Create Table or Insert Entity (also on its errors). A 204 has no Content-Type.
struct TableReply {
    static let requestIdHeader = HTTPField.Name("x-ms-request-id")!
    static let clientRequestIdHeader = HTTPField.Name("x-ms-client-request-id")!
    static let preferenceAppliedHeader = HTTPField.Name("Preference-Applied")!
    static let errorCodeHeader = HTTPField.Name("x-ms-error-code")!
    static let dataServiceIdHeader = HTTPField.Name("DataServiceId")!
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!

    let requestId = UUID().uuidString.lowercased()
    var version: String
    var clientRequestId: String?
    /// `return-no-content` or `return-content` when the request asked for either.
    var preference: String?
    var level: MetadataLevel
    /// Errors in XML (`Accept: */*` or an XML type without JSON), as the 2017 recording shows.
    var xmlErrors: Bool

    init(headers: HTTPFields, level: MetadataLevel) {
        version = headers[TableAuthenticator.versionHeader] ?? "2019-02-02"
        clientRequestId = headers[Self.clientRequestIdHeader]
        let prefer = headers[HTTPField.Name("Prefer")!]?.lowercased() ?? ""
        preference = prefer.contains("return-no-content") ? "return-no-content" : (prefer.contains("return-content") ? "return-content" : nil)
        self.level = level
        let accept = headers[.accept]?.lowercased() ?? ""
        xmlErrors = !accept.contains("json") && (accept.contains("xml") || accept.trimmingASCIIWhitespace() == "*/*")
    }

    func headers(preferenceApplies: Bool) -> HTTPFields {
        var fields = HTTPFields()
        fields[.cacheControl] = "no-cache"
        fields[Self.xContentTypeOptions] = "nosniff"
        fields[Self.requestIdHeader] = requestId
        fields[TableAuthenticator.versionHeader] = version
        if let clientRequestId { fields[Self.clientRequestIdHeader] = clientRequestId }
        if preferenceApplies, let preference { fields[Self.preferenceAppliedHeader] = preference }
        return fields
    }

    func json(_ status: HTTPResponse.Status, _ body: String, extra: HTTPFields = [:], preferenceApplies: Bool = false) -> Response {
        var fields = headers(preferenceApplies: preferenceApplies)
        fields[.contentType] = level.contentType
        fields.append(contentsOf: extra)
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    func noContent(extra: HTTPFields = [:], preferenceApplies: Bool = false) -> Response {
        // The service sends `Content-Length: 0`; the HTTP server here drops it from a 204, as
        // RFC 9110 asks, and no client depends on it.
        var fields = headers(preferenceApplies: preferenceApplies)
        fields.append(contentsOf: extra)
        return Response(status: .noContent, headers: fields)
    }

    /// `RequestId:` and `Time:` (seven fraction digits) end every error message.
    func messageText(_ message: String) -> String {
        "\(message)\nRequestId:\(requestId)\nTime:\(TableInstant.now().iso8601(trimmed: false))"
    }

    /// `{"odata.error":{"code":…,"message":{"lang":"en-US","value":…}}}` in the requested metadata
    /// level's Content-Type, without `x-ms-error-code` (as recorded); XML for `*/*` requests.
    func error(_ error: TableError, preferenceApplies: Bool) -> Response {
        var fields = headers(preferenceApplies: preferenceApplies)
        let body: String
        if xmlErrors {
            fields[.contentType] = "application/xml;charset=utf-8"
            body = #"<?xml version="1.0" encoding="utf-8"?><error xmlns="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"><code>\#(error.code)</code><message xml:lang="en-US">\#(FormData.escapeHTML(messageText(error.message)))</message></error>"#
        } else {
            fields[.contentType] = level.contentType
            body = JSONText.object([("odata.error", JSONText.object([
                ("code", JSONText.quote(error.code)),
                ("message", JSONText.object([("lang", JSONText.quote("en-US")), ("value", JSONText.quote(messageText(error.message)))])),
            ]))])
        }
        return Response(status: .init(code: error.status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// Authentication failures: XML, `x-ms-error-code`, `Server: Microsoft-HTTPAPI/2.0`, and for
    /// 401 the Bearer challenge (table-service-recorded.md "Auth failures are XML", "Entra / Bearer").
    func authError(_ error: TableAuthError, authorizationURI: String) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/xml"
        fields[.server] = "Microsoft-HTTPAPI/2.0"
        fields[Self.errorCodeHeader] = error.code
        fields[Self.requestIdHeader] = requestId
        if error.status == 401 {
            fields[.wwwAuthenticate] = "Bearer authorization_uri=\(authorizationURI) resource_id=https://storage.azure.com"
        }
        let body = #"<?xml version="1.0" encoding="utf-8"?><m:error xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"><m:code>\#(error.code)</m:code><m:message xml:lang="en-US">\#(FormData.escapeHTML(messageText(error.message)))</m:message></m:error>"#
        return Response(status: .init(code: error.status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

}
