import DevTenant

/// The app settings `ephemgate-dev` gives each handler: the dev tenant stands in for Entra, Graph
/// and the managed-identity endpoint; `--setting` and friends override any of them.
enum DevSettings {
    struct App {
        var name: String
        var binary: String
        var clientId: String
    }

    static let apps = [
        App(name: "selfservice", binary: "SelfServiceHandler", clientId: DevTenantOptions.selfServiceClientId),
        App(name: "helpdesk", binary: "HelpdeskHandler", clientId: DevTenantOptions.helpdeskClientId),
    ]

    /// Each app's `IDENTITY_HEADER`: its own value, so the dev tenant's `/msi/token` knows which
    /// app's managed identity (and so which Graph grants) a request is for.
    static func identityHeader(_ app: String) -> String { "ephemgate-dev-\(app)" }

    /// The switches of `infra/graph-permissions.json` an app's settings turn on:
    /// `notificationSender` with `NOTIFICATION_SENDER`, `outOfBandDetection` with
    /// `OUT_OF_BAND_DETECTION=true`.
    static func grantConditions(_ settings: [String: String]) -> Set<String> {
        var on: Set<String> = []
        if let sender = settings["NOTIFICATION_SENDER"], !sender.isEmpty { on.insert("notificationSender") }
        if settings["OUT_OF_BAND_DETECTION"]?.lowercased() == "true" { on.insert("outOfBandDetection") }
        return on
    }

    static func common(tenant: String, tenantId: String, tablePort: Int) -> [String: String] {
        [
            "ENTRA_TENANT_ID": tenantId,
            "ENTRA_AUTHORITY_HOST": tenant,
            "GRAPH_ENDPOINT": tenant,
            "TABLE_ENDPOINT": "http://127.0.0.1:\(tablePort)/devstoreaccount1",
            "IDENTITY_ENDPOINT": "\(tenant)/msi/token",
        ]
    }

    static func parse(_ pairs: [String]) -> [String: String] {
        var result: [String: String] = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            result[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        return result
    }
}
