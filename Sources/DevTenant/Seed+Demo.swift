extension Seed {
    public static let defaultTenantId = "11111111-1111-1111-1111-111111111111"

    /// The built-in demo directory: a helpdesk agent, a viewer, ordinary users and one protected
    /// administrator, so every portal path can be tried by hand.
    public static let demo = Seed(
        tenantId: defaultTenantId,
        users: [
            User(id: "aaaaaaaa-0000-4000-8000-000000000001", userPrincipalName: "hannah.agent@contoso.example", displayName: "Hannah Agent",
                 givenName: "Hannah", surname: "Agent", mail: "hannah.agent@contoso.example", jobTitle: "Service Desk", department: "IT",
                 accountEnabled: true, userType: "Member", preferredLanguage: "en-US", appRoles: ["Helpdesk.TapAdmin"],
                 authenticationMethods: [AuthenticationMethod(type: "microsoftAuthenticatorAuthenticationMethod", displayName: "Hannah's phone")]),
            User(id: "aaaaaaaa-0000-4000-8000-000000000002", userPrincipalName: "victor.viewer@contoso.example", displayName: "Victor Viewer",
                 givenName: "Victor", surname: "Viewer", mail: "victor.viewer@contoso.example", jobTitle: "Auditor", department: "Compliance",
                 accountEnabled: true, userType: "Member", preferredLanguage: "en-US", appRoles: ["Helpdesk.TapViewer"], authenticationMethods: nil),
            User(id: "aaaaaaaa-0000-4000-8000-000000000003", userPrincipalName: "lena.user@contoso.example", displayName: "Lena User",
                 givenName: "Lena", surname: "User", mail: "lena.user@contoso.example", jobTitle: "Accountant", department: "Finance",
                 accountEnabled: true, userType: "Member", preferredLanguage: "de-DE", appRoles: nil,
                 authenticationMethods: [AuthenticationMethod(type: "fido2AuthenticationMethod", displayName: "YubiKey 5")]),
            User(id: "aaaaaaaa-0000-4000-8000-000000000004", userPrincipalName: "sam.user@contoso.example", displayName: "Sam User",
                 givenName: "Sam", surname: "User", mail: nil, jobTitle: "Engineer", department: "R&D",
                 accountEnabled: true, userType: "Member", preferredLanguage: "en-GB", appRoles: nil, authenticationMethods: nil),
            User(id: "aaaaaaaa-0000-4000-8000-000000000005", userPrincipalName: "grace.admin@contoso.example", displayName: "Grace Admin",
                 givenName: "Grace", surname: "Admin", mail: "grace.admin@contoso.example", jobTitle: "Global Administrator", department: "IT",
                 accountEnabled: true, userType: "Member", preferredLanguage: "en-US", appRoles: nil, authenticationMethods: nil),
        ],
        groups: [],
        roleAssignments: [RoleAssignment(principalId: "aaaaaaaa-0000-4000-8000-000000000005", roleDefinitionId: "62e90394-69f5-4237-9190-012177145e10", directoryScopeId: "/")],
        roleEligibilities: [],
        groupEligibilities: [],
        tapPolicy: TapPolicy(state: "enabled", minimumLifetimeInMinutes: 60, maximumLifetimeInMinutes: 480, defaultLifetimeInMinutes: 60, isUsableOnce: false)
    )
}
