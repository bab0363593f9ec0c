import EphemCore

/// A JSON value written with its members in the order given, as Graph writes them
/// (`@odata.context` first, then the properties in the type's declared order).
indirect enum GraphJSON: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([GraphJSON])
    case object([(String, GraphJSON)])

    static func == (lhs: GraphJSON, rhs: GraphJSON) -> Bool { lhs.text == rhs.text }

    static func optional(_ text: String?) -> GraphJSON { text.map(GraphJSON.string) ?? .null }

    /// The compact JSON text.
    var text: String {
        var out = ""
        write(to: &out)
        return out
    }

    func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .string(let value): out += JSONText.quote(value)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { out += "," }
                out += JSONText.quote(member.0)
                out += ":"
                member.1.write(to: &out)
            }
            out += "}"
        }
    }

    /// The members of an object, or `nil`.
    var members: [(String, GraphJSON)]? { if case .object(let members) = self { members } else { nil } }

    /// A copy of an object with `member` inserted first.
    func inserting(_ name: String, _ value: GraphJSON) -> GraphJSON {
        guard var members else { return self }
        members.insert((name, value), at: 0)
        return .object(members)
    }
}
