import EphemCore
import EphemHTTP
import Hummingbird

/// `GET /api/audit-log` (SPEC 6.3): TapAdmin or TapViewer; newest first, filtered and paged by
/// the Table service (`AuditReader`), never by loading days of rows here.
enum AuditLogRoute {
    static func make(_ dependencies: HandlerDependencies) -> FunctionRoute {
        let reader = AuditReader(client: dependencies.tables)
        return FunctionRoute(.get, "api/audit-log", access: .anyRole([AppRole.tapAdmin, AppRole.tapViewer])) { request, _ in
            var parameters: [String: String] = [:]
            for (key, value) in try FormQuery.parse(request.uri.query) {
                guard parameters.updateValue(value, forKey: key) == nil else {
                    throw EphemError.invalidQuery(message: "\(key) is given more than once.")
                }
            }
            let query = try parse(parameters)
            let page = try await reader.page(query)
            return try JSONResponse.make(AuditLogBody(entries: page.entries, days: query.days, continuationToken: page.continuationToken))
        }
    }

    struct AuditLogBody: Encodable {
        var entries: [AuditEntry]
        var days: Int
        var continuationToken: String?
    }

    static func parse(_ parameters: [String: String]) throws(EphemError) -> AuditQuery {
        func value(_ name: String) -> String? {
            guard let raw = parameters[name], !raw.isEmpty else { return nil }
            return raw
        }
        func number(_ name: String, _ range: ClosedRange<Int>, default defaultValue: Int) throws(EphemError) -> Int {
            guard let text = value(name) else { return defaultValue }
            guard let number = Int(text), range.contains(number) else {
                throw .invalidQuery(message: "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound).")
            }
            return number
        }
        func text(_ name: String, max: Int) throws(EphemError) -> String? {
            guard let text = value(name) else { return nil }
            guard text.count <= max, !text.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
                throw .invalidQuery(message: "\(name) must be at most \(max) characters.")
            }
            return text
        }
        var query = AuditQuery()
        query.days = try number("days", 1...90, default: 7)
        query.top = try number("top", 1...200, default: 50)
        if let portal = value("portal") {
            guard let parsed = Portal(rawValue: portal) else { throw .invalidQuery(message: "portal must be selfservice or helpdesk.") }
            query.portals = [parsed]
        }
        if let action = value("action") {
            guard let parsed = AuditAction(rawValue: action.uppercased()) else {
                throw .invalidQuery(message: "action must be one of \(AuditAction.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            query.action = parsed
        }
        query.agent = try text("agent", max: 256)
        query.target = try text("target", max: 256)
        query.ticketId = try text("ticketId", max: 64)
        query.handover = try text("handover", max: 64)
        query.continuationToken = try text("continuationToken", max: 4096)
        return query
    }
}
