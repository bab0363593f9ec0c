import EphemCore
import HTTPTypes

/// The client address for audit rows (SPEC 7.4): the entry the platform added to
/// `X-Forwarded-For` — the last one, since a client can send its own header and the front end
/// appends — without the `:port` the front end includes (reference 1.8). `X-Client-IP`, which the
/// App Service front end sets alone, wins when present.
public enum ClientAddress {
    public static func from(headers: HTTPFields) -> String? {
        if let direct = headers[.xClientIP], let address = normalize(direct) {
            return address
        }
        let forwarded = headers[values: .xForwardedFor].joined(separator: ",")
        guard let last = forwarded.split(separator: ",").last else { return nil }
        return normalize(String(last.trimmingASCIIWhitespace()))
    }

    /// `203.0.113.7:51234` → `203.0.113.7`; `[2001:db8::1]:443` → `2001:db8::1`; a bare IPv6 stays.
    static func normalize(_ value: String) -> String? {
        let trimmed = String(value.trimmingASCIIWhitespace())
        guard !trimmed.isEmpty, trimmed.count <= 64 else { return nil }
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]") else { return nil }
            return String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
        }
        let colons = trimmed.filter { $0 == ":" }.count
        if colons == 1, let colon = trimmed.firstIndex(of: ":") {
            return String(trimmed[..<colon])
        }
        let allowed = trimmed.allSatisfy { $0.isHexDigit || $0 == "." || $0 == ":" }
        return allowed ? trimmed : nil
    }
}
