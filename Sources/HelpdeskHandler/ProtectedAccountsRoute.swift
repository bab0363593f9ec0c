#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import EphemCore
import EphemHTTP
import Hummingbird
import HTTPTypes

/// `GET /api/protected-accounts` (SPEC 6.3, 7.7; TapAdmin or TapViewer): every account the guard
/// refuses, why, and whether the tenant's TAP policy still includes it, plus the policy's state,
/// scope and bounds. Query: `top` (1–1000, default 100) and `continuationToken` (opaque, from the
/// previous page), or `format=csv` for every account at once (`text/csv`, one row per account,
/// reasons joined by `; `). The report is computed once and kept for `cacheSeconds` per process,
/// so paging through it does not read the tenant again; a token names its offset and is validated.
enum ProtectedAccountsRoute {
    static let cacheSeconds: TimeInterval = 60

    actor Cache {
        var computed: (at: Date, result: ProtectedAccountsReport.Result)?
        var inFlight: Task<ProtectedAccountsReport.Result, any Error>?

        func result(_ report: ProtectedAccountsReport) async throws -> ProtectedAccountsReport.Result {
            if let computed, Date().timeIntervalSince(computed.at) < ProtectedAccountsRoute.cacheSeconds { return computed.result }
            if let inFlight { return try await inFlight.value }
            let task = Task { () throws -> ProtectedAccountsReport.Result in
                do throws(EphemError) { return try await report.run() } catch { throw error }
            }
            inFlight = task
            defer { inFlight = nil }
            let result = try await task.value
            computed = (Date(), result)
            return result
        }
    }

    static func make(_ dependencies: HandlerDependencies) -> FunctionRoute {
        let settings = dependencies.settings
        let report = ProtectedAccountsReport(graph: dependencies.graph,
                                             roles: ProtectedRoles.Rule(issuable: settings.issuableRoleIds, privileged: settings.privilegedRoleIds),
                                             blockedGroups: settings.blockedGroupIds)
        let cache = Cache()
        return FunctionRoute(.get, "api/protected-accounts", access: .anyRole([AppRole.tapAdmin, AppRole.tapViewer])) { request, _ in
            var parameters: [String: String] = [:]
            for (key, value) in request.uri.queryParameters {
                guard parameters.updateValue(String(value), forKey: String(key)) == nil else {
                    throw EphemError.invalidQuery(message: "\(key) is given more than once.")
                }
            }
            let csv: Bool
            switch parameters["format"] {
            case nil, "json"?: csv = false
            case "csv"?: csv = true
            default: throw EphemError.invalidQuery(message: "format must be json or csv.")
            }
            var top = 100
            if let text = parameters["top"] {
                guard let value = Int(text), (1...1000).contains(value) else { throw EphemError.invalidQuery(message: "top must be a whole number from 1 to 1000.") }
                top = value
            }
            var offset = 0
            if let token = parameters["continuationToken"], !token.isEmpty {
                guard token.count <= 64, let bytes = Base64URL.decode(Substring(token)), let text = String(validating: bytes, as: UTF8.self),
                      text.hasPrefix("pa1|"), let value = Int(text.dropFirst(4)), value >= 0 else {
                    throw EphemError.invalidQuery(message: "continuationToken is not valid.")
                }
                offset = value
            }
            let result = try await cache.result(report)
            if csv { return csvResponse(result) }
            let accounts = result.accounts
            let page = accounts.dropFirst(offset).prefix(top)
            let nextOffset = offset + page.count
            let token = nextOffset < accounts.count ? Base64URL.encode(Array("pa1|\(nextOffset)".utf8)) : nil
            let body = Body(accounts: page.map(Item.init), total: accounts.count,
                            includedByTapPolicy: accounts.filter(\.includedByTapPolicy).count,
                            policy: PolicyBody(result.policy, names: result.policyGroupNames),
                            advice: "Exclude these accounts from the Temporary Access Pass policy (excludeTargets) or place them in a restricted-management administrative unit: an administrator in the admin center could otherwise issue them a pass.",
                            continuationToken: token)
            return try JSONResponse.make(body, headers: [.cacheControl: "no-store"])
        }
    }

    struct Item: Encodable {
        var id: String
        var userPrincipalName: String?
        var displayName: String?
        var reasons: [String]
        var includedByTapPolicy: Bool

        init(_ account: ProtectedAccountsReport.Account) {
            id = account.id
            userPrincipalName = account.userPrincipalName
            displayName = account.displayName
            reasons = account.reasons
            includedByTapPolicy = account.includedByTapPolicy
        }
    }

    struct Target: Encodable {
        var id: String
        var displayName: String?
    }

    struct PolicyBody: Encodable {
        var state: String
        var includeTargets: [Target]
        var excludeTargets: [Target]
        var minimumLifetimeInMinutes: Int
        var maximumLifetimeInMinutes: Int
        var defaultLifetimeInMinutes: Int
        var isUsableOnce: Bool

        init(_ policy: TapPolicy, names: [String: String]) {
            state = policy.enabled ? "enabled" : "disabled"
            includeTargets = policy.includeTargets.map { Target(id: $0, displayName: $0 == "all_users" ? "All users" : names[$0]) }
            excludeTargets = policy.excludeTargets.map { Target(id: $0, displayName: names[$0]) }
            minimumLifetimeInMinutes = policy.minimumLifetimeInMinutes
            maximumLifetimeInMinutes = policy.maximumLifetimeInMinutes
            defaultLifetimeInMinutes = policy.defaultLifetimeInMinutes
            isUsableOnce = policy.isUsableOnce
        }
    }

    struct Body: Encodable {
        var accounts: [Item]
        var total: Int
        var includedByTapPolicy: Int
        var policy: PolicyBody
        var advice: String
        var continuationToken: String?
    }

    /// Every account as CSV (RFC 4180 quoting; a cell starting with `= + - @` gets a leading `'`
    /// so a spreadsheet does not run it as a formula).
    static func csvResponse(_ result: ProtectedAccountsReport.Result) -> Response {
        func cell(_ text: String) -> String {
            var value = text
            if let first = value.first, "=+-@\t\r".contains(first) { value = "'" + value }
            return "\"" + value.replacing("\"", with: "\"\"") + "\""
        }
        var lines = ["id,userPrincipalName,displayName,includedByTapPolicy,reasons"]
        for account in result.accounts {
            lines.append([cell(account.id), cell(account.userPrincipalName ?? ""), cell(account.displayName ?? ""),
                          account.includedByTapPolicy ? "true" : "false", cell(account.reasons.joined(separator: "; "))].joined(separator: ","))
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"protected-accounts.csv\""
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: lines.joined(separator: "\r\n") + "\r\n")))
    }
}
