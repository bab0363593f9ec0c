#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An entity's key, ordered PartitionKey then RowKey, both ordinal: the order of query results.
struct EntityKey: Sendable, Hashable, Comparable {
    var partitionKey: String
    var rowKey: String

    static func < (lhs: EntityKey, rhs: EntityKey) -> Bool {
        let pk = EdmValue.ordinal(lhs.partitionKey, rhs.partitionKey)
        return pk != 0 ? pk < 0 : EdmValue.ordinal(lhs.rowKey, rhs.rowKey) < 0
    }
}

struct EntityProperty: Sendable, Equatable {
    var name: String
    var value: EdmValue
}

/// A stored entity: keys, server Timestamp and custom properties in their response order.
struct TableEntity: Sendable {
    var key: EntityKey
    var timestamp: TableInstant
    var properties: [EntityProperty]

    /// `W/"datetime'2017-11-10T02%3A44%3A47.6221962Z'"`: the Timestamp, trimmed, with only the
    /// `:` percent-encoded (table-service-recorded.md "ETag / Timestamp").
    var etag: String {
        "W/\"datetime'" + timestamp.iso8601(trimmed: true).replacing(":", with: "%3A") + "'\""
    }

    /// The value of a property as `$filter` sees it, system properties included.
    func value(of name: String) -> EdmValue? {
        switch name {
        case "PartitionKey": .string(key.partitionKey)
        case "RowKey": .string(key.rowKey)
        case "Timestamp": .dateTime(timestamp)
        default: properties.first { $0.name == name }?.value
        }
    }
}

/// Data-model limits (reference 4.3 "Data-model limits").
enum EntityRules {
    static let maxCustomProperties = 252
    static let maxKeyBytes = 1024
    static let maxValueBytes = 64 * 1024
    static let maxEntityBytes = 1024 * 1024
    static let maxPropertyName = 255

    /// Keys may not contain `/ \ # ?`, U+0000–U+001F or U+007F–U+009F; at most 1 KiB (UTF-16).
    static func checkKey(_ key: String) throws(TableError) {
        for scalar in key.unicodeScalars {
            let v = scalar.value
            if v < 0x20 || (0x7F...0x9F).contains(v) || scalar == "/" || scalar == "\\" || scalar == "#" || scalar == "?" {
                throw .invalidInput("The key contains a character that is not allowed.")
            }
        }
        if key.utf16.count * 2 > maxKeyBytes { throw .keyValueTooLarge }
    }

    /// C# identifier rules (letters, digits, `_`; not starting with a digit), at most 255 characters.
    static func checkPropertyName(_ name: String) throws(TableError) {
        guard name.count <= maxPropertyName else { throw .propertyNameTooLong }
        guard let first = name.unicodeScalars.first, first.properties.isAlphabetic || first == "_",
              name.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "_" })
        else { throw .propertyNameInvalid }
    }

    static func checkSizes(_ key: EntityKey, _ properties: [EntityProperty]) throws(TableError) {
        guard properties.count <= maxCustomProperties else { throw .tooManyProperties }
        var total = 4 + (key.partitionKey.utf16.count + key.rowKey.utf16.count) * 2 + 8 + 8
        for property in properties {
            switch property.value {
            case .string(let text) where text.utf16.count * 2 > maxValueBytes: throw .propertyValueTooLarge
            case .binary(let bytes) where bytes.count > maxValueBytes: throw .propertyValueTooLarge
            default: break
            }
            total += 8 + property.name.utf16.count * 2 + property.value.storageSize
        }
        if total > maxEntityBytes { throw .entityTooLarge }
    }
}

/// The body of an insert, update or merge: keys (if present) and typed properties, in order.
/// `X@odata.type` annotations type their property (reference 4.3); `null` properties are
/// dropped; `odata.*` members and `Timestamp` are ignored, as the service ignores them.
struct EntityBody {
    var partitionKey: String?
    var rowKey: String?
    var properties: [EntityProperty] = []

    init(_ bytes: [UInt8]) throws(TableError) {
        let object: OrderedJSONObject
        do {
            object = try OrderedJSONObject(bytes)
        } catch .duplicate(_) {
            throw .duplicateProperties
        } catch {
            throw .invalidInput("The request body is not a JSON object.")
        }
        var annotations: [String: String] = [:]
        for member in object.members where member.name.hasSuffix("@odata.type") {
            guard case .string(let type) = member.value else { throw .invalidInput("An odata.type annotation must be a string.") }
            annotations[String(member.name.dropLast("@odata.type".count))] = type
        }
        for (name, value) in object.members {
            if name.hasPrefix("odata.") || name.hasSuffix("@odata.type") || name == "Timestamp" { continue }
            if name == "PartitionKey" || name == "RowKey" {
                guard case .string(let key) = value else { throw .propertiesNeedValue }
                if name == "PartitionKey" { partitionKey = key } else { rowKey = key }
                continue
            }
            try EntityRules.checkPropertyName(name)
            if value == .null { continue }
            properties.append(EntityProperty(name: name, value: try Self.typed(value, annotation: annotations[name])))
        }
        for name in annotations.keys where object[name] == nil && name != "Timestamp" {
            throw .invalidInput("The annotation for '\(name)' has no property.")
        }
    }

    static func typed(_ value: OrderedJSONObject.Scalar, annotation: String?) throws(TableError) -> EdmValue {
        let mismatch = TableError.invalidInput("A property value does not match its type.")
        switch (annotation, value) {
        case (nil, .string(let text)), ("Edm.String", .string(let text)): return .string(text)
        case (nil, .bool(let flag)), ("Edm.Boolean", .bool(let flag)): return .bool(flag)
        case (nil, .number(let text)):
            if let int = Int32(text) { return .int32(int) }
            guard let double = Double(text) else { throw mismatch }
            return .double(double)
        case ("Edm.Int32", .number(let text)):
            guard let int = Int32(text) else { throw mismatch }
            return .int32(int)
        case ("Edm.Int64", .string(let text)), ("Edm.Int64", .number(let text)):
            guard let int = Int64(text) else { throw mismatch }
            return .int64(int)
        case ("Edm.Double", .number(let text)):
            guard let double = Double(text), double.isFinite else { throw mismatch }
            return .double(double)
        case ("Edm.Double", .string(let text)):
            switch text {
            case "NaN": return .double(.nan)
            case "Infinity", "INF": return .double(.infinity)
            case "-Infinity", "-INF": return .double(-.infinity)
            default:
                guard let double = Double(text) else { throw mismatch }
                return .double(double)
            }
        case ("Edm.DateTime", .string(let text)):
            guard let instant = TableInstant(iso8601: text) else { throw mismatch }
            return .dateTime(instant)
        case ("Edm.Guid", .string(let text)):
            guard EdmValue.isGUID(text) else { throw mismatch }
            return .guid(text)
        case ("Edm.Binary", .string(let text)):
            guard let bytes = Data(base64Encoded: text) else { throw mismatch }
            return .binary([UInt8](bytes))
        case (nil, .nested), (_, .nested):
            throw .invalidInput("Property values must be JSON scalars.")
        default:
            throw mismatch
        }
    }
}
