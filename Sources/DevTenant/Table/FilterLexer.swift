/// Tokens of the OData `$filter` subset the Table service supports (reference 4.2 "Query Entities
/// details": `eq ne gt ge lt le and or not`, parentheses, and the literals `'string'` with `''`
/// escaping, `datetime'…'`, `guid'…'`, `X'…'`/`binary'…'`, `123L`, Int32, doubles, `true`/`false`).
enum FilterToken: Equatable {
    case identifier(String)
    case literal(EdmValue)
    case open, close
}

enum FilterLexer {
    struct Failure: Error {}

    static func tokens(_ text: String) throws(Failure) -> [FilterToken] {
        let chars = Array(text.unicodeScalars)
        var index = 0
        var tokens: [FilterToken] = []
        func isIdentifierStart(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic || c == "_" }
        func isIdentifierPart(_ c: Unicode.Scalar) -> Bool { isIdentifierStart(c) || ("0"..."9").contains(c) }

        /// Reads `'…'` starting at the opening quote; `''` is one quote.
        func quoted() throws(Failure) -> String {
            guard index < chars.count, chars[index] == "'" else { throw Failure() }
            index += 1
            var value = String.UnicodeScalarView()
            while index < chars.count {
                let c = chars[index]
                index += 1
                if c == "'" {
                    if index < chars.count, chars[index] == "'" {
                        value.append("'")
                        index += 1
                    } else {
                        return String(value)
                    }
                } else {
                    value.append(c)
                }
            }
            throw Failure()
        }

        while index < chars.count {
            let c = chars[index]
            if c == " " || c == "\t" { index += 1; continue }
            if c == "(" { tokens.append(.open); index += 1; continue }
            if c == ")" { tokens.append(.close); index += 1; continue }
            if c == "'" { tokens.append(.literal(.string(try quoted()))); continue }
            if ("0"..."9").contains(c) || c == "-" || c == "." {
                tokens.append(.literal(try number(chars, &index)))
                continue
            }
            guard isIdentifierStart(c) else { throw Failure() }
            let start = index
            while index < chars.count, isIdentifierPart(chars[index]) { index += 1 }
            let word = String(String.UnicodeScalarView(chars[start..<index]))
            if index < chars.count, chars[index] == "'" {
                let body = try quoted()
                switch word.lowercased() {
                case "datetime":
                    guard let instant = TableInstant(iso8601: body) else { throw Failure() }
                    tokens.append(.literal(.dateTime(instant)))
                case "guid":
                    guard EdmValue.isGUID(body) else { throw Failure() }
                    tokens.append(.literal(.guid(body)))
                case "x", "binary":
                    guard let bytes = hexBytes(body) else { throw Failure() }
                    tokens.append(.literal(.binary(bytes)))
                default: throw Failure()
                }
                continue
            }
            switch word {
            case "true": tokens.append(.literal(.bool(true)))
            case "false": tokens.append(.literal(.bool(false)))
            default: tokens.append(.identifier(word))
            }
        }
        return tokens
    }

    /// `-?digits[.digits][e±digits]` with an optional suffix: `L` Int64, `d`/`f`/`m` Double.
    /// Without a suffix an integer is Int32, or Int64 if it does not fit; anything with a
    /// fraction or exponent is a Double.
    static func number(_ chars: [Unicode.Scalar], _ index: inout Int) throws(Failure) -> EdmValue {
        let start = index
        var integral = true
        if chars[index] == "-" { index += 1 }
        func digits() -> Int {
            let from = index
            while index < chars.count, ("0"..."9").contains(chars[index]) { index += 1 }
            return index - from
        }
        var count = digits()
        if index < chars.count, chars[index] == "." {
            integral = false
            index += 1
            count += digits()
        }
        guard count > 0 else { throw Failure() }
        if index < chars.count, chars[index] == "e" || chars[index] == "E" {
            integral = false
            index += 1
            if index < chars.count, chars[index] == "+" || chars[index] == "-" { index += 1 }
            guard digits() > 0 else { throw Failure() }
        }
        let text = String(String.UnicodeScalarView(chars[start..<index]))
        var suffix: Unicode.Scalar?
        if index < chars.count, "LlDdFfMm".unicodeScalars.contains(chars[index]) {
            suffix = chars[index]
            index += 1
        }
        if index < chars.count, chars[index].properties.isAlphabetic || chars[index] == "_" { throw Failure() }
        switch suffix {
        case "L", "l":
            guard integral, let value = Int64(text) else { throw Failure() }
            return .int64(value)
        case .some:
            guard let value = Double(text) else { throw Failure() }
            return .double(value)
        case .none:
            if integral {
                if let value = Int32(text) { return .int32(value) }
                guard let value = Int64(text) else { throw Failure() }
                return .int64(value)
            }
            guard let value = Double(text) else { throw Failure() }
            return .double(value)
        }
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = 0
        while index < digits.count {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
            index += 2
        }
        return bytes
    }
}
