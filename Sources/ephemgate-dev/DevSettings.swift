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

    static let identityHeader = "ephemgate-dev"

    static func common(tenant: String, tenantId: String, tablePort: Int) -> [String: String] {
        [
            "ENTRA_TENANT_ID": tenantId,
            "ENTRA_AUTHORITY_HOST": tenant,
            "GRAPH_ENDPOINT": tenant,
            "TABLE_ENDPOINT": "http://127.0.0.1:\(tablePort)/devstoreaccount1",
            "IDENTITY_ENDPOINT": "\(tenant)/msi/token",
            "IDENTITY_HEADER": identityHeader,
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
