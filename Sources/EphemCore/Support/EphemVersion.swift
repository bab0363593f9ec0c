/// The version reported by `/api/health`.
public enum EphemVersion {
    public static let current = "0.1.0"
}
