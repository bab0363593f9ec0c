/// Which Function App a handler is. The raw value is persisted in audit rows (`Portal` column)
/// and appears in the API (`/api/health`, `/api/config`): never rename it.
public enum Portal: String, Sendable, CaseIterable, Codable {
    case selfService = "selfservice"
    case helpdesk = "helpdesk"
}
