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

    public var apps: [RegisteredApp]
    /// The value both apps receive as `IDENTITY_HEADER`; `/msi/token` requires it.
    public var identityHeader: String
    /// The object id of the Function Apps' managed identity in managed-identity tokens.
    public var managedIdentityObjectId: String
    public var managedIdentityClientId: String
    public var managedIdentityTokenLifetimeSeconds: Int
    public var accessTokenLifetimeSeconds: Int

    public static let selfServiceClientId = "22222222-2222-2222-2222-222222222222"
    public static let helpdeskClientId = "33333333-3333-3333-3333-333333333333"

    public init(
        apps: [RegisteredApp] = [
            RegisteredApp(name: "selfservice", clientId: selfServiceClientId, redirectURIs: []),
            RegisteredApp(name: "helpdesk", clientId: helpdeskClientId, redirectURIs: []),
        ],
        identityHeader: String = "ephemgate-dev",
        managedIdentityObjectId: String = "99999999-0000-4000-8000-000000000001",
        managedIdentityClientId: String = "99999999-0000-4000-8000-000000000002",
        managedIdentityTokenLifetimeSeconds: Int = 86400,
        accessTokenLifetimeSeconds: Int = 3600
    ) {
        self.apps = apps
        self.identityHeader = identityHeader
        self.managedIdentityObjectId = managedIdentityObjectId
        self.managedIdentityClientId = managedIdentityClientId
        self.managedIdentityTokenLifetimeSeconds = managedIdentityTokenLifetimeSeconds
        self.accessTokenLifetimeSeconds = accessTokenLifetimeSeconds
    }
}
