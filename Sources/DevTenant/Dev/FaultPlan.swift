#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// `POST /dev/faults` (SPEC 8): failures and delays injected into one simulated service.
public struct Fault: Sendable, Codable, Equatable {
    public var target: UpstreamTarget
    public var pathPrefix: String?
    public var method: String?
    public var status: Int?
    public var retryAfterSeconds: Int?
    public var delayMs: Int?
    /// How many matching requests it affects; `nil`: until `DELETE /dev/faults`.
    public var count: Int?

    public init(target: UpstreamTarget, pathPrefix: String? = nil, method: String? = nil, status: Int? = nil,
                retryAfterSeconds: Int? = nil, delayMs: Int? = nil, count: Int? = nil) {
        self.target = target
        self.pathPrefix = pathPrefix
        self.method = method
        self.status = status
        self.retryAfterSeconds = retryAfterSeconds
        self.delayMs = delayMs
        self.count = count
    }

    func matches(target: UpstreamTarget, method: String, path: String) -> Bool {
        self.target == target
            && (self.method.map { $0.uppercased() == method.uppercased() } ?? true)
            && (pathPrefix.map { path.hasPrefix($0) } ?? true)
    }
}

/// The active faults; each matching request consumes one use of the first matching fault.
public final class FaultPlan: Sendable {
    private let faults = Mutex<[Fault]>([])

    public init() {}

    public func add(_ fault: Fault) { faults.withLock { $0.append(fault) } }
    public func clear() { faults.withLock { $0.removeAll() } }

    func take(target: UpstreamTarget, method: String, path: String) -> Fault? {
        faults.withLock { faults in
            guard let index = faults.firstIndex(where: { $0.matches(target: target, method: method, path: path) }) else { return nil }
            let fault = faults[index]
            if let count = fault.count {
                if count <= 1 { faults.remove(at: index) } else { faults[index].count = count - 1 }
            }
            return fault
        }
    }
}

/// `GET /dev/requests` (SPEC 8): every upstream call the simulated services saw.
public struct RequestRecord: Sendable, Codable, Equatable {
    public var target: UpstreamTarget
    public var method: String
    public var path: String
    public var status: Int
    public var startedAt: String
    public var endedAt: String
}

public final class RequestLog: Sendable {
    private let records = Mutex<[RequestRecord]>([])

    public init() {}

    func append(_ record: RequestRecord) { records.withLock { $0.append(record) } }
    public var all: [RequestRecord] { records.withLock { $0 } }
    public func clear() { records.withLock { $0.removeAll() } }
}
