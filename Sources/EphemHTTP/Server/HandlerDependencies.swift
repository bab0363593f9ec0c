public import AsyncHTTPClient
public import EphemCore
public import Logging
import ServiceLifecycle

/// What a handler's routes are built from: the parsed settings and the process-wide services.
/// Built once by the composition root (`HandlerDependencies.live`), and by tests the same way.
public struct HandlerDependencies: Sendable {
    public var settings: Settings
    public var logger: Logger
    /// The one outbound HTTP client of the process.
    public var http: OutboundHTTP
    public var signingKeys: SigningKeyCache
    public var authenticator: Authenticator
    /// The backend's own tokens for Graph and Table Storage (managed identity or Azure CLI).
    public var tokens: any AccessTokenProvider
    public var tables: TableClient
    public var audit: AuditLog
    public var graph: GraphClient
    /// The issuance flow with this portal's limits, lock, guard and policy cache: one per process,
    /// so its caches are shared by every request.
    public var issuer: TapIssuer
    /// The `TapLedger` (SPEC 7.7): one row per issued pass, read by `tap-watch` and the history.
    public var ledger: TapLedger

    public init(settings: Settings, logger: Logger, http: OutboundHTTP, signingKeys: SigningKeyCache, tokens: any AccessTokenProvider) {
        self.settings = settings
        self.logger = logger
        self.http = http
        self.signingKeys = signingKeys
        self.tokens = tokens
        tables = TableClient(endpoint: settings.tableEndpoint, http: http, tokens: tokens, logger: logger)
        audit = AuditLog(client: tables, logger: logger)
        graph = GraphClient(endpoint: settings.graphEndpoint, http: http, tokens: tokens, logger: logger)
        ledger = TapLedger(client: tables)
        issuer = TapIssuer(
            configuration: IssuanceConfiguration(portal: settings.portal, lifetimeMinutes: settings.tapLifetimeMinutes,
                                                 isUsableOnce: settings.tapIsUsableOnce, notificationSender: settings.notificationSender),
            graph: graph,
            guardrail: TargetGuard(graph: graph, roles: ProtectedRoles.Rule(issuable: settings.issuableRoleIds, privileged: settings.privilegedRoleIds), blockedGroups: settings.blockedGroupIds),
            limiter: settings.portal == .helpdesk
                ? RateLimiter(scope: Portal.helpdesk.rawValue, limit: settings.rateLimitPerAgentPerHour, window: 3600, client: tables)
                : RateLimiter(scope: Portal.selfService.rawValue, limit: settings.selfServiceLimitPerDay, window: 86_400, client: tables),
            lock: TargetLock(client: tables), audit: audit, policies: TapPolicyCache(graph: graph), logger: logger, ledger: ledger)
        let configuration = TokenValidator.Configuration(
            tenantId: settings.tenantId, clientId: settings.clientId, authorityHost: settings.authorityHost,
            requiredScope: settings.apiScope, requiredAuthContext: settings.requiredAuthContext)
        authenticator = Authenticator(validator: TokenValidator(configuration: configuration, keys: signingKeys))
    }

    /// Production wiring: the tenant's JWKS over HTTP, the managed identity when the platform set
    /// `IDENTITY_ENDPOINT`, else the developer's Azure CLI sign-in.
    public static func live(settings: Settings, logger: Logger, client: HTTPClient) -> HandlerDependencies {
        let http = OutboundHTTP(client: client)
        let keys = SigningKeyCache(source: HTTPSigningKeySource(authorityHost: settings.authorityHost, tenantId: settings.tenantId, http: http), logger: logger)
        let tokens: any AccessTokenProvider
        if let endpoint = settings.identityEndpoint, let header = settings.identityHeader {
            tokens = ManagedIdentityCredential(endpoint: endpoint, identityHeader: header, http: http, logger: logger)
        } else {
            logger.notice("IDENTITY_ENDPOINT is not set: using the Azure CLI sign-in for Graph and Table tokens")
            tokens = AzureCLICredential(logger: logger)
        }
        return HandlerDependencies(settings: settings, logger: logger, http: http, signingKeys: keys, tokens: tokens)
    }

    /// Background work that lives as long as the server: the hourly JWKS refresh, and shutting the
    /// HTTP client down after the server has drained.
    var services: [any Service] {
        [StorageBootstrapService(tables: tables, names: [AuditLog.table(for: settings.portal), RateLimiter.table, TapLedger.table, HandoverStore.table], logger: logger),
         KeyRefreshService(keys: signingKeys), HTTPClientShutdownService(client: http.client),
         PolicyCheckService(settings: settings, policies: issuer.policies, logger: logger)]
    }
}

/// One handler: which portal it is and the routes only it serves.
public struct HandlerDefinition: Sendable {
    public typealias RouteBuilder = @Sendable (HandlerDependencies) -> [FunctionRoute]
    public var portal: Portal
    public var routes: RouteBuilder

    public init(portal: Portal, routes: @escaping RouteBuilder) {
        self.portal = portal
        self.routes = routes
    }
}

struct KeyRefreshService: Service {
    let keys: SigningKeyCache
    func run() async throws {
        await cancelWhenGracefulShutdown { await keys.runPeriodicRefresh() }
    }
}

/// Creates the tables this app writes if they are missing, once, in the background (the Bicep
/// deployment creates them in Azure, where this is a 409 or 403 and nothing else).
struct StorageBootstrapService: Service {
    let tables: TableClient
    let names: [String]
    let logger: Logger
    func run() async throws {
        // Stops at once on shutdown, so an unreachable storage account never delays a drain.
        await cancelWhenGracefulShutdown {
            for name in names where !Task.isCancelled {
                do {
                    try await tables.createTableIfNeeded(name)
                } catch {
                    logger.warning("could not make sure a table exists", metadata: ["table.name": "\(name)", "error.detail": "\(error)"])
                }
            }
        }
        try? await gracefulShutdown()
    }
}

struct HTTPClientShutdownService: Service {
    let client: HTTPClient
    func run() async throws {
        try? await gracefulShutdown()
        try? await client.shutdown()
    }
}

/// Reads the tenant's TAP policy once at start and logs one warning when the configured lifetime
/// or one-time flag is not what Graph will issue (the policy clamps it, reference 1.5), so an
/// operator learns it from the log rather than from a pass that lasts longer than configured.
struct PolicyCheckService: Service {
    let settings: Settings
    let policies: TapPolicyCache
    let logger: Logger
    func run() async throws {
        await cancelWhenGracefulShutdown {
            guard let policy = try? await policies.current() else { return }
            let lifetime = policy.lifetime(requested: settings.tapLifetimeMinutes)
            let usableOnce = policy.usableOnce(requested: settings.tapIsUsableOnce)
            if lifetime != settings.tapLifetimeMinutes || usableOnce != settings.tapIsUsableOnce {
                logger.warning("configured TAP settings are outside the tenant's TAP policy; issuing what the policy allows", metadata: [
                    "settings.tap_lifetime_minutes": "\(settings.tapLifetimeMinutes)", "policy.lifetime_minutes": "\(policy.minimumLifetimeInMinutes)-\(policy.maximumLifetimeInMinutes)",
                    "issued.lifetime_minutes": "\(lifetime)", "settings.tap_is_usable_once": "\(settings.tapIsUsableOnce)", "issued.is_usable_once": "\(usableOnce)",
                ])
            }
        }
        try? await gracefulShutdown()
    }
}
