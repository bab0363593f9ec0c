#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import EphemCore
import Synchronization

/// Authorization codes: one use, two minutes, bound to the client, redirect URI and PKCE challenge.
final class AuthorizationCodes: Sendable {
    struct Grant: Sendable {
        var clientId: String
        var redirectURI: String
        var codeChallenge: String
        var userId: String
        var acrs: [String]
        var expires: Date
    }

    private let grants = Mutex<[String: Grant]>([:])
    static let lifetime: TimeInterval = 120

    func issue(_ grant: Grant) -> String {
        let code = (0..<32).map { _ in UInt8.random(in: 0...255) }
        let text = Base64URL.encode(code)
        grants.withLock { $0[text] = grant }
        return text
    }

    /// Removes and returns the grant: a code works at most once, even when the exchange fails.
    func redeem(_ code: String) -> Grant? {
        grants.withLock { $0.removeValue(forKey: code) }
    }
}
