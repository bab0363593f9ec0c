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
        if let agent { clauses.append("(AgentUPN eq \(ODataLiteral.string(agent)) or AgentId eq \(ODataLiteral.string(agent)))") }
        if let handover { clauses.append("HandoverId eq \(ODataLiteral.string(handover))") }
        if let target { clauses.append("(TargetUPN eq \(ODataLiteral.string(target)) or TargetId eq \(ODataLiteral.string(target)))") }
        return clauses.joined(separator: " and ")
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
