import EphemCore

/// Reads raw environment values and records one `SettingsError` per bad setting.
/// An empty value counts as unset, as the Azure portal cannot store an absent-but-empty setting.
struct SettingsReader {
    private let env: [String: String]
    private(set) var errors: [SettingsError] = []

    init(_ env: [String: String]) { self.env = env }

    mutating func fail(_ name: String, _ problem: String) {
        errors.append(SettingsError(setting: name, problem: problem))
    }

    func raw(_ name: String) -> String? {
        guard let value = env[name]?.trimmingASCIIWhitespace(), !value.isEmpty else { return nil }
        return String(value)
    }

    /// Quotes a value for an error line, shortened so a pasted blob cannot flood the log.
    static func shown(_ value: String) -> String {
        let clipped = value.count > 80 ? String(value.prefix(80)) + "…" : value
        return "\"\(clipped)\""
    }

    mutating func nonEmpty(_ name: String) -> String? { raw(name) }

    mutating func secret(_ name: String) -> String? { raw(name) }

    mutating func guid(_ name: String) -> GUID? {
        guard let value = raw(name) else {
            fail(name, "is required (a GUID such as 11111111-1111-1111-1111-111111111111)")
            return nil
        }
        guard let guid = GUID(value) else {
            fail(name, "must be a GUID such as 11111111-1111-1111-1111-111111111111, got \(Self.shown(value))")
            return nil
        }
        return guid
    }

    mutating func guidList(_ name: String) -> [GUID]? {
        guard let value = raw(name) else { return nil }
        var result: [GUID] = []
        for item in value.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = item.trimmingASCIIWhitespace()
            guard let guid = GUID(trimmed) else {
                fail(name, "must be a comma-separated list of GUIDs; \(Self.shown(String(trimmed))) is not a GUID")
                return nil
            }
            if !result.contains(guid) { result.append(guid) }
        }
        return result
    }

    mutating func integer(_ name: String, range: ClosedRange<Int>, default defaultValue: Int?) -> Int? {
        guard let value = raw(name) else {
            if defaultValue == nil { fail(name, "is required (a whole number from \(range.lowerBound) to \(range.upperBound))") }
            return defaultValue
        }
        guard value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let number = Int(value), range.contains(number) else {
            fail(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound), got \(Self.shown(value))")
            return nil
        }
        return number
    }

    mutating func boolean(_ name: String, default defaultValue: Bool) -> Bool? {
        guard let value = raw(name) else { return defaultValue }
        switch value.lowercased() {
        case "true": return true
        case "false": return false
        default:
            fail(name, "must be true or false, got \(Self.shown(value))")
            return nil
        }
    }

    mutating func scope(_ name: String, default defaultValue: String) -> String? {
        guard let value = raw(name) else { return defaultValue }
        let allowed = value.utf8.allSatisfy { byte in
            (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        guard allowed, value.count <= 120 else {
            fail(name, "must be a scope name of letters, digits, '.', '_' or '-', got \(Self.shown(value))")
            return nil
        }
        return value
    }

    mutating func authContext(_ name: String) -> String? {
        guard let value = raw(name) else { return nil }
        guard value.hasPrefix("c"), let number = Int(value.dropFirst()), (1...99).contains(number),
              String(number) == value.dropFirst()
        else {
            fail(name, "must be an authentication context id from c1 to c99, got \(Self.shown(value))")
            return nil
        }
        return value
    }

    /// An absolute http(s) URL without query or fragment; returned without a trailing slash.
    mutating func url(_ name: String, default defaultValue: String) -> String? {
        guard let value = raw(name) else { return defaultValue }
        return validatedURL(name, value)
    }

    mutating func optionalURL(_ name: String) -> String? {
        guard let value = raw(name) else { return nil }
        return validatedURL(name, value)
    }

    private mutating func validatedURL(_ name: String, _ value: String) -> String? {
        guard let url = HTTPURL(value), url.query == nil else {
            fail(name, "must be an absolute http:// or https:// URL without query, got \(Self.shown(value))")
            return nil
        }
        return url.withoutTrailingSlash
    }

    mutating func tableEndpoint() -> String? {
        if let endpoint = raw("TABLE_ENDPOINT") {
            return validatedURL("TABLE_ENDPOINT", endpoint)
        }
        guard let account = raw("STORAGE_ACCOUNT_NAME") else {
            fail("STORAGE_ACCOUNT_NAME", "is required unless TABLE_ENDPOINT is set")
            return nil
        }
        let valid = (3...24).contains(account.utf8.count)
            && account.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 122) }
        guard valid else {
            fail("STORAGE_ACCOUNT_NAME", "must be 3 to 24 lower-case letters and digits, got \(Self.shown(account))")
            return nil
        }
        return "https://\(account).table.core.windows.net"
    }

    /// A sender mailbox: a UPN/e-mail address or an object id.
    mutating func mailbox(_ name: String) -> String? {
        guard let value = raw(name) else { return nil }
        if let guid = GUID(value) { return guid.value }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        let valid = parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !value.contains(where: { $0 == " " || $0 == "/" || $0 == "?" || $0 == "#" || $0 == "'" })
        guard valid else {
            fail(name, "must be a mailbox address such as tap-notify@contoso.com, got \(Self.shown(value))")
            return nil
        }
        return value
    }

    /// Exact origins (`https://host[:port]`); `*` is refused because the API carries bearer tokens.
    mutating func origins(_ name: String) -> [String] {
        guard let value = raw(name) else { return [] }
        var result: [String] = []
        for item in value.split(separator: ",") {
            let origin = String(item.trimmingASCIIWhitespace())
            if origin == "*" || origin.contains("*") {
                fail(name, "must list exact origins; '*' is not allowed")
                return []
            }
            guard let url = HTTPURL(origin), url.path.isEmpty || url.path == "/", url.query == nil else {
                fail(name, "must be a comma-separated list of origins such as https://portal.contoso.com, got \(Self.shown(origin))")
                return []
            }
            result.append(url.withoutTrailingSlash)
        }
        return result
    }
}
