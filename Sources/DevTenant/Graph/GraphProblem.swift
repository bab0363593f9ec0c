/// A failed Graph request: status, Graph's `code` and its message (graph-contracts.md section 7).
/// Directory APIs use `Request_*` codes, the authentication-methods APIs lowercase `badRequest` /
/// `itemNotFound`, Exchange (`sendMail`) `Error*` codes, PIM `BadRequest`. Named so as not to
/// clash with EphemCore's client-side `GraphError`.
struct GraphProblem: Error, Equatable {
    var status: Int
    var code: String
    var message: String

    // MARK: directory (AAD) codes

    static func resourceNotFound(_ id: String) -> GraphProblem {
        GraphProblem(status: 404, code: "Request_ResourceNotFound",
                     message: "Resource '\(id)' does not exist or one of its queried reference-property objects are not present.")
    }

    static func badRequest(_ message: String) -> GraphProblem {
        GraphProblem(status: 400, code: "Request_BadRequest", message: message)
    }

    static func unsupportedQuery(_ message: String) -> GraphProblem {
        GraphProblem(status: 400, code: "Request_UnsupportedQuery", message: message)
    }

    /// `$filter`, `$orderby`, `$search` and `$count` beyond the basic query (reference 3, 4.4).
    static let advancedQueryRequired = unsupportedQuery(
        "This query is an advanced query: it requires the header 'ConsistencyLevel: eventual' and the query parameter '$count=true'.")

    static func unsupportedFilterProperty(_ property: String, resource: String) -> GraphProblem {
        unsupportedQuery("Unsupported or invalid query filter clause specified for property '\(property)' of resource '\(resource)'.")
    }

    static func unknownProperty(_ property: String, type: String) -> GraphProblem {
        badRequest("Could not find a property named '\(property)' on type 'microsoft.graph.\(type)'.")
    }

    static func unsupported(method: String, path: String) -> GraphProblem {
        badRequest("Unsupported in the dev tenant: \(method) \(path)")
    }

    // MARK: authentication

    static func invalidToken(_ message: String) -> GraphProblem {
        GraphProblem(status: 401, code: "InvalidAuthenticationToken", message: message)
    }

    // MARK: authentication-methods codes (reference 1)

    static func methodBadRequest(_ message: String) -> GraphProblem {
        GraphProblem(status: 400, code: "badRequest", message: message)
    }

    static let methodNotFound = GraphProblem(status: 404, code: "itemNotFound", message: "The requested authentication method was not found.")

    static let policyRefusal = methodBadRequest(
        "Failed to create the authentication method for this user. Converged UserCredentialPolicy does not allow creating or updating this authentication method. AuthMethodType [TemporaryAccessPass].")

    static let externalGuest = methodBadRequest("Temporary Access Pass cannot be added to an external guest user.")

    static func invalidLifetime(min: Int, max: Int) -> GraphProblem {
        methodBadRequest("Invalid LifetimeInMinutes specified. The valid range between \(min) and \(max).")
    }

    // MARK: PIM

    static func pimBadRequest(_ message: String) -> GraphProblem {
        GraphProblem(status: 400, code: "BadRequest", message: message)
    }

    // MARK: faults

    /// What `/dev/faults` answers for target `graph` with a status (reference 7: 429 throttling,
    /// 503 with `Retry-After`, 504 next to 503).
    static func injected(status: Int) -> GraphProblem {
        switch status {
        case 400: badRequest("Injected failure.")
        case 401: invalidToken("Access token validation failure.")
        case 403: GraphProblem(status: 403, code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation.")
        case 404: resourceNotFound("injected")
        case 429: GraphProblem(status: 429, code: "TooManyRequests", message: "Please retry again later.")
        case 503: GraphProblem(status: 503, code: "serviceNotAvailable", message: "The service is temporarily unavailable.")
        case 504: GraphProblem(status: 504, code: "UnknownError", message: "The gateway timed out.")
        default: GraphProblem(status: status, code: "generalException", message: "General exception while processing.")
        }
    }
}
