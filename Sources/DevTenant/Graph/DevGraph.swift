#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// The simulated Microsoft Graph's state and its test-facing controls (`DevTenantServer.graph`).
/// The directory comes from the seed and changes only through `changeDirectory` (a test control);
/// Temporary Access Passes and sent mail change as Graph is called.
public final class DevGraph: Sendable {
    /// The directory as it is now.
    var directory: GraphDirectory { directoryState.withLock { $0 } }
    private let directoryState: Mutex<GraphDirectory>

    private struct State {
        var taps: [String: DevTemporaryAccessPass] = [:]
        var created: [String: Int] = [:]
        var mail: [SentMail] = []
        var maxPageSize = GraphPaging.largestPage
        var clockOffset: TimeInterval = 0
    }

    private let state = Mutex(State())
    /// What happens outside the product (SPEC 8, issue 16): registered methods, directory audit.
    let simulation = Mutex(DevSimulation())

    init(seed: Seed) {
        directoryState = Mutex(GraphDirectory(seed: seed))
    }

    /// Changes the directory as an administrator would in Entra between two requests, e.g. a new
    /// manager (Graph "Assign manager", `PUT /users/{id}/manager/$ref`) or a new role assignment
    /// ("Create unifiedRoleAssignment"): a real directory is not frozen, and SPEC 7.6 checks the
    /// manager and the guard again at pick-up for that reason. Every later Graph answer reflects it.
    public func changeDirectory(_ change: (inout Seed) -> Void) {
        directoryState.withLock { current in
            var seed = current.seed
            change(&seed)
            current = GraphDirectory(seed: seed)
        }
    }

    // MARK: paging

    /// The most items one page of any collection holds (Graph's maximum, 999, by default), also
    /// when `$top` asks for more; tests set small values so clients must follow `@odata.nextLink`.
    public func setMaxPageSize(_ n: Int) {
        state.withLock { $0.maxPageSize = max(1, min(n, GraphPaging.largestPage)) }
    }

    var maxPageSize: Int { state.withLock { $0.maxPageSize } }

    // MARK: the clock

    /// Graph's "now" for TAP timestamps and usability: the real time plus `advanceClock` offsets.
    public var now: Date { Date().addingTimeInterval(state.withLock { $0.clockOffset }) }

    /// Moves the TAP clock forward (lets a test see a TAP expire without waiting).
    public func advanceClock(by seconds: TimeInterval) {
        state.withLock { $0.clockOffset += seconds }
    }

    // MARK: Temporary Access Passes

    /// The user's current TAP (by object id or UPN), expired ones included, or `nil`.
    public func temporaryAccessPass(forUser user: String) -> DevTemporaryAccessPass? {
        guard let id = directory.user(user)?.id.lowercased() else { return nil }
        return state.withLock { $0.taps[id] }
    }

    /// How many TAPs were ever created for the user (replacements included).
    public func temporaryAccessPassesCreated(forUser user: String) -> Int {
        guard let id = directory.user(user)?.id.lowercased() else { return 0 }
        return state.withLock { $0.created[id] ?? 0 }
    }

    /// Simulates a sign-in with the user's TAP: a one-time TAP then reads `OneTimeUsed`.
    /// Returns whether the user had a TAP.
    @discardableResult
    public func markTemporaryAccessPassUsed(forUser user: String) -> Bool {
        guard let id = directory.user(user)?.id.lowercased() else { return false }
        return state.withLock { state in
            guard state.taps[id] != nil else { return false }
            state.taps[id]?.used = true
            return true
        }
    }

    /// Creates the user's TAP, replacing (deleting) any existing one (reference 1.2).
    func createTemporaryAccessPass(userId: String, start: Date?, lifetimeInMinutes: Int, isUsableOnce: Bool, length: Int,
                                   disabledByPolicy: Bool = false) -> DevTemporaryAccessPass {
        let key = userId.lowercased()
        let created = now
        var tap = DevTemporaryAccessPass(id: UUID().uuidString.lowercased(), temporaryAccessPass: DevTemporaryAccessPass.generateSecret(length: length),
                                         createdDateTime: created, startDateTime: start ?? created, lifetimeInMinutes: lifetimeInMinutes,
                                         isUsableOnce: isUsableOnce, used: false)
        tap.disabledByPolicy = disabledByPolicy
        state.withLock { state in
            state.taps[key] = tap
            state.created[key, default: 0] += 1
        }
        recordTapRegistration(userId: key, at: created)
        return tap
    }

    /// Puts `tap` in place of the user's TAP (the admin center's create, issue 16).
    func installTemporaryAccessPass(_ tap: DevTemporaryAccessPass, userKey: String) {
        state.withLock { state in
            state.taps[userKey] = tap
            state.created[userKey, default: 0] += 1
        }
    }

    /// Deletes the user's TAP if it has this method id.
    func deleteTemporaryAccessPass(userId: String, methodId: String) -> Bool {
        let key = userId.lowercased()
        return state.withLock { state in
            guard let tap = state.taps[key], tap.id == methodId.lowercased() else { return false }
            state.taps[key] = nil
            return true
        }
    }

    // MARK: mail

    /// Every mail sent through `sendMail`, oldest first.
    public var sentMail: [SentMail] { state.withLock { $0.mail } }

    public func clearMail() { state.withLock { $0.mail.removeAll() } }

    func record(_ mail: SentMail) { state.withLock { $0.mail.append(mail) } }
}

/// One message accepted by `POST /users/{sender}/sendMail`, as `GET /dev/mail` lists it.
public struct SentMail: Sendable, Codable, Equatable {
    /// The sender's address (its `mail`, else its UPN).
    public var from: String
    /// The `toRecipients` addresses.
    public var to: [String]
    public var subject: String
    /// `Text` or `HTML`, as sent.
    public var contentType: String
    public var content: String
    /// When Graph accepted it, ISO 8601 UTC.
    public var sentAt: String
}
