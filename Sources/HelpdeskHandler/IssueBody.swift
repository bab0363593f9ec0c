import EphemCore
import NIOCore

/// The optional body of `PUT /api/generate-tap/{userId}` (SPEC 6.3): `{"reason"?: string ≤ 500,
/// "ticketId"?: string ≤ 64, "lifetimeInMinutes"?: whole number 10–43200, "startDateTime"?: UTC ISO
/// 8601 (ends in `Z`), "isUsableOnce"?: bool}`. Empty means none. Anything else (another member, a
/// wrong type, duplicate members, control characters) is 400 `invalid_request`: the audit row stores
/// these values, so they are kept to what the contract allows. Whether the options lie within the
/// policy and the settings is `IssuanceOptions.check`'s job.
struct IssueBody: Equatable {
    var reason: String?
    var ticketId: String?
    var options = IssuanceOptions()
    static let members: Set<String> = ["reason", "ticketId", "lifetimeInMinutes", "startDateTime", "isUsableOnce"]

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
        if let unknown = members.keys.sorted().first(where: { !Self.members.contains($0) }) {
            throw .invalidRequest(message: "Unknown field \"\(unknown.prefix(40))\": only reason, ticketId, lifetimeInMinutes, startDateTime and isUsableOnce are accepted.")
        }
        var body = IssueBody()
        body.reason = try text(members["reason"], name: "reason", max: 500, allowLineBreaks: true)
        body.ticketId = try text(members["ticketId"], name: "ticketId", max: 64, allowLineBreaks: false)
        switch members["lifetimeInMinutes"] {
        case nil, .null?: break
        case .number(let value)?:
            guard value.rounded() == value, value >= 10, value <= 43200 else {
                throw .invalidRequest(message: "lifetimeInMinutes must be a whole number from 10 to 43200.")
            }
            body.options.lifetimeInMinutes = Int(value)
        default: throw .invalidRequest(message: "lifetimeInMinutes must be a whole number from 10 to 43200.")
        }
        switch members["isUsableOnce"] {
        case nil, .null?: break
        case .bool(let value)?: body.options.isUsableOnce = value
        default: throw .invalidRequest(message: "isUsableOnce must be true or false.")
        }
        switch members["startDateTime"] {
        case nil, .null?: break
        case .string(let text)? where text.count <= 40 && text.hasSuffix("Z"):
            guard let date = GraphDate.parse(text) else { throw .invalidRequest(message: "startDateTime must be a UTC ISO 8601 time, e.g. 2026-01-05T08:00:00Z.") }
            body.options.startDateTime = date
        default: throw .invalidRequest(message: "startDateTime must be a UTC ISO 8601 time, e.g. 2026-01-05T08:00:00Z.")
        }
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
