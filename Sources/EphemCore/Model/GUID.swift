/// Object ids, tenant ids, client ids and role template ids are GUIDs in the canonical 8-4-4-4-12
/// hexadecimal form. Entra compares them case-insensitively; we keep them lower-cased so that a
/// target is always identified by one spelling (SPEC 7.2: only the resolved object id is used).
public struct GUID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let value: String

    /// Accepts exactly `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (hex, any case); no braces, no spaces.
    public init?(_ text: some StringProtocol) {
        let utf8 = Array(text.utf8)
        guard utf8.count == 36 else { return nil }
        for (index, byte) in utf8.enumerated() {
            switch index {
            case 8, 13, 18, 23:
                guard byte == UInt8(ascii: "-") else { return nil }
            default:
                let isHex = (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 70) || (byte >= 97 && byte <= 102)
                guard isHex else { return nil }
            }
        }
        self.value = String(decoding: utf8, as: UTF8.self).lowercased()
    }

    public var description: String { value }
    public static func < (lhs: GUID, rhs: GUID) -> Bool { lhs.value < rhs.value }
}
