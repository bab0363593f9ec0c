#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Crypto
import EphemCore
import HTTPTypes

/// Who may call the dev Table service:
/// - `Authorization: Bearer <jwt>` signed by the dev tenant (one of its published keys), `aud`
///   `https://storage.azure.com[/]`, `iss` `https://sts.windows.net/{tenant}/`, `exp`/`nbf`
///   current (5 minutes of skew), and `x-ms-version` ≥ 2017-11-09 (reference 4.1). This is what
///   the handlers use (managed-identity tokens).
/// - `Authorization: SharedKey|SharedKeyLite devstoreaccount1:<signature>` with the well-known
///   development storage key, the Table service's Shared Key scheme (learn: "Authorize with
///   Shared Key", Table service and Shared Key Lite): what azure-data-tables sends over http.
struct TableAuthenticator: Sendable {
    static let account = "devstoreaccount1"
    /// The public development storage key of `devstoreaccount1` (the storage emulator's, documented).
    static let developmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
    static let audiences: Set<String> = ["https://storage.azure.com", "https://storage.azure.com/"]
    /// "The storage services ensure that a request is no older than 15 minutes" (reference 4.1).
    static let sharedKeyWindowSeconds: Int64 = 15 * 60

    let tenantId: String
    let signer: TenantSigner

    func check(method: String, rawPath: String, query: [String: String], headers: HTTPFields) -> TableAuthError? {
        guard let authorization = headers[.authorization] else { return .invalidAuthenticationInfo }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return .invalidAuthenticationInfo }
        switch parts[0].lowercased() {
        case "bearer": return checkBearer(String(parts[1]), headers: headers)
        case "sharedkey": return checkSharedKey(String(parts[1]), lite: false, method: method, rawPath: rawPath, query: query, headers: headers)
        case "sharedkeylite": return checkSharedKey(String(parts[1]), lite: true, method: method, rawPath: rawPath, query: query, headers: headers)
        default: return .invalidAuthenticationInfo
        }
    }

    func checkBearer(_ token: String, headers: HTTPFields) -> TableAuthError? {
        guard let version = headers[Self.versionHeader], version >= "2017-11-09" else {
            return TableAuthError(status: 403, code: "AuthenticationFailed",
                                  message: "Authentication scheme Bearer is not supported in this version.")
        }
        let check = ResourceTokenCheck(tenantId: tenantId, signer: signer, audiences: Self.audiences)
        guard case .success = check.claims(of: token, issuers: ["https://sts.windows.net/\(tenantId)/"]) else { return .invalidAuthenticationInfo }
        return nil
    }

    func checkSharedKey(_ credential: String, lite: Bool, method: String, rawPath: String, query: [String: String], headers: HTTPFields) -> TableAuthError? {
        let pieces = credential.split(separator: ":", maxSplits: 1)
        guard pieces.count == 2, pieces[0] == Self.account else {
            return .authenticationFailed("The MAC signature found in the HTTP request is not valid for this account.")
        }
        let date = headers[HTTPField.Name("x-ms-date")!] ?? headers[.date] ?? ""
        guard let instant = TableInstant(rfc1123: date) else {
            return .authenticationFailed("The Date or x-ms-date header is missing or not in RFC 1123 format.")
        }
        let age = (TableInstant.now().ticks - instant.ticks) / TableInstant.ticksPerSecond
        guard abs(age) <= Self.sharedKeyWindowSeconds else {
            return .authenticationFailed("Request date header too old: '\(date)'.")
        }
        let expected = Self.signature(stringToSign(lite: lite, method: method, rawPath: rawPath, query: query, headers: headers, date: date))
        guard constantTimeEqual(Array(expected.utf8), Array(pieces[1].utf8)) else {
            return .authenticationFailed("The MAC signature found in the HTTP request '\(pieces[1])' is not the same as any computed signature.")
        }
        return nil
    }

    /// Shared Key for the Table service: `VERB\nContent-MD5\nContent-Type\nDate\nCanonicalizedResource`;
    /// Shared Key Lite: `Date\nCanonicalizedResource`. `Date` is `x-ms-date` when sent. The
    /// canonicalized resource is `/{account}{encoded path}` (path-style, so the account appears
    /// twice) plus `?comp=…` when that parameter is present.
    func stringToSign(lite: Bool, method: String, rawPath: String, query: [String: String], headers: HTTPFields, date: String) -> String {
        var resource = "/\(Self.account)\(rawPath)"
        if let comp = query["comp"] { resource += "?comp=\(comp)" }
        if lite { return date + "\n" + resource }
        let md5 = headers[HTTPField.Name("Content-MD5")!] ?? ""
        let contentType = headers[.contentType] ?? ""
        return [method, md5, contentType, date, resource].joined(separator: "\n")
    }

    static func signature(_ stringToSign: String) -> String {
        let key = SymmetricKey(data: Data(base64Encoded: developmentKey)!)
        let mac = HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key)
        return Data(mac).base64EncodedString()
    }

    func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    static let versionHeader = HTTPField.Name("x-ms-version")!
}
