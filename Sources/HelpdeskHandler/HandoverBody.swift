import EphemCore
import NIOCore

/// The body of `POST /api/handovers` (SPEC 6.3): `{"userId", "deliverTo": "manager"|"agent",
/// "reason"?: string ≤ 500, "ticketId"?: string ≤ 64, "lifetimeInMinutes"?: int}`, and of
/// `POST /api/handovers/{id}/reject`: `{"reason": string ≤ 500}` (required). Anything else is 400
/// `invalid_request` (`startDateTime` is not offered for handovers: the pass is created at pick-up).
enum HandoverBody {
    static func object(_ buffer: ByteBuffer) throws(EphemError) -> [String: JSONValue] {
        let json: JSONValue
        do {
            json = try StrictJSON.parse(Array(buffer.readableBytesView))
        } catch {
            throw .invalidRequest(message: "The body must be a JSON object.")
        }
        guard let members = json.objectValue else { throw .invalidRequest(message: "The body must be a JSON object.") }
        return members
    }

    static func parse(_ buffer: ByteBuffer) throws(EphemError) -> HandoverDesk.Order {
        let members = try object(buffer)
        let allowed: Set<String> = ["userId", "deliverTo", "reason", "ticketId", "lifetimeInMinutes"]
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw .invalidRequest(message: "Unknown field \"\(unknown.prefix(40))\": only userId, deliverTo, reason, ticketId and lifetimeInMinutes are accepted.")
        }
        guard let text = members["userId"]?.stringValue else { throw .invalidRequest(message: "userId (an object id) is required.") }
        guard let target = GUID(text) else { throw .invalidUserId }
        guard let deliverText = members["deliverTo"]?.stringValue, let deliverTo = Handover.Delivery(rawValue: deliverText) else {
            throw .invalidRequest(message: "deliverTo must be \"manager\" or \"agent\".")
        }
        var order = HandoverDesk.Order(target: target, deliverTo: deliverTo)
        order.reason = try IssueBody.text(members["reason"], name: "reason", max: 500, allowLineBreaks: true)
        order.ticketId = try IssueBody.text(members["ticketId"], name: "ticketId", max: 64, allowLineBreaks: false)
        if let lifetime = members["lifetimeInMinutes"], lifetime != .null {
            guard let number = lifetime.doubleValue, number == number.rounded(), (10...43200).contains(number) else {
                throw .invalidRequest(message: "lifetimeInMinutes must be a whole number from 10 to 43200 (and within the tenant's TAP policy).")
            }
            order.lifetimeMinutes = Int(number)
        }
        return order
    }

    static func rejection(_ buffer: ByteBuffer) throws(EphemError) -> String {
        let members = try object(buffer)
        if let unknown = members.keys.sorted().first(where: { $0 != "reason" }) {
            throw .invalidRequest(message: "Unknown field \"\(unknown.prefix(40))\": only reason is accepted.")
        }
        guard let reason = try IssueBody.text(members["reason"], name: "reason", max: 500, allowLineBreaks: true) else {
            throw .invalidRequest(message: "A rejection needs a reason.")
        }
        return reason
    }
}
