/// Which simulated service a request is for; faults and the request log are per target.
public enum UpstreamTarget: String, Sendable, Codable {
    case graph, table, identity, entra

    /// Classifies a dev tenant path; `nil` for the dev tenant's own `/dev/...` and `/` pages.
    static func classify(path: String, tenantId: String) -> UpstreamTarget? {
        if path.hasPrefix("/msi/") { return .identity }
        if path.hasPrefix("/v1.0/") || path.hasPrefix("/beta/") { return .graph }
        if path.hasPrefix("/devstoreaccount1") { return .table }
        if path.hasPrefix("/\(tenantId)/") { return .entra }
        return nil
    }
}
