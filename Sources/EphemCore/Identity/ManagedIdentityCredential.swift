#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// App Service / Functions managed identity (reference 3): `GET {IDENTITY_ENDPOINT}?resource=…&api-version=2019-08-01`
/// with `X-IDENTITY-HEADER`. 5xx, 429 and transport failures are retried with backoff, at most
/// three attempts; everything else fails at once. The header value is never logged.
public struct ManagedIdentityCredential: AccessTokenProvider {
    let endpoint: String
    let identityHeader: String
    let http: OutboundHTTP
    let logger: Logger
    let cache: TokenCache

    public init(endpoint: String, identityHeader: String, http: OutboundHTTP, logger: Logger, now: @escaping @Sendable () -> Date = Date.init) {
        self.endpoint = endpoint
        self.identityHeader = identityHeader
        self.http = http
        self.logger = logger
        let fetcher = Fetcher(endpoint: endpoint, identityHeader: identityHeader, http: http, logger: logger, now: now)
        cache = TokenCache(now: now) { resource throws(EphemError) in try await fetcher.fetch(resource) }
    }

    public func token(for resource: String) async throws(EphemError) -> String {
        try await cache.token(for: resource)
    }

    /// How many token requests reached the endpoint (for tests and benchmarks).
    public var fetchCount: Int { get async { await cache.fetchCount } }

    struct Fetcher: Sendable {
        let endpoint: String
        let identityHeader: String
        let http: OutboundHTTP
        let logger: Logger
        let now: @Sendable () -> Date
        static let attempts = 3

        func fetch(_ resource: String) async throws(EphemError) -> IssuedToken {
            let separator = endpoint.contains("?") ? "&" : "?"
            let url = "\(endpoint)\(separator)resource=\(URLQuery.encode(resource))&api-version=2019-08-01"
            var lastProblem = "no attempt"
            for attempt in 1...Self.attempts {
                let response: OutboundHTTP.Response
                do {
                    response = try await http.send(method: "GET", url: url, headers: [("X-IDENTITY-HEADER", identityHeader), ("Metadata", "true")], timeout: .seconds(5), maxBody: 64 << 10)
                } catch {
                    lastProblem = "transport \(error)"
                    try await backoff(attempt)
                    continue
                }
                if response.status == 200 {
                    guard let token = Self.parse(response.body, obtainedAt: now()) else {
                        throw .upstreamUnavailable(detail: "managed identity answered 200 without a usable token")
                    }
                    return token
                }
                lastProblem = "status \(response.status)"
                guard response.status >= 500 || response.status == 429 else { break }
                try await backoff(attempt)
            }
            logger.error("managed identity token request failed", metadata: ["identity.resource": "\(resource)", "identity.problem": "\(lastProblem)"])
            throw .upstreamUnavailable(detail: "managed identity: \(lastProblem)")
        }

        func backoff(_ attempt: Int) async throws(EphemError) {
            guard attempt < Self.attempts else { return }
            do {
                try await Task.sleep(for: .milliseconds(200 * (1 << (attempt - 1))))
            } catch {
                throw .upstreamUnavailable(detail: "cancelled")
            }
        }

        /// `{"access_token","expires_on","resource","token_type"}`; `expires_on` as epoch seconds
        /// in a string or a number, or the older `M/d/yyyy h:mm:ss AM +00:00` form.
        static func parse(_ body: [UInt8], obtainedAt: Date) -> IssuedToken? {
            guard let json = try? StrictJSON.parse(body), let token = json["access_token"]?.stringValue, !token.isEmpty else { return nil }
            let expires: Date?
            switch json["expires_on"] {
            case .number(let seconds)?: expires = Date(timeIntervalSince1970: seconds)
            case .string(let text)?: expires = Double(text).map(Date.init(timeIntervalSince1970:)) ?? LegacyExpiry.parse(text)
            default: expires = json["expires_in"]?.doubleValue.map { obtainedAt.addingTimeInterval($0) }
            }
            guard let expires, expires > obtainedAt else { return nil }
            return IssuedToken(value: token, expiresOn: expires, obtainedAt: obtainedAt)
        }
    }
}

/// The 2017-09-01 API's `expires_on` (`"06/20/2019 02:57:58 +00:00"`, optionally with AM/PM),
/// which azure-identity still accepts.
enum LegacyExpiry {
    static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count >= 3 else { return nil }
        let date = parts[0].split(separator: "/").compactMap { Int($0) }
        let time = parts[1].split(separator: ":").compactMap { Int($0) }
        guard date.count == 3, time.count == 3 else { return nil }
        var hour = time[0]
        if parts.count == 4 {
            if parts[2].uppercased() == "PM", hour < 12 { hour += 12 }
            if parts[2].uppercased() == "AM", hour == 12 { hour = 0 }
        }
        guard parts.last == "+00:00" else { return nil }
        var components = DateComponents()
        components.year = date[2]; components.month = date[0]; components.day = date[1]
        components.hour = hour; components.minute = time[1]; components.second = time[2]
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        return calendar.date(from: components)
    }
}

/// Percent-encoding for query values (RFC 3986 unreserved characters pass).
public enum URLQuery {
    public static func encode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return result
    }
}

extension String {
    func leftPadded(to length: Int) -> String { count >= length ? self : String(repeating: "0", count: length - count) + self }
}
