import DevTenant
import EphemCore
import Foundation
import Synchronization
import TestSupport
import Testing

/// SPEC 7.3: exact limits and one issuance per target, across instances, under faults.
@Suite struct RateLimitTests {
    static let agent = GUID("aaaaaaaa-0000-4000-8000-000000000001")!

    static func outcomes(_ limiters: [RateLimiter], attempts: Int) async -> (granted: [RateLimiter.Reservation], limited: Int, failed: Int) {
        await withTaskGroup(of: Result<RateLimiter.Outcome, EphemError>.self) { group in
            for index in 0..<attempts {
                let limiter = limiters[index % limiters.count]
                group.addTask {
                    do throws(EphemError) { return .success(try await limiter.reserve(for: agent)) } catch { return .failure(error) }
                }
            }
            var granted: [RateLimiter.Reservation] = []
            var limited = 0
            var failed = 0
            for await result in group {
                switch result {
                case .success(.granted(let reservation)): granted.append(reservation)
                case .success(.limited): limited += 1
                case .failure: failed += 1
                }
            }
            return (granted, limited, failed)
        }
    }

    @Test func hundredConcurrentReservationsFromTwoInstancesGrantExactlyTen() async throws {
        try await withStorage(instances: 2) { stack, clients in
            try await clients[0].createTableIfNeeded(RateLimiter.table)
            let limiters = clients.map { RateLimiter(scope: "agent", limit: 10, window: 3600, client: $0) }
            let result = await Self.outcomes(limiters, attempts: 100)
            #expect(result.granted.count == 10)
            #expect(result.limited == 90)
            #expect(result.failed == 0)
            #expect(Set(result.granted.map(\.rowKey)).count == 10, "ten distinct slots")
            let stored = try await clients[0].query(RateLimiter.table, filter: "PartitionKey eq 'agent_\(Self.agent.value)'")
            #expect(Set(stored.entities.compactMap { $0["ReservationId"]?.stringValue }) == Set(result.granted.map(\.reservationId)))
        }
    }

    @Test func theWindowRollsAndReleasedSlotsComeBack() async throws {
        try await withStorage { _, clients in
            try await clients[0].createTableIfNeeded(RateLimiter.table)
            let clock = TestClock()
            let limiter = RateLimiter(scope: "self", limit: 2, window: 86_400, client: clients[0], now: clock.function)
            guard case .granted(let first) = try await limiter.reserve(for: Self.agent) else { Issue.record("first"); return }
            clock.advance(by: 3600)
            guard case .granted = try await limiter.reserve(for: Self.agent) else { Issue.record("second"); return }
            guard case .limited(let retryAfter) = try await limiter.reserve(for: Self.agent) else { Issue.record("third must be limited"); return }
            #expect(retryAfter == 82_800, "the first slot frees 24 h after its use")
            #expect(await limiter.release(first))
            guard case .granted = try await limiter.reserve(for: Self.agent) else { Issue.record("a released slot is reusable"); return }
            guard case .limited = try await limiter.reserve(for: Self.agent) else { Issue.record("still at the limit"); return }
            clock.advance(by: 86_400 + 1)
            guard case .granted = try await limiter.reserve(for: Self.agent) else { Issue.record("after the window"); return }
        }
    }

    @Test func faultsKeepTheLimitExactAndFailClosed() async throws {
        try await withStorage(instances: 2) { stack, clients in
            try await clients[0].createTableIfNeeded(RateLimiter.table)
            stack.tenant.faults.add(Fault(target: .table, status: 503, count: 40))
            stack.tenant.faults.add(Fault(target: .table, method: "PUT", status: 412, count: 10))
            stack.tenant.faults.add(Fault(target: .table, delayMs: 20, count: 50))
            let limiters = clients.map { RateLimiter(scope: "agent", limit: 10, window: 3600, client: $0) }
            let result = await Self.outcomes(limiters, attempts: 60)
            #expect(result.granted.count <= 10)
            #expect(result.granted.count + result.limited + result.failed == 60)
            stack.tenant.faults.clear()
            let stored = try await clients[0].query(RateLimiter.table, filter: "PartitionKey eq 'agent_\(Self.agent.value)'")
            let claimed = Set(stored.entities.compactMap { $0["ReservationId"]?.stringValue }.filter { !$0.isEmpty })
            #expect(claimed.count <= 10)
            #expect(Set(result.granted.map(\.reservationId)).isSubset(of: claimed), "every grant is a stored claim")
            // With the faults gone the limit is reached exactly, never passed.
            let after = await Self.outcomes(limiters, attempts: 20)
            #expect(result.granted.count + after.granted.count == 10)
            #expect(after.failed == 0)
        }
    }

    @Test func aReservationCostsTwoRoundTripsUncontended() async throws {
        try await withStorage { stack, clients in
            try await clients[0].createTableIfNeeded(RateLimiter.table)
            let limiter = RateLimiter(scope: "agent", limit: 10, window: 3600, client: clients[0])
            _ = try await limiter.reserve(for: GUID("aaaaaaaa-0000-4000-8000-000000000099")!)
            stack.tenant.requests.clear()
            _ = try await limiter.reserve(for: Self.agent)
            #expect(stack.tenant.requests.all.filter { $0.target == .table }.count == 2)
        }
    }

