public import EphemCore
import HTTPTypes

/// Status and sentence of each handover refusal (SPEC 6.4, 7.6).
extension ErrorMapping {
    static func status(_ refusal: HandoverRefusal) -> HTTPResponse.Status {
        switch refusal {
        case .sameAgent, .notRecipient, .notRequester, .directIssueDisabled: .forbidden
        case .notFound: .notFound
        case .approvalRequired, .approvalPending, .closed: .conflict
        }
    }

    static func sentence(_ refusal: HandoverRefusal) -> String {
        switch refusal {
        case .sameAgent: "A second agent must approve or reject this handover: not the one who requested it."
        case .notRecipient: "This pass is not waiting for you: only its recipient (the user's current manager, or the requesting agent) can pick it up."
        case .notRequester: "Only the agent who requested this handover can cancel it."
        case .directIssueDisabled: "Agents may not issue passes to themselves here: send the pass to the user's manager instead."
        case .notFound: "No handover with this id exists."
        case .approvalRequired: "This account needs a second agent's approval: request approval instead of issuing directly."
        case .approvalPending: "This handover still waits for a second agent's approval."
        case .closed: "This handover has already ended (issued, rejected, cancelled or expired) or another action on it just won."
        }
    }
}
