/// Authentication methods, Temporary Access Passes, the TAP policy and mail (reference 1, 2, 6).
extension GraphClient {
    static func tapPath(_ user: GUID) -> String { "/v1.0/users/\(user.value)/authentication/temporaryAccessPassMethods" }

    public func authenticationMethods(user: GUID) async throws(GraphError) -> [AuthenticationMethodSummary] {
        // The list takes no OData options (reference 2) and is small; it does not page in practice,
        // but a nextLink would still be followed.
        let items = try await collection("/v1.0/users/\(user.value)/authentication/methods")
        return items.compactMap(AuthenticationMethodSummary.init(json:))
    }

    /// The user's TAP methods (at most one; the secret is always null here).
    public func temporaryAccessPasses(user: GUID) async throws(GraphError) -> [TemporaryAccessPass] {
        let items = try await collection(Self.tapPath(user))
        return items.compactMap(TemporaryAccessPass.init(json:))
    }

    /// Creates a TAP, usable at once, sent at most once (see `createTemporaryAccessPassOnce`), for
    /// callers that only need "created or not": a refusal is `.refused`, a 404 `.notFound`, a lost
    /// answer or a pass without its secret `.unavailable`.
    public func createTemporaryAccessPass(user: GUID, lifetimeInMinutes: Int, isUsableOnce: Bool) async throws(GraphError) -> TemporaryAccessPass {
        switch await createTemporaryAccessPassOnce(user: user, lifetimeInMinutes: lifetimeInMinutes, isUsableOnce: isUsableOnce) {
        case .created(let tap, _):
            guard tap.secret != nil else { throw .unavailable(detail: "TAP created without its secret") }
            return tap
        case .refused(let status, let code, let message, _): throw .refused(status: status, code: code, message: message)
        case .notFound: throw .notFound(code: "itemNotFound")
        case .lost(let detail), .notSent(let detail): throw .unavailable(detail: detail)
        }
    }

    public func deleteTemporaryAccessPass(user: GUID, methodId: String) async throws(GraphError) {
        _ = try await call("DELETE", Self.tapPath(user) + "/" + URLQuery.encode(methodId))
    }

    /// The tenant's TAP policy (reference 1.5).
    public func temporaryAccessPassPolicy() async throws(GraphError) -> TapPolicy {
        let reply = try await call("GET", "/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass")
        guard let json = reply.json, let policy = TapPolicy(json: json) else { throw .unavailable(detail: "unreadable TAP policy") }
        return policy
    }

    /// A UPN or id as one path segment: percent-encoded, `@` kept as Graph's own examples write it.
    static func pathSegment(_ text: String) -> String {
        text.split(separator: "@", omittingEmptySubsequences: false).map { URLQuery.encode(String($0)) }.joined(separator: "@")
    }

    /// Sends a plain-text mail from `sender` (reference 6: 202, not stored in Sent Items), at most
    /// once (SPEC 7.5): never re-sent after a 5xx or a lost answer, so a user never gets the same
    /// notice twice; only a 429 (Graph did not act) is retried. Anything but a 2xx throws.
    public func sendMail(from sender: String, to recipient: String, subject: String, text: String) async throws(GraphError) {
        let message = JSONValue.object([
            "subject": .string(subject),
            "body": .object(["contentType": .string("Text"), "content": .string(text)]),
            "toRecipients": .array([.object(["emailAddress": .object(["address": .string(recipient)])])]),
        ])
        switch await sendOnce("POST", "/v1.0/users/\(Self.pathSegment(sender))/sendMail", body: .object(["message": message, "saveToSentItems": .bool(false)])) {
        case .answered(let status, _, _) where (200..<300).contains(status): return
        case .answered(404, let json, _): throw .notFound(code: Self.errorCode(json) ?? "notFound")
        case .answered(let status, let json, _):
            throw .refused(status: status, code: Self.errorCode(json) ?? "unknown", message: json?["error"]?["message"]?.stringValue ?? "")
        case .lost(let detail), .notSent(let detail): throw .unavailable(detail: detail)
        }
    }
}
