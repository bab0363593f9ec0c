import DevTenant
import EphemCore
import Foundation
import TestSupport
import Testing

/// SPEC 7.6 through the real binaries, the host emulator and the dev tenant: a handover separates
/// asking for a pass (an agent, helpdesk) from holding it (the target's manager in self-service, or
/// the agent), with four-eyes approval where configured, conditional writes against every race,
/// expiry, and no secret anywhere but the recipient's one response.
@Suite struct HandoverEndToEndTests {
    static let hannah = "hannah.agent@contoso.example"
    static let omar = "omar.agent@contoso.example"
    static let manager = TestDirectory.user(49)

    static func agentToken(_ stack: TapStack, second: Bool = false) throws -> String {
        second ? try stack.token("helpdesk", TestDirectory.secondAgent, ["upn": .string(omar)])
            : try stack.token("helpdesk", TestDirectory.agent, ["upn": .string(hannah)])
    }

    static func userToken(_ stack: TapStack, _ id: String) throws -> String {
        try stack.token("selfservice", id, ["upn": .string("user\(Int(id.suffix(12))!)@contoso.example")])
    }

    /// `POST /api/handovers` as Hannah; the created handover's id.
    static func create(_ stack: TapStack, target: String, deliverTo: String = "manager", reason: String = "Lost phone, verified by video call") async throws -> String {
        let reply = try await stack.call(stack.helpdesk, "POST", "/api/handovers", token: try agentToken(stack),
                                         body: #"{"userId":"\#(target)","deliverTo":"\#(deliverTo)","reason":"\#(reason)","ticketId":"INC-7"}"#)
        #expect(reply.status == 201, "\(reply.text)")
        return try #require(reply.json?["id"] as? String)
    }

    static func rows(_ stack: TapStack, handover id: String) async throws -> [TableEntity] {
        let all = try await stack.auditRows(.helpdesk) + stack.auditRows(.selfService)
        return all.filter { $0["HandoverId"]?.stringValue == id }
    }

    static func handoverRows(_ stack: TapStack) async throws -> [TableEntity] {
        try await stack.tableClient.query(HandoverStore.table, filter: nil, top: 1000).entities
    }

    /// Nothing that holds the secret: the handover rows, the audit rows, every mail, every log line.
    static func expectNoSecret(_ secret: String, _ stack: TapStack) async throws {
        let stored = try await handoverRows(stack) + stack.auditRows(.helpdesk) + stack.auditRows(.selfService)
        #expect(!stored.contains { entity in entity.properties.values.contains { "\($0)".contains(secret) } })
        #expect(!stack.tenant.graph.sentMail.contains { $0.content.contains(secret) || $0.subject.contains(secret) })
        #expect(!stack.handlerOutput.contains(secret))
    }

    @Test func managerPicksUpInSelfServiceAndOnlyTheManagerSeesThePass() async throws {
        try await withTapStack(seed: TestDirectory.seed, settings: ["NOTIFICATION_SENDER": TestDirectory.sender],
                               helpdeskSettings: ["SELF_SERVICE_PORTAL_URL": "https://selfservice.contoso.example"]) { stack in
            let target = TestDirectory.user(40)
            let agent = try Self.agentToken(stack)
            let created = try await stack.call(stack.helpdesk, "POST", "/api/handovers", token: agent,
                                               body: #"{"userId":"\#(target)","deliverTo":"manager","reason":"Lost phone","ticketId":"INC-7"}"#)
            #expect(created.status == 201, "\(created.text)")
            let id = try #require(created.json?["id"] as? String)
            #expect(created.json?["state"] as? String == "REQUESTED")
            #expect(created.json?["approvalRequired"] as? Bool == false)
            #expect((created.json?["recipient"] as? [String: Any])?["id"] as? String == Self.manager)
            #expect((created.json?["targetUser"] as? [String: Any])?["upn"] as? String == "user40@contoso.example")
            #expect(created.json?["expiresDateTime"] is String)
            #expect(stack.tenant.graph.temporaryAccessPass(forUser: target) == nil, "no pass exists before the pick-up")

            // The manager's mail: German (preferredLanguage de-DE), target, requester, reason, link, no pass.
            let waiting = try #require(stack.tenant.graph.sentMail.first { $0.to == ["user49.mail@contoso.example"] })
            #expect(waiting.subject.contains("wartet auf Sie"))
            for part in ["Test User 40", Self.hannah, "Lost phone", "https://selfservice.contoso.example"] { #expect(waiting.content.contains(part), "\(part)") }

            // Only the manager, only in self-service.
            let managerToken = try Self.userToken(stack, Self.manager)
            let list = try await stack.call(stack.selfService, "GET", "/api/handovers", token: managerToken)
            #expect((list.json?["handovers"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
            let other = try await stack.call(stack.selfService, "GET", "/api/handovers", token: try Self.userToken(stack, TestDirectory.user(41)))
            #expect((other.json?["handovers"] as? [Any])?.isEmpty == true)
            let byAgent = try await stack.call(stack.helpdesk, "PUT", "/api/handovers/\(id)/tap", token: agent)
            #expect(byAgent.status == 403 && byAgent.code == "not_recipient")
            let byOther = try await stack.call(stack.selfService, "PUT", "/api/handovers/\(id)/tap", token: try Self.userToken(stack, TestDirectory.user(41)))
            #expect(byOther.status == 403 && byOther.code == "not_recipient")
            let byTarget = try await stack.call(stack.selfService, "PUT", "/api/handovers/\(id)/tap", token: try Self.userToken(stack, target))
            #expect(byTarget.status == 403 && byTarget.code == "not_recipient")

            let picked = try await stack.call(stack.selfService, "PUT", "/api/handovers/\(id)/tap", token: managerToken)
            #expect(picked.status == 200, "\(picked.text)")
            #expect(picked.header("Cache-Control") == "no-store")
            let secret = try #require(picked.json?["temporaryAccessPass"] as? String)
            #expect(secret == stack.tenant.graph.temporaryAccessPass(forUser: target)?.temporaryAccessPass)
            #expect((picked.json?["targetUser"] as? [String: Any])?["id"] as? String == target)
            #expect(picked.json?["displayTimeoutSeconds"] as? Int == 300)
            #expect(stack.tenant.graph.temporaryAccessPassesCreated(forUser: target) == 1)

            let again = try await stack.call(stack.selfService, "PUT", "/api/handovers/\(id)/tap", token: managerToken)
            #expect(again.status == 409 && again.code == "handover_closed")
            let ended = try await stack.call(stack.helpdesk, "GET", "/api/handovers", token: agent)
            let entry = try #require((ended.json?["handovers"] as? [[String: Any]])?.first { $0["id"] as? String == id })
            #expect(entry["state"] as? String == "ISSUED" && entry["pickedUpBy"] as? String == "user49@contoso.example")
            #expect(!ended.text.contains(secret) && !created.text.contains(secret) && !byAgent.text.contains(secret))
            let cancel = try await stack.call(stack.helpdesk, "DELETE", "/api/handovers/\(id)", token: agent)
            #expect(cancel.status == 409 && cancel.code == "handover_closed")

            // The target's notification names who received the pass.
            let targetMail = try #require(stack.tenant.graph.sentMail.first { $0.to == ["user40.mail@contoso.example"] })
            #expect(targetMail.content.contains("handed to user49@contoso.example") && targetMail.content.contains(Self.hannah))

            // One row per request: REQUESTED; the refusals (agent, other user, target, second pick-up); SUCCESS.
            let rows = try await Self.rows(stack, handover: id)
            #expect(rows.map { $0["Action"]?.stringValue ?? "" }.sorted() == ["DENIED", "DENIED", "DENIED", "DENIED", "REQUESTED", "SUCCESS"])
            let success = try #require(rows.first { $0["Action"]?.stringValue == "SUCCESS" })
            #expect(success["AgentUPN"]?.stringValue == Self.hannah && success["RecipientUPN"]?.stringValue == "user49@contoso.example")
            #expect(success["TargetId"]?.stringValue == target && success["Reason"]?.stringValue == "Lost phone" && success["TicketId"]?.stringValue == "INC-7")
            let requested = try #require(rows.first { $0["Action"]?.stringValue == "REQUESTED" })
            #expect(requested["RecipientUPN"]?.stringValue == "user49@contoso.example" && requested["AgentUPN"]?.stringValue == Self.hannah)
            // The audit tab filters by handover.
            let audit = try await stack.call(stack.helpdesk, "GET", "/api/audit-log?handover=\(id)", token: agent)
            #expect((audit.json?["entries"] as? [[String: Any]])?.count == 6)
            // The target's pass history (SPEC 7.7) says who issued the pass and who received it.
            let history = try await stack.call(stack.helpdesk, "GET", "/api/users/\(target)/history", token: agent)
            let pass = try #require((history.json?["passes"] as? [[String: Any]])?.first, "\(history.text)")
            #expect(pass["issuedBy"] as? String == Self.hannah && pass["receivedBy"] as? String == "user49@contoso.example")
            #expect(pass["handoverId"] as? String == id && pass["state"] as? String == "ISSUED")
            try await Self.expectNoSecret(secret, stack)
        }
    }

    @Test func fourEyesRequesterCannotApproveASecondAgentApprovesTheRequesterPicksUp() async throws {
        try await withTapStack(seed: TestDirectory.seed, apps: .helpdesk,
                               helpdeskSettings: ["APPROVAL_REQUIRED": "always", "APPROVER_MAILBOX": "tap-approvers@contoso.example",
                                                  "NOTIFICATION_SENDER": TestDirectory.sender]) { stack in
            let target = TestDirectory.user(41)
            let hannah = try Self.agentToken(stack)
            let omar = try Self.agentToken(stack, second: true)
            let direct = try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(target)", token: hannah)
            #expect(direct.status == 409 && direct.code == "approval_required")

            let created = try await stack.call(stack.helpdesk, "POST", "/api/handovers", token: hannah, body: #"{"userId":"\#(target)","deliverTo":"agent"}"#)
            #expect(created.status == 201 && created.json?["approvalRequired"] as? Bool == true)
            let id = try #require(created.json?["id"] as? String)
            // The approvers hear of it once (APPROVER_MAILBOX), without any secret (none exists yet).
            let approverMail = stack.tenant.graph.sentMail.filter { $0.to == ["tap-approvers@contoso.example"] }
            #expect(approverMail.count == 1 && approverMail.first?.content.contains(Self.hannah) == true, "\(approverMail)")
            let early = try await stack.call(stack.helpdesk, "PUT", "/api/handovers/\(id)/tap", token: hannah)
            #expect(early.status == 409 && early.code == "approval_pending")
            let own = try await stack.call(stack.helpdesk, "POST", "/api/handovers/\(id)/approve", token: hannah)
            #expect(own.status == 403 && own.code == "same_agent")
            let viewer = try await stack.call(stack.helpdesk, "POST", "/api/handovers/\(id)/approve", token: try stack.token("helpdesk", TestDirectory.viewer))
            #expect(viewer.status == 403 && viewer.code == "missing_role")
            let waiting = try await stack.call(stack.helpdesk, "GET", "/api/handovers?state=REQUESTED", token: try stack.token("helpdesk", TestDirectory.viewer))
            #expect((waiting.json?["handovers"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])

            let approved = try await stack.call(stack.helpdesk, "POST", "/api/handovers/\(id)/approve", token: omar)
            #expect(approved.status == 200 && approved.json?["state"] as? String == "APPROVED" && approved.json?["approver"] as? String == Self.omar)
            let twice = try await stack.call(stack.helpdesk, "POST", "/api/handovers/\(id)/approve", token: omar)
            #expect(twice.status == 409 && twice.code == "handover_closed")
            let byOmar = try await stack.call(stack.helpdesk, "PUT", "/api/handovers/\(id)/tap", token: omar)
            #expect(byOmar.status == 403 && byOmar.code == "not_recipient")
            let picked = try await stack.call(stack.helpdesk, "PUT", "/api/handovers/\(id)/tap", token: hannah)
            #expect(picked.status == 200, "\(picked.text)")
            let secret = try #require(picked.json?["temporaryAccessPass"] as? String)
            #expect(secret == stack.tenant.graph.temporaryAccessPass(forUser: target)?.temporaryAccessPass)
            #expect(picked.json?["lifetimeInMinutes"] as? Int == 120)

            // A rejection takes a reason and ends the handover.
            let second = try await Self.create(stack, target: TestDirectory.user(42), deliverTo: "agent")
            let bare = try await stack.call(stack.helpdesk, "POST", "/api/handovers/\(second)/reject", token: omar, body: "{}")
            #expect(bare.status == 400 && bare.code == "invalid_request")
            let rejected = try await stack.call(stack.helpdesk, "POST", "/api/handovers/\(second)/reject", token: omar, body: #"{"reason":"Caller could not be verified"}"#)
            #expect(rejected.status == 200 && rejected.json?["state"] as? String == "REJECTED")
            let late = try await stack.call(stack.helpdesk, "PUT", "/api/handovers/\(second)/tap", token: hannah)
            #expect(late.status == 409 && late.code == "handover_closed")
            #expect(stack.tenant.graph.temporaryAccessPass(forUser: TestDirectory.user(42)) == nil)

            // One audit row per transition, naming the approver and the recipient.
            let rows = try await Self.rows(stack, handover: id)
            #expect(rows.map { $0["Action"]?.stringValue ?? "" }.sorted() == ["APPROVED", "DENIED", "DENIED", "REQUESTED", "SUCCESS"])
            let approval = try #require(rows.first { $0["Action"]?.stringValue == "APPROVED" })
            #expect(approval["ApproverUPN"]?.stringValue == Self.omar && approval["AgentUPN"]?.stringValue == Self.omar)
            #expect(rows.first { $0["Action"]?.stringValue == "SUCCESS" }?["ApproverUPN"]?.stringValue == Self.omar)
            #expect(rows.allSatisfy { $0["RecipientUPN"] != nil })
            let rejection = try #require(try await Self.rows(stack, handover: second).first { $0["Action"]?.stringValue == "REJECTED" })
            #expect(rejection["DenialReason"]?.stringValue == "Caller could not be verified")
            try await Self.expectNoSecret(secret, stack)
        }
    }

    @Test func sensitiveApprovalFollowsNestedGroupsAndDirectIssueCanBeSwitchedOff() async throws {
        try await withTapStack(seed: TestDirectory.seed, apps: .helpdesk, helpdeskSettings: [
            "APPROVAL_REQUIRED": "sensitive", "APPROVAL_GROUP_IDS": TestDirectory.sensitiveGroup, "HELPDESK_DIRECT_ISSUE": "false",
        ]) { stack in
            let hannah = try Self.agentToken(stack)
            let sensitive = try await stack.call(stack.helpdesk, "POST", "/api/handovers", token: hannah, body: #"{"userId":"\#(TestDirectory.user(46))","deliverTo":"manager"}"#)
            #expect(sensitive.status == 201 && sensitive.json?["approvalRequired"] as? Bool == true)
            let ordinary = try await stack.call(stack.helpdesk, "POST", "/api/handovers", token: hannah, body: #"{"userId":"\#(TestDirectory.user(45))","deliverTo":"manager"}"#)
            #expect(ordinary.status == 201 && ordinary.json?["approvalRequired"] as? Bool == false)
            let toAgent = try await stack.call(stack.helpdesk, "POST", "/api/handovers", token: hannah, body: #"{"userId":"\#(TestDirectory.user(45))","deliverTo":"agent"}"#)
            #expect(toAgent.status == 403 && toAgent.code == "direct_issue_disabled")
            let direct = try await stack.call(stack.helpdesk, "PUT", "/api/generate-tap/\(TestDirectory.user(45))", token: hannah)
            #expect(direct.status == 403 && direct.code == "direct_issue_disabled")
            let noManager = try await stack.call(stack.helpdesk, "POST", "/api/handovers", token: hannah, body: #"{"userId":"\#(TestDirectory.user(3))","deliverTo":"manager"}"#)
            #expect(noManager.status == 400 && noManager.code == "invalid_request" && (noManager.json?["error"] as? String)?.contains("no manager") == true)
            let protected = try await stack.call(stack.helpdesk, "POST", "/api/handovers", token: hannah,
                                                 body: #"{"userId":"\#(TestDirectory.Protected.directRole.rawValue)","deliverTo":"manager"}"#)
            #expect(protected.status == 403 && protected.code == "target_privileged")
            let bad = try await stack.call(stack.helpdesk, "POST", "/api/handovers", token: hannah, body: #"{"userId":"\#(TestDirectory.user(45))","deliverTo":"ceo"}"#)
            #expect(bad.status == 400 && bad.code == "invalid_request")
            // An agent who is the target's manager would receive the pass after all.
            stack.tenant.graph.changeDirectory { seed in
                if let index = seed.users.firstIndex(where: { $0.id == TestDirectory.user(44) }) { seed.users[index].manager = TestDirectory.agent }
            }
            let ownReport = try await stack.call(stack.helpdesk, "POST", "/api/handovers", token: hannah, body: #"{"userId":"\#(TestDirectory.user(44))","deliverTo":"manager"}"#)
            #expect(ownReport.status == 403 && ownReport.code == "direct_issue_disabled")
            // Every refused create leaves its row too (direct_issue_disabled twice, no manager, protected, the malformed body).
            let denied = try await stack.auditRows(.helpdesk).filter { $0["DenialReason"]?.stringValue?.hasPrefix("handover") == true }
            #expect(denied.count == 5)
        }
    }

    @Test func anExpiredHandoverIsWrittenExpiredByTheTimerAndCannotBePickedUp() async throws {
        try await withTapStack(seed: TestDirectory.seed) { stack in
            let id = try await Self.create(stack, target: TestDirectory.user(43))
            let open = try await Self.create(stack, target: TestDirectory.user(44))
            // HANDOVER_TTL_MINUTES is at least 10: rather than wait, move this handover's expiry into the past (as time would).
            let row = try #require(try await Self.handoverRows(stack).first { $0.rowKey == id })
            var aged = row
            aged.properties["ExpiresAt"] = .dateTime("2020-01-01T00:00:00.0000000Z")
            _ = try await stack.tableClient.replace(HandoverStore.table, aged, ifMatch: try #require(row.etag))

            let manager = try Self.userToken(stack, Self.manager)
            let listed = try await stack.call(stack.selfService, "GET", "/api/handovers", token: manager)
            #expect((listed.json?["handovers"] as? [[String: Any]])?.map { $0["id"] as? String } == [open])
            let late = try await stack.call(stack.selfService, "PUT", "/api/handovers/\(id)/tap", token: manager)
            #expect(late.status == 409 && late.code == "handover_closed")

            let logs = try await CreateOnceEndToEndTests.reconcile(stack)
            #expect(logs.contains("1 handovers expired"), "\(logs)")
            let rows = try await Self.handoverRows(stack)
            #expect(rows.first { $0.rowKey == id }?["State"]?.stringValue == "EXPIRED")
            #expect(rows.first { $0.rowKey == open }?["State"]?.stringValue == "REQUESTED")
            let actions = try await Self.rows(stack, handover: id).map { $0["Action"]?.stringValue ?? "" }.sorted()
            #expect(actions == ["DENIED", "EXPIRED", "REQUESTED"])
            // Idempotent: the next run finds nothing more.
            #expect(try await CreateOnceEndToEndTests.reconcile(stack).contains("0 handovers expired"))
            #expect(stack.tenant.graph.temporaryAccessPassesCreated(forUser: TestDirectory.user(43)) == 0)
        }
    }

    @Test func aManagerChangedInGraphBeforePickUpIsNotTheRecipient() async throws {
        try await withTapStack(seed: TestDirectory.seed) { stack in
            let target = TestDirectory.user(43)
            let id = try await Self.create(stack, target: target)
            stack.tenant.graph.changeDirectory { seed in
                if let index = seed.users.firstIndex(where: { $0.id == target }) { seed.users[index].manager = TestDirectory.user(50) }
            }
            let old = try await stack.call(stack.selfService, "PUT", "/api/handovers/\(id)/tap", token: try Self.userToken(stack, Self.manager))
            #expect(old.status == 403 && old.code == "not_recipient", "\(old.text)")
            let new = try await stack.call(stack.selfService, "PUT", "/api/handovers/\(id)/tap", token: try Self.userToken(stack, TestDirectory.user(50)))
            #expect(new.status == 403 && new.code == "not_recipient")
            #expect(stack.tenant.graph.temporaryAccessPassesCreated(forUser: target) == 0)
            let row = try #require(try await Self.rows(stack, handover: id).first { $0["DenialReason"]?.stringValue?.hasPrefix("not_recipient") == true })
            #expect(row["Action"]?.stringValue == "DENIED" && row["RecipientUPN"]?.stringValue == "user49@contoso.example")
            // The claim was given back: the handover is still open for the agent to cancel.
            let cancel = try await stack.call(stack.helpdesk, "DELETE", "/api/handovers/\(id)", token: try Self.agentToken(stack))
            #expect(cancel.status == 204)
        }
    }

    @Test func aTargetThatBecameProtectedIsRefusedAtPickUp() async throws {
        try await withTapStack(seed: TestDirectory.seed) { stack in
            let target = TestDirectory.user(44)
            let id = try await Self.create(stack, target: target)
            // Global Administrator, active, tenant-wide.
            let assignment = try JSONDecoder().decode(Seed.RoleAssignment.self, from: Data(
                #"{"principalId":"\#(target)","roleDefinitionId":"62e90394-69f5-4237-9190-012177145e10","directoryScopeId":"/"}"#.utf8))
            stack.tenant.graph.changeDirectory { seed in seed.roleAssignments = (seed.roleAssignments ?? []) + [assignment] }
            let refused = try await stack.call(stack.selfService, "PUT", "/api/handovers/\(id)/tap", token: try Self.userToken(stack, Self.manager))
            #expect(refused.status == 403 && refused.code == "target_privileged", "\(refused.text)")
            #expect(stack.tenant.graph.temporaryAccessPassesCreated(forUser: target) == 0)
            let row = try #require(try await Self.rows(stack, handover: id).first { $0["Action"]?.stringValue == "BLOCKED_PRIVILEGED" })
            #expect(row["DenialReason"]?.stringValue?.contains("Global Administrator") == true)
            #expect(try await Self.handoverRows(stack).first { $0.rowKey == id }?["PickupId"] == nil)
        }
    }
}
