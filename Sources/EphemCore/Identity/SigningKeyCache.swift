#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import _CryptoExtras
import Logging

/// Where signing keys come from: the tenant's JWKS over HTTP in production and in tests alike.
public protocol SigningKeySource: Sendable {
    func fetchKeys() async throws -> SigningKeySet
}

/// The tenant's signing keys, refreshed the way Entra asks (reference 9.2): a key is looked up by
/// `kid`; an unknown `kid` triggers at most one refresh per 5 minutes (however many tokens carry
/// it); a background refresh runs hourly; a failed refresh keeps the last good set.
public actor SigningKeyCache {
    let source: any SigningKeySource
    let logger: Logger
    let now: @Sendable () -> Date
    public static let unknownKidRefreshInterval: TimeInterval = 300
    public static let backgroundRefreshInterval: TimeInterval = 3600
    public static let coldRetryInterval: TimeInterval = 5

    private var keySet: SigningKeySet?
    private var lastAttempt: Date?
    private var inFlight: Task<SigningKeySet?, Never>?

    public init(source: any SigningKeySource, logger: Logger, now: @escaping @Sendable () -> Date = Date.init) {
        self.source = source
        self.logger = logger
        self.now = now
    }

    public enum Lookup: Sendable {
        case key(_RSA.Signing.PublicKey)
        /// The key set is known and has no such `kid` (a refresh was made or is not yet allowed).
        case unknownKid
        /// No key set could be loaded at all: validation cannot be completed (fail closed).
        case unavailable
    }

    public func key(for kid: String) async -> Lookup {
        if let key = keySet?.keys[kid] { return .key(key) }
        // With no key set yet (cold start, or Entra unreachable so far) retry every few seconds;
        // with a good set, an unknown kid may refresh at most once per 5 minutes.
        let interval = keySet == nil ? Self.coldRetryInterval : Self.unknownKidRefreshInterval
        let mayRefresh = lastAttempt.map { now().timeIntervalSince($0) >= interval } ?? true
        if mayRefresh || inFlight != nil {
            await refresh()
            if let key = keySet?.keys[kid] { return .key(key) }
        }
        return keySet == nil ? .unavailable : .unknownKid
    }

    /// Fetches the key set once, however many callers wait; keeps the previous set on failure.
    public func refresh() async {
        if let inFlight {
            // A waiter may resume before the fetching caller does: take the result from the task
            // itself, or it would see no key set yet and fail a request the fetch just satisfied.
            if let fetched = await inFlight.value { keySet = fetched }
            return
        }
        lastAttempt = now()
        let source = self.source
        let task = Task<SigningKeySet?, Never> {
            do {
                return try await source.fetchKeys()
            } catch {
                return nil
            }
        }
        inFlight = task
        let fetched = await task.value
        inFlight = nil
        if let fetched {
            keySet = fetched
            logger.debug("signing keys refreshed", metadata: ["jwks.keys": "\(fetched.keys.count)"])
        } else {
            logger.warning("signing key refresh failed; keeping the last good set", metadata: ["jwks.have_keys": "\(keySet != nil)"])
        }
    }

    /// The hourly background refresh, run as a service by the composition root.
    public func runPeriodicRefresh() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: .seconds(Self.backgroundRefreshInterval)) } catch { return }
            await refresh()
        }
    }
}
