#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What a path-style request addresses, below `/{account}` (reference 4.2 URIs).
enum TableResource: Equatable {
    /// `/Tables`
    case tables
    /// `/Tables('t')`
    case table(String)
    /// `/t` or `/t()`
    case entities(String)
    /// `/t(PartitionKey='pk',RowKey='rk')`, quotes inside keys doubled
    case entity(String, EntityKey)
    /// `/$batch` (not simulated)
    case batch

    /// Parses the raw (still percent-encoded) path after the account segment.
    init(rawPath: String) throws(TableError) {
        guard rawPath.hasPrefix("/"), let decoded = URLPath.percentDecode(String(rawPath.dropFirst())) else {
            throw .invalidInput("The request URI is not valid.")
        }
        if decoded == "$batch" { self = .batch; return }
        let name: String
        var rest: Substring
        if let paren = decoded.firstIndex(of: "(") {
            name = String(decoded[..<paren])
            rest = decoded[paren...]
            guard rest.hasSuffix(")") else { throw .invalidInput("The request URI is not valid.") }
            rest = rest.dropFirst().dropLast()
        } else {
            name = decoded
            rest = ""
        }
        guard !name.isEmpty, !name.contains("/") else { throw .invalidInput("The request URI is not valid.") }
        if name.lowercased() == "tables" {
            if decoded.contains("(") {
                var parser = KeyParser(text: rest)
                guard let table = parser.quoted(), parser.rest.isEmpty else { throw .invalidInput("The request URI is not valid.") }
                self = .table(table)
            } else {
                self = .tables
            }
            return
        }
        if rest.isEmpty { self = .entities(name); return }
        var parser = KeyParser(text: rest)
        guard parser.literal("PartitionKey="), let pk = parser.quoted(), parser.literal(","), parser.literal("RowKey="),
              let rk = parser.quoted(), parser.rest.isEmpty else { throw .invalidInput("The request URI is not valid.") }
        self = .entity(name, EntityKey(partitionKey: pk, rowKey: rk))
    }

    struct KeyParser {
        var rest: Substring
        init(text: Substring) { rest = text }

        mutating func literal(_ text: String) -> Bool {
            guard rest.hasPrefix(text) else { return false }
            rest = rest.dropFirst(text.count)
            return true
        }

        /// `'…'` with `''` for a quote.
        mutating func quoted() -> String? {
            guard rest.first == "'" else { return nil }
            var value = ""
            var index = rest.index(after: rest.startIndex)
            while index < rest.endIndex {
                let character = rest[index]
                index = rest.index(after: index)
                if character == "'" {
                    if index < rest.endIndex, rest[index] == "'" {
                        value.append("'")
                        index = rest.index(after: index)
                    } else {
                        rest = rest[index...]
                        return value
                    }
                } else {
                    value.append(character)
                }
            }
            return nil
        }
    }
}

enum URLPath {
    /// `%XX` decoding only (`+` is literal in a path); `nil` for bad escapes or invalid UTF-8.
    static func percentDecode(_ text: String) -> String? {
        FormData.decode(Substring(text), plusIsSpace: false)
    }

    /// A key inside `(PartitionKey='…')`: quotes doubled, then percent-encoded except unreserved
    /// characters and `'`.
    static func escapeKey(_ key: String) -> String {
        var out = ""
        for byte in key.replacing("'", with: "''").utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "'"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return out
    }

    /// Query parameters; names and values `+`/`%XX` decoded (`%24filter` is `$filter`).
    static func query(_ text: String?) throws(TableError) -> [String: String] {
        var result: [String: String] = [:]
        for pair in (text ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = FormData.decode(parts[0]), let value = parts.count > 1 ? FormData.decode(parts[1]) : "" else {
                throw .invalidInput("A query parameter is not correctly encoded.")
            }
            result[name] = value
        }
        return result
    }
}

/// Continuation tokens in the recorded format `1!<length of the encoded part>!<base64 with '='
/// written as '-'>`, pointing at the first row of the next page (table-service-recorded.md
/// "Query continuation"). `NextTableName` encodes `<table>\u{1}<16 hex digits>`.
enum ContinuationToken {
    static func encode(_ value: String) -> String {
        let body = Data(value.utf8).base64EncodedString().replacing("=", with: "-")
        return "1!\(body.count)!\(body)"
    }

    static func decode(_ token: String) -> String? {
        let parts = token.split(separator: "!", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "1", Int(parts[1]) == parts[2].count,
              let data = Data(base64Encoded: String(parts[2]).replacing("-", with: "=")) else { return nil }
        return String(validating: [UInt8](data), as: UTF8.self)
    }

    static func encodeTable(_ name: String) -> String { encode(name.lowercased() + "\u{1}" + "0000000000000000") }

    static func decodeTable(_ token: String) -> String? {
        guard let text = decode(token), let separator = text.firstIndex(of: "\u{1}") else { return nil }
        return String(text[..<separator])
    }
}
