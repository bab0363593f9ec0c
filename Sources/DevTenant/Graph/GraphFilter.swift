/// A parsed Graph `$filter` (reference 3 and Graph's query-parameters page), by recursive descent:
///
///     expr       := and ( "or" and )*
///     and        := unary ( "and" unary )*
///     unary      := "not" unary | "(" expr ")" | call | comparison
///     call       := name "(" property "," literal ")"
///     comparison := property op literal | property "in" "(" literal ( "," literal )* ")"
///
/// Literals: `'text'` (a quote inside is written `''`), `true`, `false`, `null`, numbers.
/// Operators and function names are matched case-insensitively. Whether a clause is *allowed*
/// (basic or advanced query, which properties) is `GraphFilterSchema`'s business; a text that
/// does not parse is a 400 `Request_BadRequest`.
indirect enum GraphFilter: Equatable {
    case or(GraphFilter, GraphFilter)
    case and(GraphFilter, GraphFilter)
    case not(GraphFilter)
    case compare(property: String, op: String, value: Literal)
    case isIn(property: String, values: [Literal])
    case call(function: String, property: String, value: Literal)

    enum Literal: Equatable {
        case string(String)
        case bool(Bool)
        case number(Double)
        case null
    }

    enum Token: Equatable {
        case word(String)
        case literal(Literal)
        case open, close, comma
    }

    static let malformed = GraphProblem.badRequest("Invalid filter clause: the $filter expression could not be parsed.")

    static func parse(_ text: String) throws(GraphProblem) -> GraphFilter {
        var parser = Parser(tokens: try tokens(text))
        let filter = try parser.expression()
        guard parser.index == parser.tokens.count else { throw malformed }
        return filter
    }

    static func tokens(_ text: String) throws(GraphProblem) -> [Token] {
        let chars = Array(text.unicodeScalars)
        var index = 0
        var tokens: [Token] = []
        func isWordPart(_ c: Unicode.Scalar) -> Bool {
            c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "." || c == "/" || c == "@" || c == "$"
        }
        while index < chars.count {
            let c = chars[index]
            switch c {
            case " ", "\t":
                index += 1
            case "(": tokens.append(.open); index += 1
            case ")": tokens.append(.close); index += 1
            case ",": tokens.append(.comma); index += 1
            case "'":
                index += 1
                var value = String.UnicodeScalarView()
                var closed = false
                while index < chars.count {
                    let d = chars[index]
                    index += 1
                    if d == "'" {
                        if index < chars.count, chars[index] == "'" { value.append("'"); index += 1 } else { closed = true; break }
                    } else {
                        value.append(d)
                    }
                }
                guard closed else { throw malformed }
                tokens.append(.literal(.string(String(value))))
            case "-", "0"..."9":
                let start = index
                index += 1
                while index < chars.count, ("0"..."9").contains(chars[index]) || chars[index] == "." || chars[index] == "-" || chars[index] == ":"
                        || chars[index] == "+" || chars[index].properties.isAlphabetic {
                    index += 1
                }
                let word = String(String.UnicodeScalarView(chars[start..<index]))
                // A DateTimeOffset literal is unquoted in OData (`activityDateTime ge 2024-01-01T00:00:00Z`,
                // api/directoryaudit-list.md); it is kept as its text.
                if word.contains("T"), word.contains(":"), ISOTime.parse(word) != nil {
                    tokens.append(.literal(.string(word)))
                    continue
                }
                // A bare GUID (`id eq 0f…`) is not an OData literal for a string property.
                guard let number = Double(word) else { throw malformed }
                tokens.append(.literal(.number(number)))
            default:
                guard isWordPart(c) else { throw malformed }
                let start = index
                while index < chars.count, isWordPart(chars[index]) { index += 1 }
                let word = String(String.UnicodeScalarView(chars[start..<index]))
                switch word.lowercased() {
                case "true": tokens.append(.literal(.bool(true)))
                case "false": tokens.append(.literal(.bool(false)))
                case "null": tokens.append(.literal(.null))
                default: tokens.append(.word(word))
                }
            }
        }
        return tokens
    }

    struct Parser {
        let tokens: [Token]
        var index = 0

        var peek: Token? { index < tokens.count ? tokens[index] : nil }

        func isKeyword(_ token: Token?, _ keyword: String) -> Bool {
            if case .word(let word) = token { word.lowercased() == keyword } else { false }
        }

        mutating func take(_ token: Token) -> Bool {
            guard peek == token else { return false }
            index += 1
            return true
        }

        mutating func expression() throws(GraphProblem) -> GraphFilter {
            var left = try conjunction()
            while isKeyword(peek, "or") {
                index += 1
                left = .or(left, try conjunction())
            }
            return left
        }

        mutating func conjunction() throws(GraphProblem) -> GraphFilter {
            var left = try unary()
            while isKeyword(peek, "and") {
                index += 1
                left = .and(left, try unary())
            }
            return left
        }

        mutating func unary() throws(GraphProblem) -> GraphFilter {
            if isKeyword(peek, "not") {
                index += 1
                return .not(try unary())
            }
            if take(.open) {
                let inner = try expression()
                guard take(.close) else { throw GraphFilter.malformed }
                return inner
            }
            guard case .word(let name)? = peek else { throw GraphFilter.malformed }
            index += 1
            if take(.open) {
                guard case .word(let property)? = peek else { throw GraphFilter.malformed }
                index += 1
                guard take(.comma), case .literal(let value)? = peek else { throw GraphFilter.malformed }
                index += 1
                guard take(.close) else { throw GraphFilter.malformed }
                return .call(function: name.lowercased(), property: property, value: value)
            }
            guard case .word(let op)? = peek else { throw GraphFilter.malformed }
            index += 1
            let lower = op.lowercased()
            if lower == "in" {
                guard take(.open) else { throw GraphFilter.malformed }
                var values: [Literal] = []
                repeat {
                    guard case .literal(let value)? = peek else { throw GraphFilter.malformed }
                    index += 1
                    values.append(value)
                } while take(.comma)
                guard take(.close) else { throw GraphFilter.malformed }
                return .isIn(property: name, values: values)
            }
            guard ["eq", "ne", "gt", "ge", "lt", "le"].contains(lower), case .literal(let value)? = peek else { throw GraphFilter.malformed }
            index += 1
            return .compare(property: name, op: lower, value: value)
        }
    }

    /// The filter as `and`-ed `property eq value` / `property in (…)` terms (property lower-cased,
    /// values as strings), or `nil` for any other shape: what the role and PIM lists accept.
    var conjunctionTerms: [(property: String, values: [String])]? {
        func string(_ literal: Literal) -> String? { if case .string(let text) = literal { text } else { nil } }
        switch self {
        case .and(let left, let right):
            guard let l = left.conjunctionTerms, let r = right.conjunctionTerms else { return nil }
            return l + r
        case .compare(let property, "eq", let value):
            return string(value).map { [(property.lowercased(), [$0])] }
        case .isIn(let property, let values):
            let strings = values.compactMap(string)
            return strings.count == values.count ? [(property.lowercased(), strings)] : nil
        default:
            return nil
        }
    }
}
