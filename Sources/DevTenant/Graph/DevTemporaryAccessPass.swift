#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A user's Temporary Access Pass as the simulated Graph holds it (reference 1). Tests read it
/// through `DevGraph.temporaryAccessPass(forUser:)`; Graph itself shows `temporaryAccessPass`
/// only in the answer to the `POST` that created it.
public struct DevTemporaryAccessPass: Sendable, Equatable {
    public var id: String
    /// The secret. Never in a Graph answer other than the creating `POST`.
    public var temporaryAccessPass: String
    public var createdDateTime: Date
    public var startDateTime: Date
    public var lifetimeInMinutes: Int
    public var isUsableOnce: Bool
    /// Set by `DevGraph.markTemporaryAccessPassUsed(forUser:)` (a sign-in with a one-time TAP).
    public var used: Bool
    /// The authentication methods policy disables this pass (`FaultAnswer.unusable`): Graph then
    /// reports `isUsable: false`, `methodUsabilityReason: DisabledByPolicy` (a documented value of
    /// the resource `temporaryaccesspassauthenticationmethod.md`; reference 1.1).
    public var disabledByPolicy = false

    public var expiresDateTime: Date { startDateTime.addingTimeInterval(Double(lifetimeInMinutes) * 60) }

    /// `methodUsabilityReason` at `now`: `NotYetValid` before the start, `Expired` after the
    /// lifetime, `OneTimeUsed` after a sign-in with a one-time TAP, else `EnabledByPolicy`.
    public func usabilityReason(at now: Date) -> String {
        if disabledByPolicy { return "DisabledByPolicy" }
        if now < startDateTime { return "NotYetValid" }
        if now >= expiresDateTime { return "Expired" }
        if used && isUsableOnce { return "OneTimeUsed" }
        return "EnabledByPolicy"
    }

    public func isUsable(at now: Date) -> Bool { usabilityReason(at: now) == "EnabledByPolicy" }

    /// The method object; `secret` only for the creating `POST`, `null` otherwise.
    func json(now: Date, includeSecret: Bool, context: String? = nil) -> GraphJSON {
        var members: [(String, GraphJSON)] = [
            ("@odata.type", .string("#microsoft.graph.temporaryAccessPassAuthenticationMethod")),
            ("id", .string(id)),
            ("temporaryAccessPass", includeSecret ? .string(temporaryAccessPass) : .null),
            ("createdDateTime", .string(ISOTime.string(createdDateTime))),
            ("startDateTime", .string(ISOTime.string(startDateTime, fractional: !Self.wholeSecond(startDateTime)))),
            ("lifetimeInMinutes", .int(lifetimeInMinutes)),
            ("isUsableOnce", .bool(isUsableOnce)),
            ("isUsable", .bool(isUsable(at: now))),
            ("methodUsabilityReason", .string(usabilityReason(at: now))),
        ]
        if let context { members.insert(("@odata.context", .string(context)), at: 0) }
        return .object(members)
    }

    static func wholeSecond(_ date: Date) -> Bool {
        let seconds = date.timeIntervalSince1970
        return seconds.rounded() == seconds
    }

    // MARK: the secret

    static let letters = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ")
    static let digits = Array("23456789")
    static let symbols = Array("+!@#$%&*=?-")

    /// A random TAP of `length` characters from the system CSPRNG (`SystemRandomNumberGenerator`
    /// is `getrandom`/`arc4random`): letters, digits and at least one symbol and one digit, as
    /// Entra's (`+drkzqAD`) may contain symbols. Ambiguous characters (`0 O 1 l I`) are left out.
    static func generateSecret(length: Int) -> String {
        var random = SystemRandomNumberGenerator()
        let all = letters + digits + symbols
        var characters = (0..<max(length, 2)).map { _ in all.randomElement(using: &random)! }
        let symbolAt = Int.random(in: 0..<characters.count, using: &random)
        var digitAt = Int.random(in: 0..<characters.count, using: &random)
        while digitAt == symbolAt { digitAt = Int.random(in: 0..<characters.count, using: &random) }
        characters[symbolAt] = symbols.randomElement(using: &random)!
        characters[digitAt] = digits.randomElement(using: &random)!
        return String(characters)
    }
}
