/// `{"error": "<human sentence>", "code": "<machine code>", "reason"?: "…"}` (SPEC 6).
struct ErrorBody: Encodable, Equatable {
    var error: String
    var code: String
    var reason: String?
}
