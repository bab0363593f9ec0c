public import EphemCore

extension SettingsReader {
    /// SPEC 5's handover settings (helpdesk; the self-service app ignores them). A `sensitive`
    /// approval without `APPROVAL_GROUP_IDS` would protect nobody, so it is refused at start.
    mutating func handoverPolicy() -> HandoverPolicy {
        var policy = HandoverPolicy()
        policy.directIssue = boolean("HELPDESK_DIRECT_ISSUE", default: true) ?? true
        if let text = raw("APPROVAL_REQUIRED") {
            if let approval = HandoverPolicy.Approval(rawValue: text.lowercased()) {
                policy.approval = approval
            } else {
                fail("APPROVAL_REQUIRED", "must be never, sensitive or always, got \(Self.shown(text))")
            }
        }
        policy.approvalGroupIds = guidList("APPROVAL_GROUP_IDS") ?? []
        if policy.approval == .sensitive, policy.approvalGroupIds.isEmpty {
            fail("APPROVAL_GROUP_IDS", "must name at least one group when APPROVAL_REQUIRED is sensitive")
        }
        policy.ttlMinutes = integer("HANDOVER_TTL_MINUTES", range: 10...1440, default: 60) ?? 60
        policy.selfServiceURL = optionalURL("SELF_SERVICE_PORTAL_URL")
        policy.approverMailbox = mailbox("APPROVER_MAILBOX")
        return policy
    }
}
