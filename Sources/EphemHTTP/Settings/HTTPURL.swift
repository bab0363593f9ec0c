/// A minimal absolute-URL check for settings: `http(s)://host[:port][/path][?query]`.
/// Foundation's URL parsing would pull in more than FoundationEssentials gives us here, and the
/// only question at start is "is this a usable base URL".
struct HTTPURL {
    var scheme: String
    var host: String
    var port: Int?
    var path: String
    var query: String?

    init?(_ text: String) {
        let lower = text.lowercased()
        let scheme: String
        if lower.hasPrefix("https://") { scheme = "https" } else if lower.hasPrefix("http://") { scheme = "http" } else { return nil }
        var rest = Substring(text.dropFirst(scheme.count + 3))
        guard !rest.contains(where: { $0 == " " || $0 == "#" || $0 == "\\" || $0 == "@" }) else { return nil }
        if let q = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: q)...])
            rest = rest[..<q]
        } else {
            query = nil
        }
        let authority: Substring
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            path = String(rest[slash...])
        } else {
            authority = rest
            path = ""
        }
        var hostPart = authority
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let number = Int(authority[authority.index(after: colon)...]), (1...65535).contains(number) else { return nil }
            port = number
            hostPart = authority[..<colon]
        } else {
            port = nil
        }
        guard !hostPart.isEmpty else { return nil }
        self.scheme = scheme
        self.host = String(hostPart)
    }

    var withoutTrailingSlash: String {
        var text = "\(scheme)://\(host)"
        if let port { text += ":\(port)" }
        var trimmedPath = Substring(path)
        while trimmedPath.hasSuffix("/") { trimmedPath = trimmedPath.dropLast() }
        return text + trimmedPath
    }
}
