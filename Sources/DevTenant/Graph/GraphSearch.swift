/// `$search` on directory objects, as Microsoft documents it (concepts/search-query-parameter.md,
/// "Using $search on directory object collections"; reference 3):
/// - only with `ConsistencyLevel: eventual` (the caller checks the header);
/// - `"clause1" AND|OR "clause2"`, each clause `"property:text"` in double quotes, `\"` and `\\`
///   escaped with a backslash, `AND`/`OR` upper case outside the quotes (parentheses are
///   documented too; the dev tenant refuses them, no handler sends them);
/// - on `displayName` and `description` the search is *tokenized*: value and text are split at
///   spaces, at a change from lower to upper case, between letters and digits and at symbols
///   (each symbol is a token, and words separated only by symbols are also joined into one
///   token); tokens match case-insensitively, in any order, a text token matching the start of a
///   value token (`displayName:Guthr` finds "Guthrie", `displayName:wa` finds "Oscar Ward" in
///   api/user-list.md's example 6);
/// - any other property falls back to `startsWith` behaviour.
struct GraphSearch: Sendable {
    struct Clause: Sendable, Equatable {
        var property: String
        var text: String
    }

    /// Disjunction of conjunctions: AND binds tighter than OR.
    let groups: [[Clause]]

    static let tokenized: Set<String> = ["displayname", "description"]

    static func parse(_ text: String) throws(GraphProblem) -> GraphSearch {
        var groups: [[Clause]] = [[]]
        var index = text.startIndex
        var expectClause = true
        func skipSpaces() { while index < text.endIndex, text[index] == " " { index = text.index(after: index) } }
        while true {
            skipSpaces()
            if index == text.endIndex { break }
            if expectClause {
                guard text[index] == "\"" else {
                    if text[index] == "(" { throw .unsupportedQuery("Parentheses in $search are not supported by the dev tenant.") }
                    throw .badRequest("Syntax error: each $search clause must be in double quotes.")
                }
                index = text.index(after: index)
                var clause = ""
                var closed = false
                while index < text.endIndex {
                    let character = text[index]
                    index = text.index(after: index)
                    if character == "\\" {
                        guard index < text.endIndex else { break }
                        clause.append(text[index])
                        index = text.index(after: index)
                    } else if character == "\"" {
                        closed = true
                        break
                    } else {
                        clause.append(character)
                    }
                }
                guard closed, let colon = clause.firstIndex(of: ":") else {
                    throw .badRequest("Syntax error: a $search clause is \"property:text\".")
                }
                groups[groups.count - 1].append(Clause(property: String(clause[..<colon]), text: String(clause[clause.index(after: colon)...])))
                expectClause = false
            } else {
                let rest = text[index...]
                if rest.hasPrefix("AND ") {
                    index = text.index(index, offsetBy: 4)
                } else if rest.hasPrefix("OR ") {
                    index = text.index(index, offsetBy: 3)
                    groups.append([])
                } else {
                    throw .badRequest("Syntax error: $search clauses are joined by AND or OR (upper case).")
                }
                expectClause = true
            }
        }
        guard !expectClause, groups.allSatisfy({ !$0.isEmpty }) else { throw .badRequest("Syntax error: empty or incomplete $search.") }
        return GraphSearch(groups: groups)
    }

    /// Checks the properties against the schema (unknown or non-string properties are refused).
    func validate(_ schema: GraphFilterSchema) throws(GraphProblem) {
        for clause in groups.joined() {
            guard let known = schema.properties[clause.property.lowercased()] else {
                throw .unknownProperty(clause.property, type: "microsoft.graph.\(schema.resource.lowercased())")
            }
            guard known.kind == .string else { throw .unsupportedFilterProperty(known.name, resource: schema.resource) }
        }
    }

    func matches(_ value: (String) -> GraphFilterSchema.Value, schema: GraphFilterSchema) -> Bool {
        groups.contains { group in
            group.allSatisfy { clause in
                let name = schema.properties[clause.property.lowercased()]?.name ?? clause.property
                guard case .string(let stored?) = value(name) else { return false }
                if Self.tokenized.contains(name.lowercased()) {
                    let valueTokens = Self.tokens(stored)
                    let wanted = Self.tokens(clause.text)
                    return !wanted.isEmpty && wanted.allSatisfy { token in valueTokens.contains { $0.hasPrefix(token) } }
                }
                return stored.lowercased().hasPrefix(clause.text.lowercased())
            }
        }
    }

    /// The documented tokenization, lower-cased: `hello world` → hello, world; `HelloWorld` →
    /// hello, world (only a lower→upper change splits: `HELLOworld` is one token); `hello.world` →
    /// hello, ., world, helloworld; `hello123world` → hello, 123, world.
    static func tokens(_ text: String) -> [String] {
        enum Kind { case letter, digit, symbol, space }
        func kind(_ c: Character) -> Kind {
            if c.isWhitespace { return .space }
            if c.isLetter { return .letter }
            if c.isNumber { return .digit }
            return .symbol
        }
        var tokens: [String] = []
        for word in text.split(whereSeparator: \.isWhitespace) {
            var parts: [String] = []
            var current = ""
            var previous: Character?
            for c in word {
                if let p = previous {
                    let split = kind(c) != kind(p) || kind(c) == .symbol || (p.isLowercase && c.isUppercase)
                    if split, !current.isEmpty { parts.append(current); current = "" }
                }
                current.append(c)
                previous = c
            }
            if !current.isEmpty { parts.append(current) }
            let lowered = parts.map { $0.lowercased() }
            tokens += lowered
            // Words separated only by symbols are joined too (`hello-world` → `helloworld`).
            if word.contains(where: { kind($0) == .symbol }) {
                let joined = lowered.filter { $0.contains(where: { kind($0) != .symbol }) }.joined()
                if !joined.isEmpty { tokens.append(joined) }
            }
        }
        return tokens
    }
}
