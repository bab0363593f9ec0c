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

    /// Creates a TAP, usable at once. Graph replaces an existing one silently (reference 1.2), so
    /// callers check for an active TAP first, under the target lock.
    public func createTemporaryAccessPass(user: GUID, lifetimeInMinutes: Int, isUsableOnce: Bool) async throws(GraphError) -> TemporaryAccessPass {
        let body = JSONValue.object(["lifetimeInMinutes": .number(Double(lifetimeInMinutes)), "isUsableOnce": .bool(isUsableOnce)])
        let reply = try await call("POST", Self.tapPath(user), body: body)
        guard let json = reply.json, let tap = TemporaryAccessPass(json: json), tap.secret != nil else {
            throw .unavailable(detail: "TAP created without a readable answer")
        }
        return tap
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

    /// Sends a plain-text mail from `sender` (reference 6: 202, not stored in Sent Items). Not retried
    /// after a lost answer, so a user never gets the same notice twice.
    public func sendMail(from sender: String, to recipient: String, subject: String, text: String) async throws(GraphError) {
        let message = JSONValue.object([
            "subject": .string(subject),
            "body": .object(["contentType": .string("Text"), "content": .string(text)]),
            "toRecipients": .array([.object(["emailAddress": .object(["address": .string(recipient)])])]),
        ])
        _ = try await call("POST", "/v1.0/users/\(Self.pathSegment(sender))/sendMail",
                           body: .object(["message": message, "saveToSentItems": .bool(false)]), retryOnTransport: false)
    }
}
