#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What round 1 claimed, to give back when nothing is issued.
struct Claims: Sendable {
    let limiter: RateLimiter
    let lock: TargetLock
    var reservation: RateLimiter.Reservation?
    var held: TargetLock.Held?
    /// A handover's pick-up, and its row once the claim landed.
    var pickup: HandoverPickup?
    var claimed: Handover?

    init(limiter: RateLimiter, lock: TargetLock) {
        self.limiter = limiter
        self.lock = lock
    }

    func releaseLock() async {
        if let held { await lock.release(held) }
    }

    func giveBack() async {
        async let lockDone: Void = releaseLock()
        async let handoverDone: Void = releaseHandover()
        if let reservation { _ = await limiter.release(reservation) }
        _ = await (lockDone, handoverDone)
    }

    /// The claimed handover becomes `ISSUED` (SPEC 7.6).
    /// The handover's row as written, or nil (no handover, or the write failed).
    func markIssued(at date: Date) async -> Handover? {
        guard let pickup, let claimed else { return nil }
        return await pickup.markIssued(claimed, at: date)
    }

    func releaseHandover() async {
        guard let pickup else { return }
        if let claimed { await pickup.release(claimed) } else { await pickup.releaseLock() }
    }
}
