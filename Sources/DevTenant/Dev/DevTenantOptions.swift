/// What the dev tenant is configured with besides its directory.
public struct DevTenantOptions: Sendable {
    /// An app registration the tenant knows: its client id (token audience) and the redirect URIs
    /// its SPA may use with the authorize endpoint.
    public struct RegisteredApp: Sendable, Equatable {
        public var name: String
        public var clientId: String
        public var redirectURIs: [String]

        public init(name: String, clientId: String, redirectURIs: [String]) {
            self.name = name
            self.clientId = clientId
            self.redirectURIs = redirectURIs
        }
    }

    /// A Function App's system-assigned managed identity: `/msi/token` picks it by the
    /// `X-IDENTITY-HEADER` value the app was given (on Azure each app has its own endpoint secret),
    /// and its tokens carry `graphPermissions` as the `roles` claim, the application permissions
    /// granted to it, which the simulated Graph checks on every call.
    public struct ManagedIdentity: Sendable, Equatable {
        public var header: String
        public var objectId: String
        public var clientId: String
        public var graphPermissions: Set<String>

        public init(header: String, objectId: String, clientId: String, graphPermissions: Set<String>) {
            self.header = header
            self.objectId = objectId
            self.clientId = clientId
            self.graphPermissions = graphPermissions
        }
    }

    public var apps: [RegisteredApp]
    /// The managed identities `/msi/token` serves; the first is the default one.
    public var managedIdentities: [ManagedIdentity]
    public var managedIdentityTokenLifetimeSeconds: Int
    public var accessTokenLifetimeSeconds: Int

    public static let selfServiceClientId = "22222222-2222-2222-2222-222222222222"
    public static let helpdeskClientId = "33333333-3333-3333-3333-333333333333"

    public init(
        apps: [RegisteredApp] = [
            RegisteredApp(name: "selfservice", clientId: selfServiceClientId, redirectURIs: []),
            RegisteredApp(name: "helpdesk", clientId: helpdeskClientId, redirectURIs: []),
        ],
        managedIdentities: [ManagedIdentity] = [
            ManagedIdentity(header: "ephemgate-dev", objectId: "99999999-0000-4000-8000-000000000001",
                            clientId: "99999999-0000-4000-8000-000000000002", graphPermissions: productGraphPermissions),
        ],
        managedIdentityTokenLifetimeSeconds: Int = 86400,
        accessTokenLifetimeSeconds: Int = 3600
    ) {
        self.apps = apps
        self.managedIdentities = managedIdentities
        self.managedIdentityTokenLifetimeSeconds = managedIdentityTokenLifetimeSeconds
        self.accessTokenLifetimeSeconds = accessTokenLifetimeSeconds
    }

    /// The default identity's `IDENTITY_HEADER` value.
    public var identityHeader: String { managedIdentities.first?.header ?? "" }

    /// The Graph application permissions `infra/graph-permissions.json` grants either app in the
    /// usual configuration (every `always` entry, and `Mail.Send` for a notification sender), which
    /// the default identity holds, so tests run with exactly the product's grants (a test compares
    /// this list with the file). The out-of-band switch's `AuditLog.Read.All` and
    /// `Directory.Read.All` are left out: tests of that switch add them, and every other test proves
    /// it needs neither.
    public static let productGraphPermissions: Set<String> = [
        "User.Read.All", "GroupMember.Read.All", "RoleManagement.Read.Directory", "PrivilegedEligibilitySchedule.Read.AzureADGroup",
        "AdministrativeUnit.Read.All", "Policy.Read.AuthenticationMethod", "UserAuthMethod-TAP.ReadWrite.All",
        "UserAuthenticationMethod.Read.All", "Mail.Send",
    ]
}
