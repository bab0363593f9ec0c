#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// The "a Temporary Access Pass was issued for you" mail (SPEC 7.5): to the target's `mail`, else
/// the UPN; who issued it and when; what to do if it was not them. Never the TAP itself. A failed
/// mail does not fail the issuance.
public struct Notifier: Sendable {
    let graph: GraphClient
    let sender: String?
    let logger: Logger

    public init(graph: GraphClient, sender: String?, logger: Logger) {
        self.graph = graph
        self.sender = sender
        self.logger = logger
    }

    /// True when Graph accepted the mail. `receivedBy` names who picked up a handover's pass (SPEC 7.6).
    public func notify(target: DirectoryUser, issuedBy agentUPN: String?, at date: Date, correlationId: String, receivedBy: String? = nil) async -> Bool {
        guard let sender else { return false }
        let recipient = (target.mail?.isEmpty == false ? target.mail : nil) ?? target.userPrincipalName
        let text = NotificationText.make(language: target.preferredLanguage, issuedBy: agentUPN, at: date, correlationId: correlationId, receivedBy: receivedBy)
        do throws(GraphError) {
            try await graph.sendMail(from: sender, to: recipient, subject: text.subject, text: text.body)
            return true
        } catch {
            logger.warning("TAP notification mail failed", metadata: ["audit.correlation_id": "\(correlationId)", "error.detail": "\(error)"])
            return false
        }
    }
}

/// The mail's words in English and German (`preferredLanguage` `de…` → German, anything else
/// English).
public enum NotificationText {
    public static func make(language: String?, issuedBy agentUPN: String?, at date: Date, correlationId: String, receivedBy: String? = nil) -> (subject: String, body: String) {
        let when = GraphDate.format(date)
        if language?.lowercased().hasPrefix("de") == true {
            let who = agentUPN.map { "vom Helpdesk-Mitarbeiter \($0)" } ?? "von Ihnen selbst über das Self-Service-Portal"
            return ("Für Ihr Konto wurde ein befristeter Zugriffspass ausgestellt", """
            Hallo,

            für Ihr Konto wurde am \(when) (UTC) ein befristeter Zugriffspass (Temporary Access Pass) ausgestellt, \(who).\(receivedBy.map { " Den Pass hat \($0) erhalten." } ?? "")

            Wenn Sie das waren oder darum gebeten haben, müssen Sie nichts tun.
            Wenn nicht, melden Sie sich bitte sofort bei Ihrem IT-Helpdesk oder Sicherheitsteam und nennen Sie diese Kennung: \(correlationId).

            Diese Nachricht enthält den Zugriffspass nicht und niemand wird Sie danach fragen.
            """)
        }
        let who = agentUPN.map { "by the helpdesk agent \($0)" } ?? "by you, via self-service"
        return ("A Temporary Access Pass was issued for your account", """
        Hello,

        a Temporary Access Pass was issued for your account at \(when) (UTC), \(who).\(receivedBy.map { " The pass was handed to \($0)." } ?? "")

        If this was you or you asked for it, there is nothing to do.
        If not, contact your IT helpdesk or security team immediately and quote this reference: \(correlationId).

        This message does not contain the pass, and nobody will ever ask you for it.
        """)
    }
}
