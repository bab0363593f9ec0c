public import EphemCore

/// What a handler answers to a default-mode invocation (reference 1.5), always with HTTP 2xx:
/// `{"Outputs": {}, "Logs": [...], "ReturnValue": null}`. The host copies `Logs` into the invocation
/// log, so lines here follow the same rule as every log line: no tokens, no TAPs.
public struct InvocationResponse: Sendable, Equatable, Encodable {
    public var outputs: [String: JSONValue]
    public var logs: [String]
    public var returnValue: JSONValue

    public init(outputs: [String: JSONValue] = [:], logs: [String], returnValue: JSONValue = .null) {
        self.outputs = outputs
        self.logs = logs
        self.returnValue = returnValue
    }

    enum CodingKeys: String, CodingKey {
        case outputs = "Outputs"
        case logs = "Logs"
        case returnValue = "ReturnValue"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(outputs, forKey: .outputs)
        try container.encode(logs, forKey: .logs)
        try container.encode(returnValue, forKey: .returnValue)
    }
}
