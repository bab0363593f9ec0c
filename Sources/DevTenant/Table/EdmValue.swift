#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A property value with its Entity Data Model type (reference 4.3 "Annotations on request and
/// response"). Comparisons are only defined between values of the same type: a filter that
/// compares a property with a literal of another type does not match.
enum EdmValue: Sendable, Equatable {
    case string(String)
    case int32(Int32)
    case int64(Int64)
    case double(Double)
    case bool(Bool)
    case dateTime(TableInstant)
    case guid(String)
    case binary([UInt8])

    var typeName: String {
        switch self {
        case .string: "Edm.String"
        case .int32: "Edm.Int32"
        case .int64: "Edm.Int64"
        case .double: "Edm.Double"
        case .bool: "Edm.Boolean"
        case .dateTime: "Edm.DateTime"
        case .guid: "Edm.Guid"
        case .binary: "Edm.Binary"
        }
    }

    /// Whether minimalmetadata annotates this type (table-service-recorded.md "Edm typing per
    /// metadata level": only Int64, DateTime, Binary and Guid; fullmetadata the same set).
    var annotatedInJSON: Bool {
        switch self {
        case .int64, .dateTime, .guid, .binary: true
        case .string, .int32, .double, .bool: false
        }
    }

    /// The JSON text of the value: Int64 as a string, DateTime trimmed, Binary base64, an integral
    /// Double with `.0` (sent `5` + Edm.Double comes back `5.0`).
    var jsonText: String {
        switch self {
        case .string(let value): return JSONText.quote(value)
        case .int32(let value): return String(value)
        case .int64(let value): return JSONText.quote(String(value))
        case .double(let value):
            if value.isNaN { return "\"NaN\"" }
            if value.isInfinite { return value > 0 ? "\"Infinity\"" : "\"-Infinity\"" }
            if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) + ".0" }
            return "\(value)"
        case .bool(let value): return value ? "true" : "false"
        case .dateTime(let value): return JSONText.quote(value.iso8601(trimmed: true))
        case .guid(let value): return JSONText.quote(value)
        case .binary(let value): return JSONText.quote(Data(value).base64EncodedString())
        }
    }

    /// Size in bytes as the data model counts it: strings are UTF-16, 2 bytes per unit.
    var storageSize: Int {
        switch self {
        case .string(let value): return value.utf16.count * 2 + 4
        case .binary(let value): return value.count + 4
        case .int32: return 4
        case .int64, .double, .dateTime: return 8
        case .bool: return 1
        case .guid: return 16
        }
    }

    /// Ordering for `$filter` comparisons; `nil` when the types differ (no match).
    static func compare(_ lhs: EdmValue, _ rhs: EdmValue) -> Int? {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): return ordinal(a, b)
        case (.int32(let a), .int32(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.int64(let a), .int64(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.double(let a), .double(let b)):
            if a.isNaN || b.isNaN { return nil }
            return a < b ? -1 : (a == b ? 0 : 1)
        case (.bool(let a), .bool(let b)): return a == b ? 0 : (a ? 1 : -1)
        case (.dateTime(let a), .dateTime(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.guid(let a), .guid(let b)): return ordinal(a.lowercased(), b.lowercased())
        case (.binary(let a), .binary(let b)): return a.lexicographicallyPrecedes(b) ? -1 : (a == b ? 0 : 1)
        default: return nil
        }
    }

    /// Ordinal (UTF-16 code unit) order, the order of PartitionKey and RowKey.
    static func ordinal(_ a: String, _ b: String) -> Int {
        if a == b { return 0 }
        return a.utf16.lexicographicallyPrecedes(b.utf16) ? -1 : 1
    }

    /// `8-4-4-4-12` hex digits.
    static func isGUID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                guard (48...57).contains(byte) || (65...70).contains(byte) || (97...102).contains(byte) else { return false }
            }
        }
        return true
    }
}

/// JSON text helpers: the service's bodies are written by hand so that property order is kept.
enum JSONText {
    static func quote(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `{"a":1,"b":2}` from already encoded member values, in the given order.
    static func object(_ members: [(String, String)]) -> String {
        "{" + members.map { quote($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }
}
