#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import EphemCore

/// The body the Functions host POSTs to `/{functionName}` in default mode (reference 1.4):
/// `{"Data": {<binding name>: …}, "Metadata": {…}}`. Keys are matched without regard to case,
/// as the host's Newtonsoft serializer does; a missing `Metadata` is tolerated.
public struct InvocationRequest: Sendable, Equatable {
    public var data: [String: JSONValue]
    public var metadata: [String: JSONValue]

    public init(data: [String: JSONValue], metadata: [String: JSONValue] = [:]) {
        self.data = data
        self.metadata = metadata
    }

    public enum DecodingError: Error, Equatable {
        case notAnObject
        case missingData
    }

    public static func decode(_ bytes: some Collection<UInt8>) throws -> InvocationRequest {
        guard let root = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)), root.objectValue != nil else {
            throw DecodingError.notAnObject
        }
        guard let data = root[caseInsensitive: "Data"]?.objectValue else { throw DecodingError.missingData }
        let metadata = root[caseInsensitive: "Metadata"]?.objectValue ?? [:]
        return InvocationRequest(data: data, metadata: metadata)
    }

    /// The first input binding that looks like a timer (`Schedule`/`ScheduleStatus`/`IsPastDue`),
    /// whatever its binding name.
    public var timerInfo: TimerInfo? {
        for value in data.values {
            if let info = TimerInfo(value) { return info }
        }
        return nil
    }

    /// The input binding of that name as an HTTP-trigger request.
    public func httpRequest(binding: String) -> HTTPTriggerRequest? {
        let lower = binding.lowercased()
        guard let value = data.first(where: { $0.key.lowercased() == lower })?.value else { return nil }
        return HTTPTriggerRequest(value)
    }
}

/// `TimerInfo` as the host serializes it: `{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{…}|null,"IsPastDue":false}`.
/// Also accepted as a JSON string holding that object (defensive, reference 1.4).
public struct TimerInfo: Sendable, Equatable {
    public var isPastDue: Bool
    public var last: String?
    public var next: String?

    public init?(_ value: JSONValue) {
        var object = value
        if case .string(let text) = value {
            guard let parsed = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else { return nil }
            object = parsed
        }
        guard object.objectValue != nil else { return nil }
        let hasTimerShape = object[caseInsensitive: "Schedule"] != nil || object[caseInsensitive: "ScheduleStatus"] != nil
            || object[caseInsensitive: "IsPastDue"] != nil
        guard hasTimerShape else { return nil }
        isPastDue = object[caseInsensitive: "IsPastDue"]?.boolValue ?? false
        let status = object[caseInsensitive: "ScheduleStatus"]
        last = status?[caseInsensitive: "Last"]?.stringValue
        next = status?[caseInsensitive: "Next"]?.stringValue
    }
}

/// An HTTP-trigger input as `GetRequestAsJObject` builds it. `Query` arrives as an object (host ≥
/// PR #6621) or as a string holding one (the docs' example); header values as arrays or strings;
/// `Body` is absent when the request had no Content-Length.
public struct HTTPTriggerRequest: Sendable, Equatable {
    public var url: String?
    public var method: String
    public var query: [String: String]
    public var headers: [String: [String]]
    public var params: [String: String]
    public var body: String?

    public init?(_ value: JSONValue) {
        guard value.objectValue != nil, let method = value[caseInsensitive: "Method"]?.stringValue else { return nil }
        self.method = method
        url = value[caseInsensitive: "Url"]?.stringValue
        query = Self.stringMap(value[caseInsensitive: "Query"])
        params = Self.stringMap(value[caseInsensitive: "Params"])
        body = value[caseInsensitive: "Body"]?.stringValue
        var headers: [String: [String]] = [:]
        for (name, headerValue) in value[caseInsensitive: "Headers"]?.objectValue ?? [:] {
            switch headerValue {
            case .array(let items): headers[name.lowercased(), default: []] += items.compactMap(\.stringValue)
            case .string(let item): headers[name.lowercased(), default: []].append(item)
            default: continue
            }
        }
        self.headers = headers
    }

    /// Header values by case-insensitive name.
    public func header(_ name: String) -> [String] { headers[name.lowercased()] ?? [] }

    private static func stringMap(_ value: JSONValue?) -> [String: String] {
        var source = value
        if case .string(let text)? = value {
            source = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        }
        var result: [String: String] = [:]
        for (key, item) in source?.objectValue ?? [:] {
            switch item {
            case .string(let text): result[key] = text
            case .number(let number): result[key] = number.rounded() == number ? String(Int64(number)) : String(number)
            case .bool(let flag): result[key] = String(flag)
            default: continue
            }
        }
        return result
    }
}
