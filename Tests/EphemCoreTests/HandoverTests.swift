@testable import EphemCore
import Foundation
import Testing

/// The handover value (SPEC 7.6): its row round-trips, its states mean what the flow relies on, and
/// the recipient's mail (English/German) names target, requester, reason and link but holds no pass.
struct HandoverTests {
    static func sample(state: Handover.State = .requested, approval: Bool = false) -> Handover {
        let created = Date(timeIntervalSince1970: 1_800_000_000)
        return Handover(id: "0b6f9a52-3c1e-4f4e-9d0f-6b2a1c3d4e5f", state: state, targetId: GUID("bbbbbbbb-0000-4000-8000-000000000004")!,
                        targetUPN: "sam.user@contoso.example", targetDisplayName: "Sam User", requesterId: GUID("aaaaaaaa-0000-4000-8000-000000000001")!,
                        requesterUPN: "hannah.agent@contoso.example", deliverTo: .manager, recipientId: GUID("aaaaaaaa-0000-4000-8000-000000000003")!,
                        recipientUPN: "lena.user@contoso.example", recipientDisplayName: "Lena User", approvalRequired: approval,
                        reason: "Lost phone", ticketId: "INC-1", lifetimeMinutes: 120, isUsableOnce: true, agentLimitPerHour: 10,
                        createdAt: created, expiresAt: created.addingTimeInterval(3600))
    }

    @Test func theRowRoundTrips() throws {
        var handover = Self.sample(state: .approved, approval: true)
        handover.approverId = GUID("aaaaaaaa-0000-4000-8000-000000000006")
        handover.approverUPN = "omar.agent@contoso.example"
        handover.pickupId = "p1"
        handover.pickupStartedAt = handover.createdAt.addingTimeInterval(60)
        var entity = handover.entity
        entity.etag = "W/\"1\""
        var back = try #require(Handover(entity: entity))
        #expect(back.etag == "W/\"1\"")
        back.etag = nil
        #expect(back == handover)
        #expect(entity.partitionKey == "handover" && entity.rowKey == handover.id)
    }

    @Test func statesAndClaims() {
        let requested = Self.sample()
        #expect(requested.awaitsPickup && !requested.awaitsApproval)
        let gated = Self.sample(approval: true)
        #expect(gated.awaitsApproval && !gated.awaitsPickup)
        #expect(Self.sample(state: .approved, approval: true).awaitsPickup)
        for ended in [Handover.State.issued, .rejected, .cancelled, .expired] { #expect(!ended.isOpen) }
        #expect(requested.isExpired(at: requested.expiresAt) && !requested.isExpired(at: requested.createdAt))
        #expect(!Self.sample(state: .issued).isExpired(at: .distantFuture))
        var claimed = requested
        claimed.pickupId = "p"
        claimed.pickupStartedAt = requested.createdAt
        #expect(claimed.pickupInProgress(at: requested.createdAt.addingTimeInterval(89)))
        #expect(!claimed.pickupInProgress(at: requested.createdAt.addingTimeInterval(91)))
    }

    @Test func theRecipientsMailInEnglishAndGermanHoldsNoPass() {
        let handover = Self.sample()
        let english = HandoverMailText.make(language: "en-GB", handover: handover, portalURL: "https://selfservice.contoso.example")
        #expect(english.subject == "A Temporary Access Pass for Sam User is waiting for you")
        for part in ["Sam User (sam.user@contoso.example)", "hannah.agent@contoso.example", "Reason: Lost phone", "https://selfservice.contoso.example", "does not contain a pass"] {
            #expect(english.body.contains(part), "\(part)")
        }
        let german = HandoverMailText.make(language: "de-DE", handover: handover, portalURL: nil)
        #expect(german.subject == "Ein befristeter Zugriffspass für Sam User wartet auf Sie")
        #expect(german.body.contains("Begründung: Lost phone") && german.body.contains("enthält keinen Zugriffspass"))
        #expect(HandoverMailText.make(language: nil, handover: handover, portalURL: nil).subject == english.subject)
    }

    @Test func theTargetsNotificationNamesWhoReceivedThePass() {
        let text = NotificationText.make(language: "en", issuedBy: "hannah.agent@contoso.example", at: Date(timeIntervalSince1970: 0), correlationId: "c",
                                         receivedBy: "lena.user@contoso.example")
        #expect(text.body.contains("The pass was handed to lena.user@contoso.example."))
        let german = NotificationText.make(language: "de", issuedBy: "hannah.agent@contoso.example", at: Date(timeIntervalSince1970: 0), correlationId: "c",
                                           receivedBy: "lena.user@contoso.example")
        #expect(german.body.contains("Den Pass hat lena.user@contoso.example erhalten."))
    }
}
