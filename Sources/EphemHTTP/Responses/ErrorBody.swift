/// `{"error": "<human sentence>", "code": "<machine code>", "reason"?: "…", "requestId"?: "…"}`
/// (SPEC 6; `requestId` is Graph's `request-id` on `upstream_refused`, SPEC 6.4).
struct ErrorBody: Encodable, Equatable {
    var error: String
    var code: String
    var reason: String?
    var requestId: String?

    init(error: String, code: String, reason: String? = nil, requestId: String? = nil) {
        self.error = error
        self.code = code
        self.reason = reason
        self.requestId = requestId
    }
}
