#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import EphemCore
public import Hummingbird
import HTTPTypes

/// The pieces both portals' TAP routes share: the issuance request built from the HTTP request,
/// and the response bodies of SPEC 6.2 / 6.3.
public enum TapRoutes {
    /// The audit facts of a request: client address as the platform forwarded it, user agent, and
    /// the Functions invocation id as correlation id (a new one when absent or malformed).
    public static func issuanceRequest(_ request: Request, caller: Caller, target: GUID, reason: String? = nil, ticketId: String? = nil) -> IssuanceRequest {
        let facts = auditFacts(request)
        return IssuanceRequest(caller: caller, target: target, reason: reason, ticketId: ticketId, clientIp: facts.clientIp,
                               userAgent: facts.userAgent, correlationId: facts.correlationId)
    }

    static func auditFacts(_ request: Request) -> (clientIp: String?, userAgent: String?, correlationId: String) {
        let invocation = request.headers[.invocationId].flatMap { GUID($0) }?.value
        return (ClientAddress.from(headers: request.headers), request.headers[.userAgent].map { String($0.prefix(512)) },
                invocation ?? UUID().uuidString.lowercased())
    }

    /// The 200 body of an issuance. The one place a TAP leaves the process; `Cache-Control:
    /// no-store` keeps it out of every cache.
    public static func issued(_ result: IssuanceResult, displayTimeoutSeconds: Int, includeTarget: Bool) throws -> Response {
        let tap = result.tap
        let body = IssuedBody(
            temporaryAccessPass: tap.secret ?? "", lifetimeInMinutes: tap.lifetimeInMinutes, isUsableOnce: tap.isUsableOnce,
            displayTimeoutSeconds: displayTimeoutSeconds, createdDateTime: tap.createdDateTime,
            startDateTime: tap.startDateTime ?? tap.createdDateTime, expiresDateTime: tap.expiresDateTime,
            targetUser: includeTarget ? TargetBody(id: result.target.id.value, upn: result.target.userPrincipalName, displayName: result.target.displayName) : nil,
            notificationSent: includeTarget ? result.notificationSent : nil)
        return try JSONResponse.make(body, headers: [.cacheControl: "no-store"])
    }

    /// `{"tap": null}` or the TAP's state, never its secret.
    public static func status(_ tap: TemporaryAccessPass?) throws -> Response {
        let body = StatusBody(tap: tap.map {
            TapStateBody(id: $0.id, createdDateTime: $0.createdDateTime, startDateTime: $0.startDateTime, lifetimeInMinutes: $0.lifetimeInMinutes,
                         isUsableOnce: $0.isUsableOnce, isUsable: $0.isUsable, methodUsabilityReason: $0.methodUsabilityReason)
        })
        return try JSONResponse.make(body, headers: [.cacheControl: "no-store"])
    }

    public static func noContent() -> Response {
        Response(status: .noContent, headers: [.cacheControl: "no-store"])
    }

    struct IssuedBody: Encodable {
        var temporaryAccessPass: String
        var lifetimeInMinutes: Int?
        var isUsableOnce: Bool?
        var displayTimeoutSeconds: Int
        var createdDateTime: String?
        var startDateTime: String?
        var expiresDateTime: String?
        var targetUser: TargetBody?
        var notificationSent: Bool?
    }

    struct TargetBody: Encodable {
        var id: String
        var upn: String
        var displayName: String?
    }

    struct StatusBody: Encodable {
        var tap: TapStateBody?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            // `{"tap": null}` as SPEC 6.2 writes it, not an absent key.
            try container.encode(tap, forKey: .tap)
        }

        enum CodingKeys: String, CodingKey { case tap }
    }

    struct TapStateBody: Encodable {
        var id: String
        var createdDateTime: String?
        var startDateTime: String?
        var lifetimeInMinutes: Int?
        var isUsableOnce: Bool?
        var isUsable: Bool?
        var methodUsabilityReason: String?
    }
}

extension TapRoutes {
    /// Records the refusal of an issuing or revoking request before the flow ran, then throws it.
    public static func deny(_ error: EphemError, detail: String, request: Request, caller: Caller, targetText: String?, issuer: TapIssuer) async throws -> Never {
        let facts = auditFacts(request)
        await issuer.recordDenial(caller: caller, targetText: targetText, detail: detail, clientIp: facts.clientIp,
                                  userAgent: facts.userAgent, correlationId: facts.correlationId)
        throw error
    }

    /// The body of an issuing or revoking request, at most 16 KiB however it is framed; over that,
    /// 413 `payload_too_large` with its audit row (issue 13, finding 3). Routes that take no body
    /// call it too, so an oversize one is refused and recorded the same way.
    public static func readBody(_ request: Request, caller: Caller, targetText: String?, issuer: TapIssuer) async throws -> ByteBuffer {
        do {
            return try await request.collectBody()
        } catch EphemError.payloadTooLarge {
            try await deny(.payloadTooLarge, detail: "payload_too_large", request: request, caller: caller, targetText: targetText, issuer: issuer)
        }
    }

    /// The `{userId}` of a helpdesk route: an object id, or 400 `invalid_user_id` (a UPN is never
    /// resolved here: the guard only ever sees object ids).
    public static func userId(_ context: EphemRequestContext) -> (GUID?, String?) {
        let text = context.parameters.get("userId")
        return (text.flatMap { GUID($0) }, text)
    }
}
