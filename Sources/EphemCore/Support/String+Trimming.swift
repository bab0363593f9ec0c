extension StringProtocol {
    /// Trims spaces, tabs and line breaks without needing Foundation's character sets. Works on
    /// Unicode scalars: "\r\n" is one `Character` and would not equal "\n".
    public func trimmingASCIIWhitespace() -> Substring {
        let text = Substring(self)
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        return Substring(scalars[first...last])
    }
}

extension Unicode.Scalar {
    /// A control character (Unicode category Cc: C0, DEL and C1). Text a user typed into a field we
    /// store or search never needs one beyond the line breaks and tabs a field may allow.
    public var isControlCharacter: Bool { properties.generalCategory == .control }
}
