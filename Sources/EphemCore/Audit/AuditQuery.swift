#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `GET /api/audit-log` (SPEC 6.3): newest first over the last `days` days of one or both portals'
/// tables, filtered by the Table service itself, paged with an opaque `continuationToken`.
///
/// Table Storage returns a table in ascending PartitionKey (day) order, so each day partition is
/// read on its own, newest day first; within a day RowKeys already sort newest first. Each table
/// has a cursor (day, last RowKey returned); a page takes the newest `top` rows of all tables'
/// next rows. The whole position lives in the token, so no instance keeps state and nothing is
/// loaded beyond one page per table.
public struct AuditQuery: Sendable, Equatable {
    public var days: Int
    public var portals: [Portal]
    public var action: AuditAction?
    public var agent: String?
    public var target: String?
    /// Exact ticket id (issue 14).
    public var ticketId: String?
    public var top: Int
    public var continuationToken: String?
    /// SPEC 7.6: only the rows of this handover (exact id).
    public var handover: String?

    public init(days: Int = 7, portals: [Portal] = Portal.allCases, action: AuditAction? = nil, agent: String? = nil,
                target: String? = nil, top: Int = 50, continuationToken: String? = nil) {
        self.days = days
        self.portals = portals
        self.action = action
        self.agent = agent
        self.target = target
        self.top = top
        self.continuationToken = continuationToken
    }

    /// The server-side filter for one day partition after a RowKey.
    func filter(day: String, after: String?) -> String {
        var clauses = ["PartitionKey eq \(ODataLiteral.string(day))"]
        if let after { clauses.append("RowKey gt \(ODataLiteral.string(after))") }
        if let action { clauses.append("Action eq \(ODataLiteral.string(action.rawValue))") }
        if let agent { clauses.append(Self.person(agent, prefix: "Agent")) }
        if let target { clauses.append(Self.person(target, prefix: "Target")) }
        if let ticketId { clauses.append("TicketId eq \(ODataLiteral.string(ticketId))") }
        if let handover { clauses.append("HandoverId eq \(ODataLiteral.string(handover))") }
        return clauses.joined(separator: " and ")
    }

    /// Agent or target filter (issue 14): the exact id or UPN as before, or a case-insensitive
    /// prefix of the UPN or display name, evaluated by the Table service as ranges
    /// `column ge 'p' and column lt 'p⁺'` (p⁺: the prefix with its last character incremented)
    /// over the lower-cased columns. Rows written before those columns existed are still found by
    /// their exact id or UPN, and by a prefix of their UPN as stored (UPNs are usually stored
    /// lower-case, so the lower-cased prefix is tried against `…UPN` too); only a display-name
    /// prefix cannot reach them, since they hold no name.
    static func person(_ text: String, prefix column: String) -> String {
        let lower = text.lowercased()
        var alternatives = ["\(column)Id eq \(ODataLiteral.string(text))", "\(column)UPN eq \(ODataLiteral.string(text))"]
        if let upper = successor(lower) {
            for name in ["\(column)UPN", "\(column)UPNLower", "\(column)NameLower"] {
                alternatives.append("(\(name) ge \(ODataLiteral.string(lower)) and \(name) lt \(ODataLiteral.string(upper)))")
            }
        }
        return "(" + alternatives.joined(separator: " or ") + ")"
    }

    /// The smallest string above every string starting with `text`: its last scalar incremented
    /// (skipping the surrogate range); nil when there is none.
    static func successor(_ text: String) -> String? {
        var scalars = Array(text.unicodeScalars)
        while let last = scalars.popLast() {
            var next = last.value + 1
            if (0xD800...0xDFFF).contains(next) { next = 0xE000 }
            if let scalar = Unicode.Scalar(next) {
                scalars.append(scalar)
                var result = ""
                result.unicodeScalars.append(contentsOf: scalars)
                return result
            }
        }
        return nil
    }
}

/// Where one table's reading stands: the day partition and the last RowKey returned from it.
struct AuditCursor: Codable, Equatable {
    var table: String
    var day: String
    var after: String?
    var done: Bool
}

struct AuditContinuation: Codable, Equatable {
    var cursors: [AuditCursor]

    func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Base64URL.encode((try? encoder.encode(self)) ?? Data())
    }

    /// Decodes and checks a client-supplied token: known tables only, days inside the window,
    /// RowKeys of the audit format. Anything else is `invalid_query`.
    static func decode(_ token: String, tables: Set<String>, oldestDay: String, newestDay: String) throws(EphemError) -> AuditContinuation {
        guard token.count <= 4096, let bytes = Base64URL.decode(token),
              let value = try? JSONDecoder().decode(AuditContinuation.self, from: Data(bytes))
        else { throw .invalidQuery(message: "The continuationToken is not one this API issued.") }
        for cursor in value.cursors {
            let validAfter = cursor.after.map { $0.count <= 80 && TableKey.isValid($0) } ?? true
            guard tables.contains(cursor.table), cursor.day >= oldestDay, cursor.day <= newestDay, validAfter else {
                throw .invalidQuery(message: "The continuationToken does not fit this query.")
            }
        }
        return value
    }
}
