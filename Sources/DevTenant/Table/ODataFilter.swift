/// A parsed `$filter` (reference 4.2 "Query Entities details"), by recursive descent:
///
///     expr       := and ( "or" and )*
///     and        := unary ( "and" unary )*
///     unary      := "not" unary | comparison
///     comparison := primary ( ("eq"|"ne"|"gt"|"ge"|"lt"|"le") primary )?
///     primary    := "(" expr ")" | literal | property
///
/// Comparisons are type-aware: different types, or a property the entity lacks, never match.
/// A property or `true`/`false` on its own is a Boolean test. Anything else is a 400 `InvalidInput`.
indirect enum ODataFilter: Equatable {
    case and(ODataFilter, ODataFilter)
    case or(ODataFilter, ODataFilter)
    case not(ODataFilter)
    case compare(Operand, Comparison, Operand)
    case test(Operand)

    enum Operand: Equatable {
        case property(String)
        case literal(EdmValue)
    }

    enum Comparison: String {
        case eq, ne, gt, ge, lt, le

        func holds(_ order: Int) -> Bool {
            switch self {
            case .eq: order == 0
            case .ne: order != 0
            case .gt: order > 0
            case .ge: order >= 0
            case .lt: order < 0
            case .le: order <= 0
            }
        }

        var mirrored: Comparison {
            switch self {
            case .eq, .ne: self
            case .gt: .lt
            case .ge: .le
            case .lt: .gt
            case .le: .ge
            }
        }
    }

    static func parse(_ text: String) throws(TableError) -> ODataFilter {
        let tokens: [FilterToken]
        do { tokens = try FilterLexer.tokens(text) } catch { throw .invalidInput("The $filter expression is not valid.") }
        var parser = Parser(tokens: tokens)
        guard let filter = parser.expression(), parser.index == tokens.count else {
            throw .invalidInput("The $filter expression is not valid.")
        }
        return filter
    }

    struct Parser {
        let tokens: [FilterToken]
        var index = 0

        mutating func keyword(_ word: String) -> Bool {
            guard index < tokens.count, tokens[index] == .identifier(word) else { return false }
            index += 1
            return true
        }

        mutating func expression() -> ODataFilter? {
            guard var left = conjunction() else { return nil }
            while keyword("or") {
                guard let right = conjunction() else { return nil }
                left = .or(left, right)
            }
            return left
        }

        mutating func conjunction() -> ODataFilter? {
            guard var left = unary() else { return nil }
            while keyword("and") {
                guard let right = unary() else { return nil }
                left = .and(left, right)
            }
            return left
        }

        mutating func unary() -> ODataFilter? {
            if keyword("not") { return unary().map { .not($0) } }
            return comparison()
        }

        mutating func comparison() -> ODataFilter? {
            guard let left = primary() else { return nil }
            guard index < tokens.count, case .identifier(let word) = tokens[index], let op = Comparison(rawValue: word) else {
                if case .test(let operand) = left, case .literal(let value) = operand, case .bool = value { return left }
                if case .test(.property) = left { return left }
                if case .test = left { return nil }
                return left
            }
            index += 1
            guard case .test(let lhs) = left, let right = primary(), case .test(let rhs) = right else { return nil }
            return .compare(lhs, op, rhs)
        }

        /// A bare operand comes back as `.test(operand)`; the caller decides whether it is compared.
        mutating func primary() -> ODataFilter? {
            guard index < tokens.count else { return nil }
            let token = tokens[index]
            index += 1
            switch token {
            case .open:
                guard let inner = expression(), index < tokens.count, tokens[index] == .close else { return nil }
                index += 1
                return inner
            case .close: return nil
            case .literal(let value): return .test(.literal(value))
            case .identifier(let name):
                if ["and", "or", "not", "eq", "ne", "gt", "ge", "lt", "le"].contains(name) { return nil }
                if index < tokens.count, tokens[index] == .open { return nil }  // function calls are not supported
                return .test(.property(name))
            }
        }
    }

    /// Whether `lookup` (a property's typed value, system properties included) satisfies the filter.
    func matches(_ lookup: (String) -> EdmValue?) -> Bool {
        switch self {
        case .and(let a, let b): return a.matches(lookup) && b.matches(lookup)
        case .or(let a, let b): return a.matches(lookup) || b.matches(lookup)
        case .not(let a): return !a.matches(lookup)
        case .test(let operand): return Self.resolve(operand, lookup) == .bool(true)
        case .compare(let lhs, let op, let rhs):
            guard let a = Self.resolve(lhs, lookup), let b = Self.resolve(rhs, lookup),
                  let order = EdmValue.compare(a, b) else { return false }
            return op.holds(order)
        }
    }

    static func resolve(_ operand: Operand, _ lookup: (String) -> EdmValue?) -> EdmValue? {
        switch operand {
        case .property(let name): lookup(name)
        case .literal(let value): value
        }
    }

    /// The range of `property` (a string key) that the filter's top-level `and` chain confines
    /// results to, used to start and stop a scan early. Conservative: `or`/`not` give no bound.
    struct KeyBounds {
        var lower: String?
        var upper: String?
        var equal: String?
    }

    func stringBounds(of property: String) -> KeyBounds {
        var lower: String?, upper: String?, equal: String?
        func visit(_ filter: ODataFilter) {
            switch filter {
            case .and(let a, let b):
                visit(a)
                visit(b)
            case .compare(let lhs, let op, let rhs):
                var comparison = op
                let value: String
                if case .property(property) = lhs, case .literal(.string(let v)) = rhs {
                    value = v
                } else if case .literal(.string(let v)) = lhs, case .property(property) = rhs {
                    value = v
                    comparison = op.mirrored
                } else { return }
                switch comparison {
                case .eq: equal = value
                case .gt, .ge: if lower.map({ EdmValue.ordinal(value, $0) > 0 }) ?? true { lower = value }
                case .lt, .le: if upper.map({ EdmValue.ordinal(value, $0) < 0 }) ?? true { upper = value }
                case .ne: break
                }
            default: break
            }
        }
        visit(self)
        return KeyBounds(lower: lower, upper: upper, equal: equal)
    }
}
