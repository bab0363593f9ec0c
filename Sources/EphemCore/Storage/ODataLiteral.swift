/// OData literals for `$filter` and entity keys (reference 4.2): a single quote inside a string is
/// doubled. Every value that comes from a request goes through here; nothing is concatenated raw.
public enum ODataLiteral {
    public static func string(_ value: String) -> String {
        var escaped = "'"
        for character in value {
            escaped.append(character)
            if character == "'" { escaped.append("'") }
        }
        return escaped + "'"
    }

    public static func dateTime(_ iso: String) -> String { "datetime'\(iso)'" }

    public static func int64(_ value: Int64) -> String { "\(value)L" }
}

/// Keys are safe for Table Storage when they avoid `/ \ # ?` and control characters (reference 4.3).
public enum TableKey {
    public static func isValid(_ key: String) -> Bool {
        key.utf8.count <= 1024 && !key.unicodeScalars.contains { scalar in
            scalar == "/" || scalar == "\\" || scalar == "#" || scalar == "?" || scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
        }
    }
}
