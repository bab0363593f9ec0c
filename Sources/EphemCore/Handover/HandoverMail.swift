#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// The recipient's "a pass is waiting for you" mail (SPEC 7.6): target, requester, reason, when it
/// expires, and a link to the self-service portal; English or German by the recipient's
/// `preferredLanguage`. It never contains a pass (none exists yet). Sent once, without retry
/// (SPEC 7.5); a failed mail fails nothing.
struct HandoverMail: Sendable {
    let graph: GraphClient
    let sender: String?
    let portalURL: String?
    let logger: Logger

    @discardableResult
    func waiting(_ handover: Handover, recipient: DirectoryUser) async -> Bool {
        guard let sender else { return false }
        let address = (recipient.mail?.isEmpty == false ? recipient.mail : nil) ?? recipient.userPrincipalName
        let text = HandoverMailText.make(language: recipient.preferredLanguage, handover: handover, portalURL: portalURL)
        do throws(GraphError) {
            try await graph.sendMail(from: sender, to: address, subject: text.subject, text: text.body)
            return true
        } catch {
            logger.warning("handover mail failed", metadata: ["handover.id": "\(handover.id)", "error.detail": "\(error)"])
            return false
        }
    }
}

extension HandoverMail {
    /// SPEC 7.6: "approvers get one when approval is needed". A shared approvers' mailbox has no
    /// language, so the text is English and German. No secret (none exists). Sent once.
    @discardableResult
    func approvalWaiting(_ handover: Handover, to address: String) async -> Bool {
        guard let sender else { return false }
        let text = HandoverMailText.approval(handover)
        do throws(GraphError) {
            try await graph.sendMail(from: sender, to: address, subject: text.subject, text: text.body)
            return true
        } catch {
            logger.warning("approver mail failed", metadata: ["handover.id": "\(handover.id)", "error.detail": "\(error)"])
            return false
        }
    }
}

extension HandoverMailText {
    /// The approvers' mail: who asked, for whom, why, until when, and where to decide.
    public static func approval(_ handover: Handover) -> (subject: String, body: String) {
        let target = handover.targetDisplayName.map { "\($0) (\(handover.targetUPN))" } ?? handover.targetUPN
        let requester = handover.requesterUPN ?? handover.requesterId.value
        let until = GraphDate.format(handover.expiresAt)
        let reason = handover.reason.map { "Reason / Begründung: \($0)\n" } ?? ""
        return ("Approval needed: Temporary Access Pass for \(handover.targetDisplayName ?? handover.targetUPN) / Freigabe erforderlich", """
        The helpdesk agent \(requester) asks for a Temporary Access Pass for \(target) and needs a second agent's approval.
        \(reason)Open the helpdesk portal, tab Handovers, to approve or reject it before \(until) (UTC). You cannot approve your own request.

        Der Helpdesk-Mitarbeiter \(requester) fordert einen befristeten Zugriffspass für \(target) an und benötigt die Freigabe eines zweiten Mitarbeiters.
        Öffnen Sie das Helpdesk-Portal, Reiter „Übergaben“, und geben Sie die Anfrage vor \(until) (UTC) frei oder lehnen Sie sie ab.

        This message does not contain a pass. / Diese Nachricht enthält keinen Zugriffspass.
        """)
    }
}

/// The words of the recipient's mail (`de…` → German, anything else English).
public enum HandoverMailText {
    public static func make(language: String?, handover: Handover, portalURL: String?) -> (subject: String, body: String) {
        let target = handover.targetDisplayName.map { "\($0) (\(handover.targetUPN))" } ?? handover.targetUPN
        let requester = handover.requesterUPN ?? handover.requesterId.value
        let until = GraphDate.format(handover.expiresAt)
        if language?.lowercased().hasPrefix("de") == true {
            let reason = handover.reason.map { "Begründung: \($0)\n" } ?? ""
            let link = portalURL.map { "Öffnen Sie das Self-Service-Portal, um ihn abzuholen: \($0)" } ?? "Öffnen Sie das Self-Service-Portal, um ihn abzuholen."
            return ("Ein befristeter Zugriffspass für \(handover.targetDisplayName ?? handover.targetUPN) wartet auf Sie", """
            Hallo,

            der Helpdesk-Mitarbeiter \(requester) hat einen befristeten Zugriffspass (Temporary Access Pass) für \(target) angefordert. Sie erhalten ihn als Vorgesetzte(r).
            \(reason)
            \(link)
            Der Pass wird erst beim Abholen erstellt und nur Ihnen angezeigt. Die Anfrage verfällt am \(until) (UTC).

            Diese Nachricht enthält keinen Zugriffspass. Geben Sie ihn nur persönlich an \(target) weiter.
            """)
        }
        let reason = handover.reason.map { "Reason: \($0)\n" } ?? ""
        let link = portalURL.map { "Open the self-service portal to pick it up: \($0)" } ?? "Open the self-service portal to pick it up."
        return ("A Temporary Access Pass for \(handover.targetDisplayName ?? handover.targetUPN) is waiting for you", """
        Hello,

        the helpdesk agent \(requester) requested a Temporary Access Pass for \(target). You receive it as their manager.
        \(reason)
        \(link)
        The pass is created only when you pick it up and is shown only to you. The request expires at \(until) (UTC).

        This message does not contain a pass. Hand it over to \(target) in person only.
        """)
    }
}
