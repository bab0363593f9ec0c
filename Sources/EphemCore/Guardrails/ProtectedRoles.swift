/// The directory roles whose holders never get a TAP here (SPEC 7.2, reference 5): every built-in
/// role Microsoft labels privileged, plus Exchange, SharePoint, Groups and Authentication Policy
/// Administrator, which are not labelled but can take over much of a tenant. Keys are role
/// template ids (for built-in roles `roleDefinitionId` is the template id, reference 4.1).
public enum ProtectedRoles {
    public static let names: [String: String] = [
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

    public static let defaultSet: Set<GUID> = Set(names.keys.compactMap { GUID($0) })

    /// The protected set: the override when configured (plus the eight), else the default.
    public static func set(override: [GUID]?) -> Set<GUID> {
        guard let override else { return defaultSet }
        return Set(override).union(alwaysProtected)
    }

    public static func label(_ id: String) -> String {
        names[id.lowercased()].map { "\($0) (\(id.lowercased()))" } ?? "role \(id.lowercased())"
    }
}
