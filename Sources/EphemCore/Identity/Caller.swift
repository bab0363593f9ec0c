/// The signed-in user as the validated token describes them: the only identity handlers see.
/// Every field comes from a token whose signature, issuer, audience, tenant, lifetime and scope
/// were checked (`TokenValidator`).
public struct Caller: Sendable, Equatable {
    /// `oid`: the user's immutable object id, the same id Graph uses.
    public var objectId: GUID
    /// `upn` (v1 / optional v2 claim), else `preferred_username`, else `unique_name`. Display only.
    public var userPrincipalName: String?
    public var displayName: String?
    /// App roles assigned to the user on this API (`roles`).
    public var roles: [String]
    public var tenantId: GUID

    public init(objectId: GUID, userPrincipalName: String?, displayName: String?, roles: [String], tenantId: GUID) {
        self.objectId = objectId
        self.userPrincipalName = userPrincipalName
        self.displayName = displayName
        self.roles = roles
        self.tenantId = tenantId
    }

    /// Throws `missingRole` unless the caller holds at least one of `anyOf`.
    public func require(anyOf required: [String]) throws(EphemError) {
        guard roles.contains(where: required.contains) else { throw .missingRole(required: required) }
    }
}

/// The app roles of the helpdesk API (SPEC 6.3). Raw values are the role `value`s in Entra.
public enum AppRole {
    public static let tapAdmin = "Helpdesk.TapAdmin"
    public static let tapViewer = "Helpdesk.TapViewer"
}
