import EphemCore
import NIOCore

/// The optional body of `PUT /api/generate-tap/{userId}` (SPEC 6.3): `{"reason"?: string ≤ 500,
/// "ticketId"?: string ≤ 64}`. Empty means neither. Anything else (another member, a wrong type,
/// duplicate members, control characters) is 400 `invalid_request`: the audit row stores these
/// values, so they are kept to what the contract allows.
struct IssueBody: Equatable {
    var reason: String?
    var ticketId: String?

    static func parse(_ buffer: ByteBuffer) throws(EphemError) -> IssueBody {
        let bytes = Array(buffer.readableBytesView)
        guard bytes.contains(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else { return IssueBody() }
        let json: JSONValue
        do {
            json = try StrictJSON.parse(bytes)
        } catch {
            throw .invalidRequest(message: "The body must be a JSON object.")
        }
        guard let members = json.objectValue else { throw .invalidRequest(message: "The body must be a JSON object.") }
        if let unknown = members.keys.sorted().first(where: { $0 != "reason" && $0 != "ticketId" }) {
            throw .invalidRequest(message: "Unknown field \"\(unknown.prefix(40))\": only reason and ticketId are accepted.")
        }
        var body = IssueBody()
        body.reason = try text(members["reason"], name: "reason", max: 500, allowLineBreaks: true)
        body.ticketId = try text(members["ticketId"], name: "ticketId", max: 64, allowLineBreaks: false)
        return body
    }

    static func text(_ value: JSONValue?, name: String, max: Int, allowLineBreaks: Bool) throws(EphemError) -> String? {
        guard let value, value != .null else { return nil }
        guard let text = value.stringValue else { throw .invalidRequest(message: "\(name) must be a string.") }
        guard text.count <= max else { throw .invalidRequest(message: "\(name) must be at most \(max) characters.") }
        let allowedControls: Set<UInt32> = allowLineBreaks ? [0x0A, 0x0D, 0x09] : []
        guard !text.unicodeScalars.contains(where: { $0.isControlCharacter && !allowedControls.contains($0.value) }) else {
            throw .invalidRequest(message: "\(name) must not contain control characters.")
        }
        let trimmed = text.trimmingASCIIWhitespace()
        return trimmed.isEmpty ? nil : String(trimmed)
    }
}
