import EphemCore
import HTTPTypes

/// The client address for audit rows (SPEC 7.4): a syntactically valid IPv4 or IPv6 address
/// without port, or nil (stored empty) — never raw header text.
///
/// Which header: SPEC 7.4 names `X-Forwarded-For` as the platform sets it. The App Service front
/// end writes the client's socket address there as `ip:port` (reference 1.8, observed dump).
/// Whether it replaces or appends to a client-sent value is unconfirmed (reference 6, item 4), so
/// the last entry is taken: it is the platform's own in both cases. `X-Client-IP` is not read:
/// no source says the front end overwrites a client-sent one, and the emulator drops it.
public enum ClientAddress {
    public static func from(headers: HTTPFields) -> String? {
        let forwarded = headers[values: .xForwardedFor].joined(separator: ",")
        guard let last = forwarded.split(separator: ",", omittingEmptySubsequences: false).last else { return nil }
        return normalize(String(last.trimmingASCIIWhitespace()))
    }

    /// `203.0.113.7:51234` → `203.0.113.7`; `[2001:db8::1]:443` → `2001:db8::1`; a bare IPv4 or
    /// IPv6 address stays; anything that is not an address once the port is gone → nil.
    static func normalize(_ value: String) -> String? {
        let trimmed = String(value.trimmingASCIIWhitespace())
        guard !trimmed.isEmpty, trimmed.utf8.count <= 64 else { return nil }
        var host = trimmed
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]") else { return nil }
            let rest = trimmed[trimmed.index(after: close)...]
            guard rest.isEmpty || isPort(rest.dropFirst()) && rest.first == ":" else { return nil }
            host = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
            return isIPv6(host) ? host : nil
        }
        let colons = trimmed.utf8.count { $0 == UInt8(ascii: ":") }
        if colons == 1, let colon = trimmed.firstIndex(of: ":") {
            guard isPort(trimmed[trimmed.index(after: colon)...]) else { return nil }
            host = String(trimmed[..<colon])
            return isIPv4(host) ? host : nil
        }
        if colons == 0 { return isIPv4(host) ? host : nil }
        return isIPv6(host) ? host : nil
    }

    static func isPort(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.count <= 5 && text.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } && Int(text).map { $0 <= 65535 } == true
    }

    /// Four decimal octets 0–255, no leading zeros (which some parsers read as octal).
    static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            guard !part.isEmpty, part.utf8.count <= 3, part.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
            guard part == "0" || part.first != "0" else { return false }
            return Int(part)! <= 255
        }
    }

    /// RFC 4291 2.2 text forms: eight groups of 1–4 hex digits, at most one `::`, and an IPv4
    /// tail in place of the last two groups. No zone id.
    static func isIPv6(_ text: String) -> Bool {
        guard text.utf8.count >= 2, text.utf8.count <= 45 else { return false }
        let halves = text.split(separator: "::", omittingEmptySubsequences: false).map(String.init)
        guard halves.count <= 2 else { return false }
        func groups(_ part: String, allowIPv4Tail: Bool) -> Int? {
            if part.isEmpty { return 0 }
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            var count = 0
            for (index, piece) in pieces.enumerated() {
                if allowIPv4Tail, index == pieces.count - 1, piece.contains(".") {
                    guard isIPv4(String(piece)) else { return nil }
                    count += 2
                    continue
                }
                guard !piece.isEmpty, piece.utf8.count <= 4, piece.allSatisfy(\.isHexDigit) else { return nil }
                count += 1
            }
            return count
        }
        if halves.count == 1 {
            return groups(halves[0], allowIPv4Tail: true) == 8
        }
        guard let head = groups(halves[0], allowIPv4Tail: false), let tail = groups(halves[1], allowIPv4Tail: true) else { return false }
        return head + tail <= 7
    }
}
