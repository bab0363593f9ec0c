@testable import EphemCore
import Foundation
import Testing

/// Issue 14: the allowed per-request range (tenant policy ∩ settings) and the audit filters'
/// prefix ranges, without a network.
@Suite struct HelpdeskOptionsTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func theRangeIsThePolicyBoundedByTheSettings() throws {
        let policy = TapPolicy(minimumLifetimeInMinutes: 60, maximumLifetimeInMinutes: 480, isUsableOnce: false)
        let allowed = IssuanceOptions.Allowed(policy: policy, maxLifetimeMinutes: 240, allowMultiUse: true)
        #expect(allowed.minimumLifetimeInMinutes == 60 && allowed.maximumLifetimeInMinutes == 240 && allowed.multiUseAllowed)
        #expect(IssuanceOptions.Allowed(policy: policy, maxLifetimeMinutes: 600, allowMultiUse: false).maximumLifetimeInMinutes == 480)
        #expect(!IssuanceOptions.Allowed(policy: policy, maxLifetimeMinutes: 600, allowMultiUse: false).multiUseAllowed)
        let forced = TapPolicy(minimumLifetimeInMinutes: 60, maximumLifetimeInMinutes: 480, isUsableOnce: true)
        #expect(!IssuanceOptions.Allowed(policy: forced, maxLifetimeMinutes: 480, allowMultiUse: true).multiUseAllowed)

        try IssuanceOptions(lifetimeInMinutes: 60, startDateTime: now.addingTimeInterval(30 * 86400), isUsableOnce: false).check(allowed, now: now)
        try IssuanceOptions(lifetimeInMinutes: 240, startDateTime: now.addingTimeInterval(-299)).check(allowed, now: now)
        let refused: [IssuanceOptions] = [
            IssuanceOptions(lifetimeInMinutes: 59), IssuanceOptions(lifetimeInMinutes: 241),
            IssuanceOptions(startDateTime: now.addingTimeInterval(30 * 86400 + 1)), IssuanceOptions(startDateTime: now.addingTimeInterval(-301)),
        ]
        for options in refused {
            #expect(throws: EphemError.self) { try options.check(allowed, now: now) }
        }
        let noMulti = IssuanceOptions.Allowed(policy: policy, maxLifetimeMinutes: 240, allowMultiUse: false)
        #expect(throws: EphemError.self) { try IssuanceOptions(isUsableOnce: false).check(noMulti, now: now) }
        try IssuanceOptions(isUsableOnce: true).check(noMulti, now: now)
    }

    @Test func personFiltersAreRangesOverLowerCasedColumnsPlusTheOldExactOnes() {
        let filter = AuditQuery.person("Hannah.A", prefix: "Agent")
        #expect(filter == "(AgentId eq 'Hannah.A' or AgentUPN eq 'Hannah.A' or (AgentUPN ge 'hannah.a' and AgentUPN lt 'hannah.b')"
            + " or (AgentUPNLower ge 'hannah.a' and AgentUPNLower lt 'hannah.b') or (AgentNameLower ge 'hannah.a' and AgentNameLower lt 'hannah.b'))")
        #expect(AuditQuery.person("o'b", prefix: "Target").contains("TargetUPNLower ge 'o''b' and TargetUPNLower lt 'o''c'"))
        #expect(AuditQuery.successor("ab") == "ac")
        #expect(AuditQuery.successor("a\u{D7FF}") == "a\u{E000}")
        #expect(AuditQuery.successor("") == nil)
    }
}