    /// The per-process slot view: a slot this process saw free is claimed in one round trip.
    @Test func aSlotThisProcessSawFreeIsClaimedInOneRoundTrip() async throws {
        try await withStorage { stack, clients in
            try await clients[0].createTableIfNeeded(RateLimiter.table)
            let limiter = RateLimiter(scope: "agent", limit: 10, window: 3600, client: clients[0])
            guard case .granted = try await limiter.reserve(for: Self.agent) else { Issue.record("first"); return }
            stack.tenant.requests.clear()
            guard case .granted = try await limiter.reserve(for: Self.agent) else { Issue.record("second"); return }
            let calls = stack.tenant.requests.all.filter { $0.target == .table }
            #expect(calls.count == 1, "\(calls.map { "\($0.method) \($0.path)" })")
            #expect(calls.first?.method != "GET")
        }
    }

    /// Another process gave a slot back after this one saw them all used: the view says "full", but
    /// a refusal is never decided from the view, so the fresh read finds the free slot.
    @Test func aStaleViewThatSaysFullStillFindsTheSlotAnotherInstanceGaveBack() async throws {
        try await withStorage(instances: 2) { _, clients in
            try await clients[0].createTableIfNeeded(RateLimiter.table)
            let first = RateLimiter(scope: "agent", limit: 2, window: 3600, client: clients[0])
            let second = RateLimiter(scope: "agent", limit: 2, window: 3600, client: clients[1])
            guard case .granted(let given) = try await second.reserve(for: Self.agent) else { Issue.record("second instance"); return }
            guard case .granted = try await first.reserve(for: Self.agent) else { Issue.record("first instance"); return }
            guard case .limited = try await first.reserve(for: Self.agent) else { Issue.record("both slots are used"); return }
            #expect(await second.release(given))
            guard case .granted(let again) = try await first.reserve(for: Self.agent) else { Issue.record("the slot given back elsewhere must be found"); return }
            #expect(again.rowKey == given.rowKey)
            guard case .limited = try await first.reserve(for: Self.agent) else { Issue.record("full again"); return }
        }
    }

    /// Another process claimed the slot this one last saw free: the claim conflicts, the limiter
    /// reads again, and the limit holds exactly.
    @Test func aStaleViewThatSaysFreeCostsAConflictNeverAnExtraGrant() async throws {
        try await withStorage(instances: 2) { stack, clients in
            try await clients[0].createTableIfNeeded(RateLimiter.table)
            let first = RateLimiter(scope: "agent", limit: 2, window: 3600, client: clients[0])
            let second = RateLimiter(scope: "agent", limit: 2, window: 3600, client: clients[1])
            guard case .granted = try await first.reserve(for: Self.agent) else { Issue.record("first instance"); return }
            guard case .granted = try await second.reserve(for: Self.agent) else { Issue.record("second instance"); return }
            stack.tenant.requests.clear()
            guard case .limited = try await first.reserve(for: Self.agent) else { Issue.record("the stale view must not grant a third slot"); return }
            let statuses = stack.tenant.requests.all.filter { $0.target == .table }.map(\.status)
            #expect(statuses.contains { $0 == 409 || $0 == 412 }, "the claim from the view conflicted: \(statuses)")
            let stored = try await clients[0].query(RateLimiter.table, filter: "PartitionKey eq 'agent_\(Self.agent.value)'")
            #expect(stored.entities.filter { ($0["ReservationId"]?.stringValue ?? "") != "" }.count == 2)
        }
    }

    @Test func ofTwentyConcurrentLockAttemptsExactlyOneHoldsIt() async throws {
        try await withStorage(instances: 2) { _, clients in
            try await clients[0].createTableIfNeeded(RateLimiter.table)
            let locks = clients.map { TargetLock(client: $0) }
            let target = GUID("aaaaaaaa-0000-4000-8000-000000000003")!
            let held = await withTaskGroup(of: TargetLock.Held?.self) { group in
                for index in 0..<20 { group.addTask { try? await locks[index % 2].acquire(target) } }
                return await group.reduce(into: [TargetLock.Held]()) { if let held = $1 { $0.append(held) } }
            }
            #expect(held.count == 1)
            #expect(try await locks[0].acquire(target) == nil, "held: refused")
            #expect(await locks[1].release(held[0]))
            #expect(try await locks[0].acquire(target) != nil, "released: free again")
        }
    }

    @Test func aLockWhoseHolderDiedIsTakenOverByExactlyOne() async throws {
        try await withStorage(instances: 2) { _, clients in
            try await clients[0].createTableIfNeeded(RateLimiter.table)
            let clock = TestClock()
            let locks = clients.map { TargetLock(client: $0, now: clock.function) }
            let target = GUID("aaaaaaaa-0000-4000-8000-000000000004")!
            #expect(try await locks[0].acquire(target) != nil)
            #expect(try await locks[1].acquire(target) == nil)
            clock.advance(by: TargetLock.lease + 1)
            let held = await withTaskGroup(of: TargetLock.Held?.self) { group in
                for index in 0..<20 { group.addTask { try? await locks[index % 2].acquire(target) } }
                return await group.reduce(into: [TargetLock.Held]()) { if let held = $1 { $0.append(held) } }
            }
            #expect(held.count == 1)
        }
    }
}
