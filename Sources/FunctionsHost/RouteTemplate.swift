/// An ASP.NET-style route template as the Functions host uses them: literal segments (matched
/// without regard to case), `{name}`, `{name?}` (last segment only), `{*name}` (catch-all) and
/// `{name:constraint}` (constraints `guid`, `int`, `alpha`, `bool`; others are refused at load).
public struct RouteTemplate: Sendable, Equatable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(name: String, constraint: String?, optional: Bool)
        case catchAll(name: String)
    }

    let segments: [Segment]
    public let text: String

    public struct ParseError: Error, CustomStringConvertible {
        public var template: String
        public var problem: String
        public var description: String { "route \"\(template)\": \(problem)" }
    }

    public init(_ text: String) throws {
        self.text = text
        var parsed: [Segment] = []
        let parts = text.split(separator: "/", omittingEmptySubsequences: true)
        for (index, part) in parts.enumerated() {
            let isLast = index == parts.count - 1
            guard part.hasPrefix("{") else {
                guard !part.contains("{"), !part.contains("}") else { throw ParseError(template: text, problem: "mixed literal and parameter segments are not supported") }
                parsed.append(.literal(part.lowercased()))
                continue
            }
            guard part.hasSuffix("}") else { throw ParseError(template: text, problem: "unclosed parameter \(part)") }
            var inner = String(part.dropFirst().dropLast())
            if inner.hasPrefix("*") {
                guard isLast else { throw ParseError(template: text, problem: "a catch-all must be the last segment") }
                parsed.append(.catchAll(name: String(inner.dropFirst())))
                continue
            }
            var optional = false
            if inner.hasSuffix("?") {
                guard isLast else { throw ParseError(template: text, problem: "only the last parameter may be optional") }
                optional = true
                inner.removeLast()
            }
            var constraint: String?
            if let colon = inner.firstIndex(of: ":") {
                constraint = String(inner[inner.index(after: colon)...]).lowercased()
                inner = String(inner[..<colon])
                guard ["guid", "int", "alpha", "bool"].contains(constraint!) else {
                    throw ParseError(template: text, problem: "constraint \(constraint!) is not supported")
                }
            }
            parsed.append(.parameter(name: inner, constraint: constraint, optional: optional))
        }
        segments = parsed
    }

    /// The route values when `pathSegments` (already percent-decoded) match, else nil.
    public func match(_ pathSegments: [String]) -> [String: String]? {
        var values: [String: String] = [:]
        var index = 0
        for segment in segments {
            switch segment {
            case .literal(let literal):
                guard index < pathSegments.count, pathSegments[index].lowercased() == literal else { return nil }
                index += 1
            case .parameter(let name, let constraint, let optional):
                guard index < pathSegments.count else { return optional ? values : nil }
                let value = pathSegments[index]
                guard Self.satisfies(value, constraint) else { return nil }
                values[name] = value
                index += 1
            case .catchAll(let name):
                values[name] = pathSegments[index...].joined(separator: "/")
                return values
            }
        }
        return index == pathSegments.count ? values : nil
    }

    /// Orders competing matches as ASP.NET routing does: literals before parameters before
    /// optional parameters before catch-alls, segment by segment.
    var precedence: [Int] {
        segments.map { segment in
            switch segment {
            case .literal: 0
            case .parameter(_, let constraint, let optional): optional ? 3 : (constraint == nil ? 2 : 1)
            case .catchAll: 4
            }
        }
    }

    static func satisfies(_ value: String, _ constraint: String?) -> Bool {
        switch constraint {
        case nil: return !value.isEmpty
        case "int": return Int(value) != nil
        case "bool": return value.lowercased() == "true" || value.lowercased() == "false"
        case "alpha": return !value.isEmpty && value.allSatisfy { $0.isLetter }
        case "guid":
            let hex = value.filter { $0 != "-" && $0 != "{" && $0 != "}" }
            return hex.count == 32 && hex.allSatisfy(\.isHexDigit)
        default: return false
        }
    }
}
