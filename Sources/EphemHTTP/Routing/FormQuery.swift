public import EphemCore

/// A request's query string read as HTML forms and browsers write it
/// (`application/x-www-form-urlencoded`, WHATWG URL "urlencoded parsing"): `&`-separated
/// `name=value` pairs, `+` is a space, then percent-decoding as UTF-8. `q=Smith+%26+Co` is
/// `Smith & Co` (issue 13, finding 5). Hummingbird's `queryParameters` does not read `+`.
///
/// Malformed input is refused rather than guessed at: a `%` not followed by two hex digits, or
/// bytes that are not UTF-8 once decoded, is 400 `invalid_query` (SPEC 6.4). At most 64 pairs.
public enum FormQuery {
    public static let maxPairs = 64

    /// The pairs in order; names may repeat (callers decide whether that is allowed).
    public static func parse(_ query: String?) throws(EphemError) -> [(name: String, value: String)] {
        guard let query, !query.isEmpty else { return [] }
        var pairs: [(name: String, value: String)] = []
        for part in query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            guard pairs.count < maxPairs else { throw .invalidQuery(message: "The query has too many parameters.") }
            let bytes = Array(part)
            let equals = bytes.firstIndex(of: UInt8(ascii: "="))
            let name = try decode(equals.map { Array(bytes[..<$0]) } ?? bytes)
            let value = try decode(equals.map { Array(bytes[($0 + 1)...]) } ?? [])
            pairs.append((name, value))
        }
        return pairs
    }

    /// The values of one name, in order.
    public static func values(_ name: String, in pairs: [(name: String, value: String)]) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    static func decode(_ bytes: [UInt8]) throws(EphemError) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                output.append(0x20)
                index += 1
            } else if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) else {
                    throw .invalidQuery(message: "The query has a malformed percent-encoding.")
                }
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(byte)
                index += 1
            }
        }
        guard let text = String(validating: output, as: UTF8.self) else {
            throw .invalidQuery(message: "The query is not UTF-8.")
        }
        return text
    }

    static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
