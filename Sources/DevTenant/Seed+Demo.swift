extension Seed {
    public static let defaultTenantId = "11111111-1111-1111-1111-111111111111"

    /// Role template ids the demo directory uses (graph-contracts.md section 5).
    public enum DemoRole {
        public static let globalAdministrator = "62e90394-69f5-4237-9190-012177145e10"
        public static let privilegedRoleAdministrator = "e8611ab8-c189-46e8-94e1-60213ab1f814"
        public static let securityAdministrator = "194ae4cb-b126-40b2-bd5b-6091b380977d"
        public static let complianceAdministrator = "17315797-102d-40b4-93e0-432062caca18"
        public static let teamsAdministrator = "69091246-20e8-4a56-aa4d-066075b2a7a8"
        public static let directoryReaders = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
        /// A custom role ("Contoso Badge Operator"): custom roles have their own definition id.
        public static let customBadgeOperator = "cccccccc-0000-4000-8000-000000000001"
    }

    /// Administrative units of the demo directory.
    public enum DemoUnit {
        public static let munichOffice = "dddddddd-0000-4000-8000-000000000001"
        public static let executiveBoard = "dddddddd-0000-4000-8000-000000000002"
    }

    /// Group ids of the demo directory, for settings such as `BLOCKED_GROUP_IDS`.
    public enum DemoGroup {
        public static let tier0Operators = "bbbbbbbb-0000-4000-8000-000000000001"
        public static let tapBlocked = "bbbbbbbb-0000-4000-8000-000000000002"
        public static let restrictedVendors = "bbbbbbbb-0000-4000-8000-000000000003"
        public static let financeContractors = "bbbbbbbb-0000-4000-8000-000000000004"
        public static let tapPolicyExcluded = "bbbbbbbb-0000-4000-8000-000000000005"
        public static let allStaff = "bbbbbbbb-0000-4000-8000-000000000006"
        public static let financeTeam = "bbbbbbbb-0000-4000-8000-000000000007"
        public static let engineering = "bbbbbbbb-0000-4000-8000-000000000008"
    }

    /// The mailbox the demo's `NOTIFICATION_SENDER` can name.
    public static let demoNotificationSender = "tap-notifications@contoso.example"

    static func demoUserId(_ n: Int) -> String { "aaaaaaaa-0000-4000-8000-0000000000" + (n < 10 ? "0" : "") + String(n) }

    private static func person(_ n: Int, _ local: String, _ given: String, _ surname: String, _ job: String, _ department: String,
                               _ language: String, displayName: String? = nil, mail: Bool = true, enabled: Bool = true,
                               methods: [AuthenticationMethod]? = nil, manager: Int? = nil) -> User {
        User(id: demoUserId(n), userPrincipalName: "\(local)@contoso.example", displayName: displayName ?? "\(given) \(surname)",
             givenName: given, surname: surname, mail: mail ? "\(local)@contoso.example" : nil, jobTitle: job, department: department,
             accountEnabled: enabled, userType: "Member", preferredLanguage: language, manager: manager.map(demoUserId), appRoles: nil,
             authenticationMethods: methods)
    }

    private static let fido = [AuthenticationMethod(type: "fido2AuthenticationMethod", displayName: "Security key")]
    private static let authenticator = [AuthenticationMethod(type: "microsoftAuthenticatorAuthenticationMethod", displayName: "Phone")]
    private static let phone = [AuthenticationMethod(type: "phoneAuthenticationMethod", displayName: nil)]

    /// The built-in demo directory (README "Demo directory"): the helpdesk agent, a viewer, ordinary
    /// users and one Global Administrator (ids 1–5), then one account per guardrail (6–14) and
    /// twenty ordinary users (15–34) to search and page through.
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
                 accountEnabled: true, userType: "Member", preferredLanguage: "en-GB", manager: demoUserId(3), appRoles: nil, authenticationMethods: nil),
            User(id: "aaaaaaaa-0000-4000-8000-000000000005", userPrincipalName: "grace.admin@contoso.example", displayName: "Grace Admin",
                 givenName: "Grace", surname: "Admin", mail: "grace.admin@contoso.example", jobTitle: "Global Administrator", department: "IT",
                 accountEnabled: true, userType: "Member", preferredLanguage: "en-US", appRoles: nil, authenticationMethods: nil),
            // One account per guardrail.
            person(6, "tom.tier0", "Tom", "Tier0", "Identity Operator", "IT", "en-US", methods: fido),
            person(7, "priya.pim", "Priya", "Pim", "Security Engineer", "Security", "en-GB", methods: authenticator),
            person(8, "felix.eligible", "Felix", "Eligible", "Platform Engineer", "IT", "de-DE"),
            person(9, "olivia.owner", "Olivia", "Owner", "IT Manager", "IT", "en-US", methods: authenticator),
            person(10, "nina.nested", "Nina", "Nested", "Contractor", "Finance", "de-DE"),
            person(11, "dave.disabled", "Dave", "Disabled", "Former Employee", "Sales", "en-US", enabled: false),
            User(id: demoUserId(12), userPrincipalName: "alex.partner_fabrikam.example#EXT#@contoso.example", displayName: "Alex Partner (Fabrikam)",
                 givenName: "Alex", surname: "Partner", mail: "alex.partner@fabrikam.example", jobTitle: "Consultant", department: nil,
                 accountEnabled: true, userType: "Guest", preferredLanguage: "en-US", appRoles: nil, authenticationMethods: nil),
            person(13, "quinn.excluded", "Quinn", "Excluded", "Kiosk Operator", "Operations", "en-US"),
            User(id: demoUserId(14), userPrincipalName: demoNotificationSender, displayName: "TAP Notifications",
                 givenName: nil, surname: nil, mail: demoNotificationSender, jobTitle: nil, department: "IT",
                 accountEnabled: false, userType: "Member", preferredLanguage: "en-US", appRoles: nil, authenticationMethods: nil),
            // Ordinary users.
            person(15, "anna.schmidt", "Anna", "Schmidt", "Controller", "Finance", "de-DE", methods: fido),
            person(16, "anna.schulz", "Anna", "Schulz", "HR Partner", "HR", "de-DE", manager: 15),
            person(17, "andreas.weber", "Andreas", "Weber", "Sales Manager", "Sales", "de-DE", methods: phone, manager: 15),
            person(18, "juergen.mueller", "Jürgen", "Müller", "Warehouse Lead", "Logistics", "de-DE"),
            person(19, "sean.obrien", "Seán", "O'Brien", "Solicitor", "Legal", "en-IE", methods: authenticator),
            person(20, "maria.garcia", "María", "García", "Designer", "Marketing", "es-ES"),
            person(21, "li.wei", "Wei", "Li", "Data Scientist", "R&D", "zh-CN", displayName: "Li Wei", manager: 27),
            person(22, "aisha.khan", "Aisha", "Khan", "Product Owner", "R&D", "en-GB", methods: fido, manager: 27),
            person(23, "mohammed.al-farsi", "Mohammed", "Al-Farsi", "Analyst", "Finance", "en-US"),
            person(24, "emma.johnson", "Emma", "Johnson", "Recruiter", "HR", "en-US"),
            person(25, "liam.smith", "Liam", "Smith", "Support Engineer", "IT", "en-US", methods: phone),
            person(26, "sophie.martin", "Sophie", "Martin", "Account Executive", "Sales", "fr-FR"),
            person(27, "lukas.becker", "Lukas", "Becker", "Engineer", "R&D", "de-DE", methods: authenticator),
            person(28, "hannah.schneider", "Hannah", "Schneider", "Buyer", "Procurement", "de-DE"),
            person(29, "olga.petrova", "Olga", "Petrova", "Translator", "Marketing", "en-US"),
            person(30, "kenji.tanaka", "Kenji", "Tanaka", "Engineer", "R&D", "ja-JP", manager: 27),
            person(31, "fatima.zahra", "Fatima", "Zahra", "Pharmacist", "Operations", "en-GB"),
            person(32, "noah.brown", "Noah", "Brown", "Technician", "Operations", "en-US", mail: false),
            person(33, "chloe.dubois", "Chloé", "Dubois", "Lawyer", "Legal", "fr-FR"),
            person(34, "mia.wagner", "Mia", "Wagner", "Trainee", "HR", "de-DE", manager: 16),
            // SPEC 7.2's wider rule: any role but the issuable ones, and restricted units.
            person(35, "carla.compliance", "Carla", "Compliance", "Compliance Officer", "Legal", "en-US"),
            person(36, "theo.teams", "Theo", "Teams", "Collaboration Engineer", "IT", "en-US"),
            person(37, "umar.unit", "Umar", "Unit", "Site Coordinator", "Facilities", "de-DE"),
            person(38, "rita.restricted", "Rita", "Restricted", "Chief Financial Officer", "Executive", "en-US"),
            person(39, "dora.reader", "Dora", "Reader", "Analyst", "Finance", "en-US"),
        ],
        groups: [
            Group(id: DemoGroup.tier0Operators, displayName: "Tier 0 Operators", isAssignableToRole: true,
                  members: [demoUserId(6)], owners: [demoUserId(9)]),
            Group(id: DemoGroup.tapBlocked, displayName: "TAP Blocked", isAssignableToRole: nil, members: [DemoGroup.restrictedVendors], owners: nil),
            Group(id: DemoGroup.restrictedVendors, displayName: "Restricted Vendors", isAssignableToRole: nil,
                  members: [DemoGroup.financeContractors], owners: nil),
            Group(id: DemoGroup.financeContractors, displayName: "Finance Contractors", isAssignableToRole: nil, members: [demoUserId(10)], owners: nil),
            Group(id: DemoGroup.tapPolicyExcluded, displayName: "TAP Policy Excluded", isAssignableToRole: nil, members: [demoUserId(13)], owners: nil),
            Group(id: DemoGroup.allStaff, displayName: "All Staff", isAssignableToRole: nil,
                  members: (1...11).map(demoUserId) + [demoUserId(13)] + (15...39).map(demoUserId), owners: [demoUserId(1)]),
            Group(id: DemoGroup.financeTeam, displayName: "Finance Team", isAssignableToRole: nil,
                  members: [demoUserId(3), demoUserId(15), demoUserId(23)], owners: nil),
            Group(id: DemoGroup.engineering, displayName: "Engineering", isAssignableToRole: nil,
                  members: [demoUserId(4), demoUserId(21), demoUserId(22), demoUserId(27), demoUserId(30)], owners: nil),
        ],
        roleAssignments: [
            RoleAssignment(principalId: "aaaaaaaa-0000-4000-8000-000000000005", roleDefinitionId: DemoRole.globalAdministrator, directoryScopeId: "/"),
            RoleAssignment(principalId: DemoGroup.tier0Operators, roleDefinitionId: DemoRole.privilegedRoleAdministrator, directoryScopeId: "/"),
            RoleAssignment(principalId: demoUserId(35), roleDefinitionId: DemoRole.complianceAdministrator, directoryScopeId: "/"),
            RoleAssignment(principalId: demoUserId(37), roleDefinitionId: DemoRole.customBadgeOperator,
                           directoryScopeId: "/administrativeUnits/\(DemoUnit.munichOffice)"),
            RoleAssignment(principalId: demoUserId(39), roleDefinitionId: DemoRole.directoryReaders, directoryScopeId: "/"),
        ],
        roleEligibilities: [
            RoleEligibility(principalId: demoUserId(7), roleDefinitionId: DemoRole.securityAdministrator),
            RoleEligibility(principalId: demoUserId(36), roleDefinitionId: DemoRole.teamsAdministrator),
        ],
        groupEligibilities: [GroupEligibility(principalId: demoUserId(8), groupId: DemoGroup.tier0Operators, accessId: "member")],
        administrativeUnits: [
            AdministrativeUnit(id: DemoUnit.munichOffice, displayName: "Munich Office", isMemberManagementRestricted: nil,
                               members: [demoUserId(15), demoUserId(16), demoUserId(37)]),
            AdministrativeUnit(id: DemoUnit.executiveBoard, displayName: "Executive Board", isMemberManagementRestricted: true,
                               members: [demoUserId(38)]),
        ],
        tapPolicy: TapPolicy(state: "enabled", minimumLifetimeInMinutes: 60, maximumLifetimeInMinutes: 480, defaultLifetimeInMinutes: 60,
                             isUsableOnce: false, defaultLength: 8,
                             includeTargets: [PolicyTarget(id: "all_users", isRegistrationRequired: false)],
                             excludeTargets: [PolicyTarget(id: DemoGroup.tapPolicyExcluded)])
    )
}
