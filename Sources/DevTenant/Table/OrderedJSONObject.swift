/// A request body's top-level JSON object with its members in the order they were sent (an
/// inserted entity's properties come back in request order, table-service-recorded.md "Property
/// order") and numbers kept as text (so `5` and `5.0` stay distinguishable). Members may be
/// scalars only; nested objects and arrays are reported as `.nested`. Strict: duplicate members,
/// trailing data, bad escapes and lone surrogates are errors.
struct OrderedJSONObject {
    enum Scalar: Equatable {
        case string(String)
        case number(String)
        case bool(Bool)
        case null
        case nested
    }

    enum Problem: Error, Equatable {
        case syntax
        case duplicate(String)
    }

    var members: [(name: String, value: Scalar)] = []

    subscript(name: String) -> Scalar? { members.first { $0.name == name }?.value }

    init(_ bytes: [UInt8]) throws(Problem) {
        var reader = Reader(bytes: bytes)
        reader.skipSpace()
        guard reader.take(UInt8(ascii: "{")) else { throw .syntax }
        var seen = Set<String>()
        reader.skipSpace()
        if !reader.take(UInt8(ascii: "}")) {
            repeat {
                reader.skipSpace()
                let name = try reader.string()
                reader.skipSpace()
                guard reader.take(UInt8(ascii: ":")) else { throw .syntax }
                reader.skipSpace()
                let value = try reader.value()
                guard seen.insert(name).inserted else { throw .duplicate(name) }
                members.append((name, value))
                reader.skipSpace()
            } while reader.take(UInt8(ascii: ","))
            guard reader.take(UInt8(ascii: "}")) else { throw .syntax }
        }
        reader.skipSpace()
        guard reader.index == bytes.count else { throw .syntax }
    }

    struct Reader {
        let bytes: [UInt8]
        var index = 0

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func take(_ byte: UInt8) -> Bool {
            guard peek == byte else { return false }
            index += 1
            return true
        }

        mutating func skipSpace() {
            while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        mutating func literal(_ word: String) -> Bool {
            let utf8 = Array(word.utf8)
            guard index + utf8.count <= bytes.count, Array(bytes[index..<index + utf8.count]) == utf8 else { return false }
            index += utf8.count
            return true
        }

        mutating func value() throws(Problem) -> Scalar {
            guard let byte = peek else { throw .syntax }
            switch byte {
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): if literal("true") { return .bool(true) }
            case UInt8(ascii: "f"): if literal("false") { return .bool(false) }
            case UInt8(ascii: "n"): if literal("null") { return .null }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                try skipNested()
                return .nested
            default: return .number(try number())
            }
            throw .syntax
        }

        /// JSON number grammar, kept as text.
        mutating func number() throws(Problem) -> String {
            let start = index
            _ = take(UInt8(ascii: "-"))
            guard let first = peek, isDigit(first) else { throw .syntax }
            if first == UInt8(ascii: "0") { index += 1 } else { while let d = peek, isDigit(d) { index += 1 } }
            if take(UInt8(ascii: ".")) {
                guard let d = peek, isDigit(d) else { throw .syntax }
                while let d = peek, isDigit(d) { index += 1 }
            }
            if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
                if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
                guard let d = peek, isDigit(d) else { throw .syntax }
                while let d = peek, isDigit(d) { index += 1 }
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        func isDigit(_ byte: UInt8) -> Bool { (48...57).contains(byte) }

        mutating func string() throws(Problem) -> String {
            guard take(UInt8(ascii: "\"")) else { throw .syntax }
            var text = ""
            var run = index
            while true {
                guard let byte = peek else { throw .syntax }
                if byte < 0x20 { throw .syntax }
                guard byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else {
                    index += 1
                    continue
                }
                guard let chunk = String(validating: bytes[run..<index], as: UTF8.self) else { throw .syntax }
                text += chunk
                index += 1
                if byte == UInt8(ascii: "\"") { return text }
                try escape(into: &text)
                run = index
            }
        }

        mutating func escape(into text: inout String) throws(Problem) {
            guard let byte = peek else { throw .syntax }
            index += 1
            switch byte {
            case UInt8(ascii: "\""): text += "\""
            case UInt8(ascii: "\\"): text += "\\"
            case UInt8(ascii: "/"): text += "/"
            case UInt8(ascii: "b"): text += "\u{08}"
            case UInt8(ascii: "f"): text += "\u{0C}"
            case UInt8(ascii: "n"): text += "\n"
            case UInt8(ascii: "r"): text += "\r"
            case UInt8(ascii: "t"): text += "\t"
            case UInt8(ascii: "u"):
                let unit = try hex4()
                if (0xD800...0xDBFF).contains(unit) {
                    guard take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")) else { throw .syntax }
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low),
                          let scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)) else { throw .syntax }
                    text.unicodeScalars.append(scalar)
                } else {
                    guard let scalar = Unicode.Scalar(unit) else { throw .syntax }  // lone low surrogate
                    text.unicodeScalars.append(scalar)
                }
            default: throw .syntax
            }
        }

        mutating func hex4() throws(Problem) -> UInt32 {
            guard index + 4 <= bytes.count,
                  bytes[index..<index + 4].allSatisfy({ isDigit($0) || (65...70).contains($0) || (97...102).contains($0) }),
                  let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else { throw .syntax }
            index += 4
            return value
        }

        /// Skips a nested object or array (strings inside may hold brackets).
        mutating func skipNested() throws(Problem) {
            var depth = 0
            repeat {
                guard let byte = peek else { throw .syntax }
                if byte == UInt8(ascii: "\"") {
                    _ = try string()
                    continue
                }
                if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") { depth += 1 }
                if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") { depth -= 1 }
                index += 1
            } while depth > 0
        }
    }
}
