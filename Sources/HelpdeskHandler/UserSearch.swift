import EphemCore
import EphemHTTP
import Hummingbird

/// `GET /api/search-user?q=` (SPEC 6.3): `q` once, 2–100 characters after trimming, no control
/// characters. It is matched as a prefix of UPN, display name, mail, given name or surname, and
/// against each word of the display name (Graph's tokenized `$search`, issue 14); the Graph client
/// escapes it as an OData literal or a search clause and percent-encodes it, so quotes, `#`, `&` or
/// `%` are just characters. Items add `userType` (`Member`/`Guest`) and `externalGuest` (a
/// `#EXT#` UPN: Graph refuses such an account a pass) so the portal can say up front why a pass
/// cannot be issued.
enum UserSearch {
    static let maxResults = 20

    /// `q` from the raw query string, read as a form (`+` is a space: `FormQuery`).
    static func query(_ rawQuery: String?) throws(EphemError) -> String {
        let values = FormQuery.values("q", in: try FormQuery.parse(rawQuery))
        guard values.count <= 1 else { throw .invalidQuery(message: "q is given more than once.") }
        let text = values.first.map { $0.trimmingASCIIWhitespace() }.map(String.init) ?? ""
        guard text.count >= 2, text.count <= 100 else { throw .invalidQuery(message: "q must be 2 to 100 characters.") }
        guard !text.unicodeScalars.contains(where: \.isControlCharacter) else {
            throw .invalidQuery(message: "q must not contain control characters.")
        }
        return text
    }

    struct Body: Encodable {
        var users: [Item]
    }

    struct Item: Encodable {
        var id: String
        var upn: String
        var displayName: String?
        var givenName: String?
        var surname: String?
        var mail: String?
        var jobTitle: String?
        var department: String?
        var accountEnabled: Bool?
        var userType: String?
        var externalGuest: Bool

        init(_ user: DirectoryUser) {
            id = user.id.value
            upn = user.userPrincipalName
            displayName = user.displayName
            givenName = user.givenName
            surname = user.surname
            mail = user.mail
            jobTitle = user.jobTitle
            department = user.department
            accountEnabled = user.accountEnabled
            userType = user.userType
            externalGuest = user.isExternalGuest
        }
    }
}
