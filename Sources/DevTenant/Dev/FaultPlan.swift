#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import EphemCore
import Synchronization

/// How the TAP create answers under a fault (`Fault.answer`), each a state Graph documents for
/// the create's 201 (microsoftgraph/microsoft-graph-docs-contrib
/// `api-reference/v1.0/api/authentication-post-temporaryaccesspassmethods.md` and the resource
/// `temporaryaccesspassauthenticationmethod.md`; /work/shared/reference/graph-contracts.md 1.1).
public enum FaultAnswer: String, Sendable, Codable, Equatable {
    /// The pass is created but the authentication methods policy disables it: the 201 says
    /// `"isUsable": false, "methodUsabilityReason": "DisabledByPolicy"` (a documented
    /// `methodUsabilityReason` value), and so do later reads.
    case unusable
    /// The pass is created but the 201 lacks the `temporaryAccessPass` member (the secret is
    /// otherwise only in the create's answer, so it is lost).
    case withoutSecret

    /// The answer mode of the fault being applied to the current request, set by
    /// `UpstreamMiddleware` around the route.
    @TaskLocal static var current: FaultAnswer?
}

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
    /// The service acts, then its answer is held back this long: past a client's timeout the
    /// caller loses an answer whose effect happened (a TAP that exists although the create timed
    /// out, as reference 7 warns for 5xx and timeouts).
    public var answerDelayMs: Int?
    /// The TAP create's 201 in a documented but unwelcome shape (`FaultAnswer`).
    public var answer: FaultAnswer?
    /// A canned answer with `status` (default 200) in Graph's headers: e.g. a `memberOf`
    /// collection naming an administrative unit with `isMemberManagementRestricted: true`
    /// (`api-reference/v1.0/api/user-list-memberof.md`, `resources/administrativeunit.md`), which
    /// the seed cannot express yet.
    public var body: JSONValue?
    /// Extra headers of the canned answer: e.g. the Table service's continuation headers
    /// `x-ms-continuation-NextPartitionKey`/`-NextRowKey` (reference 4.2), to stage a service that
    /// repeats one token forever (issue 13, finding 1).
    public var headers: [String: String]?

    public init(target: UpstreamTarget, pathPrefix: String? = nil, method: String? = nil, status: Int? = nil,
                retryAfterSeconds: Int? = nil, delayMs: Int? = nil, count: Int? = nil, answerDelayMs: Int? = nil, answer: FaultAnswer? = nil,
                body: JSONValue? = nil, headers: [String: String]? = nil) {
        self.target = target
        self.pathPrefix = pathPrefix
        self.method = method
        self.status = status
        self.retryAfterSeconds = retryAfterSeconds
        self.delayMs = delayMs
        self.count = count
        self.answerDelayMs = answerDelayMs
        self.answer = answer
        self.body = body
        self.headers = headers
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
