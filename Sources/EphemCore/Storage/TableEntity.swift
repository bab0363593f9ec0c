#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A property value with its Entity Data Model type (reference 4.3). On the wire Int64, DateTime,
/// Guid and Binary travel as strings with an `@odata.type` annotation; the others as plain JSON.
public enum TableValue: Sendable, Equatable {
    case string(String)
    case int32(Int32)
    case int64(Int64)
    case double(Double)
    case bool(Bool)
    /// An ISO 8601 UTC instant, up to 7 fractional digits.
    case dateTime(String)
    case guid(String)
    case binary([UInt8])

    public var stringValue: String? { if case .string(let value) = self { value } else { nil } }
    public var int64Value: Int64? {
        switch self {
        case .int64(let value): value
        case .int32(let value): Int64(value)
        default: nil
        }
    }
    public var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }
    public var dateTimeValue: String? { if case .dateTime(let value) = self { value } else { nil } }
}

/// One Table Storage entity: its keys, its ETag when read, and typed properties.
public struct TableEntity: Sendable, Equatable {
    public var partitionKey: String
    public var rowKey: String
    public var etag: String?
    public var timestamp: String?
    public var properties: [String: TableValue]

    public init(partitionKey: String, rowKey: String, properties: [String: TableValue] = [:], etag: String? = nil, timestamp: String? = nil) {
        self.partitionKey = partitionKey
        self.rowKey = rowKey
        self.properties = properties
        self.etag = etag
        self.timestamp = timestamp
    }

    public subscript(_ name: String) -> TableValue? {
        get { properties[name] }
        set { properties[name] = newValue }
    }

    /// The request body: keys, properties, and the annotations types need (reference 4.3).
    func jsonBody() -> [UInt8] {
        var object: [String: JSONValue] = ["PartitionKey": .string(partitionKey), "RowKey": .string(rowKey)]
        for (name, value) in properties {
            switch value {
            case .string(let text): object[name] = .string(text)
            case .int32(let number): object[name] = .number(Double(number))
            case .int64(let number):
                object[name] = .string(String(number))
                object["\(name)@odata.type"] = .string("Edm.Int64")
            case .double(let number):
                object[name] = .number(number)
                object["\(name)@odata.type"] = .string("Edm.Double")
            case .bool(let flag): object[name] = .bool(flag)
            case .dateTime(let text):
                object[name] = .string(text)
                object["\(name)@odata.type"] = .string("Edm.DateTime")
            case .guid(let text):
                object[name] = .string(text)
                object["\(name)@odata.type"] = .string("Edm.Guid")
            case .binary(let bytes):
                object[name] = .string(Data(bytes).base64EncodedString())
                object["\(name)@odata.type"] = .string("Edm.Binary")
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(JSONValue.object(object))) ?? Data())
    }

    /// Reads an entity from a minimal-metadata JSON object; `etag` from `odata.etag` or the header.
    init?(json: [String: JSONValue], etag headerETag: String? = nil) {
        guard let partitionKey = json["PartitionKey"]?.stringValue, let rowKey = json["RowKey"]?.stringValue else { return nil }
        self.partitionKey = partitionKey
        self.rowKey = rowKey
        etag = json["odata.etag"]?.stringValue ?? headerETag
        timestamp = json["Timestamp"]?.stringValue
        var properties: [String: TableValue] = [:]
        for (name, value) in json where !name.contains("@") && !name.hasPrefix("odata.") {
            if ["PartitionKey", "RowKey", "Timestamp"].contains(name) { continue }
            let type = json["\(name)@odata.type"]?.stringValue
            switch (value, type) {
            case (.string(let text), "Edm.Int64"?): if let number = Int64(text) { properties[name] = .int64(number) }
            case (.string(let text), "Edm.DateTime"?): properties[name] = .dateTime(text)
            case (.string(let text), "Edm.Guid"?): properties[name] = .guid(text)
            case (.string(let text), "Edm.Binary"?): properties[name] = Data(base64Encoded: text).map { .binary(Array($0)) }
            case (.string(let text), _): properties[name] = .string(text)
            case (.bool(let flag), _): properties[name] = .bool(flag)
            case (.number(let number), "Edm.Double"?): properties[name] = .double(number)
            case (.number(let number), _):
                if number.rounded() == number, let small = Int32(exactly: number) { properties[name] = .int32(small) } else { properties[name] = .double(number) }
            default: continue
            }
        }
        self.properties = properties
    }
}
