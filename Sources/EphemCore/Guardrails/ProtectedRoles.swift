/// Directory roles as the guard sees them (SPEC 7.2). The default follows Microsoft's rule for
/// whom an Authentication Administrator may manage (reference 5, "Who can perform sensitive
/// actions"): holders of no role, or only of the reader-like *issuable* roles below. Every other
/// role protects its holder: built-in or custom, active or eligible, at any scope. Keys are role
/// template ids (for built-in roles `roleDefinitionId` is the template id, reference 4.1); the
/// template ids and names are those of Microsoft's Entra permissions reference
/// (docs/graph-calls.md, "Built-in roles").
public enum ProtectedRoles {
    /// Roles whose holders may still get a TAP (SPEC 7.2's list; `TAP_ISSUABLE_ROLE_IDS`
    /// replaces it): Directory Readers, Guest Inviter, Message Center Reader, Password
    /// Administrator, Reports Reader, User Experience Success Manager, Usage Summary Reports Reader.
    public static let defaultIssuable: Set<GUID> = Set([
        "88d8e3e3-8f55-4a1e-953a-9b9898b8876b", "95e79109-95c0-4d8e-aee3-d01accf2d47b", "790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b",
        "966707d0-3269-4727-9be2-8c3a10f19b9d", "4a5d8f65-41da-4de4-8968-e035b65339cf", "27460883-1df1-4691-b032-3b79643e5e63",
        "75934031-6c7e-415a-99d7-48dbd49e875e",
    ].compactMap { GUID($0) })

    /// Display names of built-in roles, for audit reasons.
    public static let names: [String: String] = [
        "88d8e3e3-8f55-4a1e-953a-9b9898b8876b": "Directory Readers",
        "95e79109-95c0-4d8e-aee3-d01accf2d47b": "Guest Inviter",
        "790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b": "Message Center Reader",
        "4a5d8f65-41da-4de4-8968-e035b65339cf": "Reports Reader",
        "27460883-1df1-4691-b032-3b79643e5e63": "User Experience Success Manager",
        "75934031-6c7e-415a-99d7-48dbd49e875e": "Usage Summary Reports Reader",
        "17315797-102d-40b4-93e0-432062caca18": "Compliance Administrator",
        "69091246-20e8-4a56-aa4d-066075b2a7a8": "Teams Administrator",
        "62e90394-69f5-4237-9190-012177145e10": "Global Administrator",
        "e8611ab8-c189-46e8-94e1-60213ab1f814": "Privileged Role Administrator",
        "7be44c8a-adaf-4e2a-84d6-ab2649e08a13": "Privileged Authentication Administrator",
        "194ae4cb-b126-40b2-bd5b-6091b380977d": "Security Administrator",
        "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3": "Application Administrator",
        "158c047a-c907-4556-b7ef-446551a6b5f7": "Cloud Application Administrator",
        "29232cdf-9323-42fd-ade2-1d097af3e4de": "Exchange Administrator",
        "f28a1f50-f6e7-4571-818b-6a12f2af6b6c": "SharePoint Administrator",
        "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9": "Conditional Access Administrator",
        "c4e39bd9-1100-46d3-8c65-fb160da0071f": "Authentication Administrator",
        "0526716b-113d-4c15-b2c8-68e3c22b9f80": "Authentication Policy Administrator",
        "fe930be7-5e62-47db-91af-98c3a49a38b1": "User Administrator",
        "729827e3-9c14-49f7-bb1b-9608f156bbb8": "Helpdesk Administrator",
        "3a2c62db-5318-420d-8d74-23affee5d9d5": "Intune Administrator",
        "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2": "Hybrid Identity Administrator",
        "e00e864a-17c5-4a4b-9c06-f5b95a8d5bd8": "Partner Tier2 Support",
        "4ba39ca4-527c-499a-b93d-d9b492c50246": "Partner Tier1 Support",
        "9360feb5-f418-4baa-8175-e2a00bac4301": "Directory Writers",
        "fdd7a751-b60b-444a-984c-02652fe8fa1c": "Groups Administrator",
        "f2ef992c-3afb-46b9-b7cf-a126ee74c451": "Global Reader",
        "5f2222b1-57c3-48ba-8ad5-d4759f1fde6f": "Security Operator",
        "5d6b6bb7-de71-4623-b4af-96380a352509": "Security Reader",
        "cf1c38e5-3621-4004-a7cb-879624dced7c": "Application Developer",
        "7698a772-787b-4ac8-901f-60d6b08affd2": "Cloud Device Administrator",
        "8329153b-31d0-4727-b945-745eb3bc5f31": "Domain Name Administrator",
        "be2f45a1-457d-42af-a067-6ec1fa63bc45": "External Identity Provider Administrator",
        "966707d0-3269-4727-9be2-8c3a10f19b9d": "Password Administrator",
        "59d46f88-662b-457b-bceb-5c3809e5908f": "Lifecycle Workflows Administrator",
        "25a516ed-2fa0-40ea-a2d0-12923a21473a": "Authentication Extensibility Administrator",
        "aaf43236-0c0d-4d5f-883a-6955382ac081": "B2C IEF Keyset Administrator",
    ]

    /// The eight roles the Node.js original blocks: always protected, whatever
    /// `PRIVILEGED_ROLE_IDS` says.
    public static let alwaysProtected: Set<GUID> = Set([
        "62e90394-69f5-4237-9190-012177145e10", "e8611ab8-c189-46e8-94e1-60213ab1f814", "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
        "194ae4cb-b126-40b2-bd5b-6091b380977d", "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", "29232cdf-9323-42fd-ade2-1d097af3e4de",
        "f28a1f50-f6e7-4571-818b-6a12f2af6b6c", "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9",
    ].compactMap { GUID($0) })

    /// The rule: a role protects unless it is issuable; the eight and `PRIVILEGED_ROLE_IDS`
    /// protect even when listed as issuable. A role id that is not a GUID protects.
    public struct Rule: Sendable, Equatable {
        public var issuable: Set<GUID>
        public var alwaysProtected: Set<GUID>

        /// `issuable`: `TAP_ISSUABLE_ROLE_IDS` or nil for the default; `privileged`:
        /// `PRIVILEGED_ROLE_IDS`.
        public init(issuable: [GUID]?, privileged: [GUID]) {
            self.issuable = issuable.map(Set.init) ?? ProtectedRoles.defaultIssuable
            alwaysProtected = ProtectedRoles.alwaysProtected.union(privileged)
        }

        public func protects(_ roleDefinitionId: String) -> Bool {
            guard let id = GUID(roleDefinitionId) else { return true }
            return alwaysProtected.contains(id) || !issuable.contains(id)
        }
    }

    /// `Global Administrator (62e9…)` for a role the table knows, else `role {id}` (a custom role
    /// or one newer than the table).
    public static func label(_ id: String) -> String {
        names[id.lowercased()].map { "\($0) (\(id.lowercased()))" } ?? "role \(id.lowercased())"
    }
}
