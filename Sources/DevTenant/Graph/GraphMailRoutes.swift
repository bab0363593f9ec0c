import EphemCore
import Hummingbird

/// `POST /users/{sender id | UPN}/sendMail` (reference 6): 202 with no body; the message is kept
/// for `GET /dev/mail` and `DevGraph.sentMail`. Errors in Exchange's shape: an unknown sender is
/// 404 `ErrorInvalidUser`, a user without a mailbox (no `mail`) 404 `MailboxNotEnabledForRESTAPI`,
/// missing or unresolvable recipients 400 `ErrorInvalidRecipients`, a missing payload, message or
/// body 400 `BadRequest`.
struct GraphMailRoutes {
    let graph: DevGraph

    static func badRequest(_ message: String) -> GraphProblem { GraphProblem(status: 400, code: "BadRequest", message: message) }

    static func invalidRecipients(_ detail: String) -> GraphProblem {
        GraphProblem(status: 400, code: "ErrorInvalidRecipients", message: "At least one recipient is not valid., \(detail)")
    }

    func send(from key: String, _ request: GraphRequest, _ reply: GraphReply) throws(GraphProblem) -> Response {
        guard let sender = graph.directory.user(key) else {
            throw GraphProblem(status: 404, code: "ErrorInvalidUser", message: "The requested user '\(key)' is invalid.")
        }
        guard let from = sender.mail else {
            throw GraphProblem(status: 404, code: "MailboxNotEnabledForRESTAPI", message: "The mailbox is either inactive, soft-deleted, or is hosted on-premise.")
        }
        if request.body.isEmpty { throw Self.badRequest("Empty Payload. JSON content expected.") }
        let body = try request.jsonObject(emptyIsObject: false, problem: Self.badRequest("Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."))
        guard let message = body["message"]?.objectValue else { throw Self.badRequest("The message parameter is required.") }
        if let save = body["saveToSentItems"], save.boolValue == nil, save != .null {
            throw Self.badRequest("Invalid value for saveToSentItems.")
        }
        var recipients: [String] = []
        var anyRecipient = false
        for field in ["toRecipients", "ccRecipients", "bccRecipients"] {
            guard let value = message[field], value != .null else { continue }
            guard let list = value.arrayValue else { throw Self.badRequest("\(field) must be an array.") }
            for entry in list {
                guard let address = entry.objectValue?["emailAddress"]?.objectValue?["address"]?.stringValue,
                      Self.isAddress(address) else {
                    throw Self.invalidRecipients("Recipient '\(entry.objectValue?["emailAddress"]?.objectValue?["address"]?.stringValue ?? "")' is not resolved. All recipients must be resolved before a message can be submitted.")
                }
                anyRecipient = true
                if field == "toRecipients" { recipients.append(address) }
            }
        }
        guard anyRecipient else { throw Self.invalidRecipients("Recipient is missing.") }
        guard let content = message["body"]?.objectValue else { throw Self.badRequest("The message body is required.") }
        let contentType = content["contentType"]?.stringValue ?? "Text"
        guard ["text", "html"].contains(contentType.lowercased()) else {
            throw Self.badRequest("Requested value '\(contentType)' was not found.")
        }
        let text = content["content"]?.stringValue ?? ""
        let subject = message["subject"]?.stringValue ?? ""
        graph.record(SentMail(from: from, to: recipients, subject: subject, contentType: contentType, content: text,
                              sentAt: ISOTime.string(graph.now)))
        return reply.empty(.accepted)
    }

    /// `local@domain` with something on both sides and no spaces.
    static func isAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !text.contains(" ")
    }
}
