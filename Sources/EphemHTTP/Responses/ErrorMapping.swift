#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import EphemCore
public import Hummingbird
import HTTPTypes

/// The one place where errors become responses (SPEC 6.4). Every `EphemError` case has a fixed
/// status, code and sentence; any other error is an opaque 500 whose detail only reaches the log.
public struct ErrorMapping: Sendable {
    public var authority: String
    public var clientId: String

    public init(authority: String, clientId: String) {
        self.authority = authority
        self.clientId = clientId
    }

    public func response(for error: EphemError) -> Response {
        let (status, body, headers) = parts(for: error)
        return (try? JSONResponse.make(status: status, body, headers: headers))
            ?? Response(status: .internalServerError)
    }

    func parts(for error: EphemError) -> (HTTPResponse.Status, ErrorBody, HTTPFields) {
        var headers = HTTPFields()
        switch error {
        case .invalidRequest(let message):
            return (.badRequest, ErrorBody(error: message, code: "invalid_request"), headers)
        case .invalidUserId:
            return (.badRequest, ErrorBody(error: "The user id must be an Entra object id (a GUID).", code: "invalid_user_id"), headers)
        case .invalidQuery(let message):
            return (.badRequest, ErrorBody(error: message, code: "invalid_query"), headers)
        case .targetNotEligible(let reason):
            return (.badRequest, ErrorBody(error: "This account cannot receive a Temporary Access Pass.", code: "target_not_eligible", reason: reason), headers)
        case .invalidToken:
            headers[.wwwAuthenticate] = #"Bearer realm="", authorization_uri="\#(authority)/oauth2/v2.0/authorize", client_id="\#(clientId)", error="invalid_token", error_description="The access token is missing or not valid for this API.""#
            return (.unauthorized, ErrorBody(error: "Sign in again: your access token is missing, expired or not valid for this app.", code: "invalid_token"), headers)
        case .authContextRequired(let contextId):
            headers[.wwwAuthenticate] = Self.claimsChallenge(contextId: contextId, authority: authority, clientId: clientId)
            return (.unauthorized, ErrorBody(error: "This action needs a stronger sign-in. Sign in again to continue.", code: "auth_context_required"), headers)
        case .missingRole:
            return (.forbidden, ErrorBody(error: "Your account does not have the app role this action needs.", code: "missing_role"), headers)
        case .selfTarget:
            return (.forbidden, ErrorBody(error: "Helpdesk agents cannot issue a Temporary Access Pass for their own account; use the self-service portal.", code: "self_target"), headers)
        case .targetPrivileged:
            return (.forbidden, ErrorBody(error: "This account is protected: a Temporary Access Pass cannot be issued for it here.", code: "target_privileged"), headers)
        case .userNotFound:
            return (.notFound, ErrorBody(error: "No user with this id exists in the directory.", code: "user_not_found"), headers)
        case .noActiveTap:
            return (.notFound, ErrorBody(error: "There is no active Temporary Access Pass to revoke.", code: "no_active_tap"), headers)
        case .payloadTooLarge:
            return (.contentTooLarge, ErrorBody(error: "The request body is larger than 16 KiB.", code: "payload_too_large"), headers)
        case .rateLimited(let seconds):
            headers[.retryAfter] = String(max(1, seconds))
            return (.tooManyRequests, ErrorBody(error: "Too many Temporary Access Passes were issued recently. Try again in \(Self.minutes(seconds)).", code: "rate_limited"), headers)
        case .tapActive:
            return (.tooManyRequests, ErrorBody(error: "This account already has an active Temporary Access Pass. Revoke it first or wait until it expires.", code: "tap_active"), headers)
        case .upstreamUnavailable:
            headers[.retryAfter] = "5"
            return (.serviceUnavailable, ErrorBody(error: "A Microsoft service did not answer in time. Nothing was issued; try again shortly.", code: "upstream_unavailable"), headers)
        case .upstreamRefused(let requestId, _):
            return (.badGateway, ErrorBody(error: "Microsoft Graph refused to create the Temporary Access Pass. Nothing usable was issued.", code: "upstream_refused", requestId: requestId), headers)
        case .outcomeUnknown:
            return (.serviceUnavailable, ErrorBody(error: "The answer to this issuance was lost: it is not known whether a Temporary Access Pass was created. Check the user's TAP status before trying again.", code: "outcome_unknown"), headers)
        case .issuanceInProgress(let seconds):
            headers[.retryAfter] = String(max(1, seconds))
            return (.tooManyRequests, ErrorBody(error: "Another issuance for this user is in progress or was interrupted. Try again in \(Self.minutes(seconds)).", code: "issuance_in_progress"), headers)
        case .handover(let refusal):
            return (Self.status(refusal), ErrorBody(error: Self.sentence(refusal), code: refusal.rawValue), headers)
        case .notFound:
            return (.notFound, ErrorBody(error: "There is nothing at this address.", code: "not_found"), headers)
        case .methodNotAllowed:
            return (.methodNotAllowed, ErrorBody(error: "This method is not allowed here.", code: "method_not_allowed"), headers)
        }
    }

    /// The opaque answer for an error we did not expect.
    public func internalError() -> Response {
        let body = ErrorBody(error: "Something went wrong on our side. Nothing was issued.", code: "internal_error")
        return (try? JSONResponse.make(status: .internalServerError, body)) ?? Response(status: .internalServerError)
    }

    /// The Conditional Access claims challenge of SPEC 6.4 / reference 9.1: every field in one
    /// `WWW-Authenticate` header, `claims` the base64 of the minified JSON.
    static func claimsChallenge(contextId: String, authority: String, clientId: String) -> String {
        let claims = #"{"access_token":{"acrs":{"essential":true,"value":"\#(contextId)"}}}"#
        let encoded = Data(claims.utf8).base64EncodedString()
        return #"Bearer realm="", authorization_uri="\#(authority)/oauth2/v2.0/authorize", client_id="\#(clientId)", error="insufficient_claims", claims="\#(encoded)""#
    }

    static func minutes(_ seconds: Int) -> String {
        let minutes = max(1, (seconds + 59) / 60)
        return minutes == 1 ? "1 minute" : "\(minutes) minutes"
    }
}
