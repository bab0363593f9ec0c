#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import EphemCore
import Hummingbird
import HTTPTypes
import Logging

/// The routes both apps serve (SPEC 6.1) and the timer both run.
enum CommonRoutes {
    static func health(settings: Settings) -> FunctionRoute {
        FunctionRoute(.get, "api/health", access: .anonymous) { _, _ in
            try JSONResponse.make(HealthBody(status: "ok", portal: settings.portal.rawValue, version: EphemVersion.current))
        }
    }

    /// `GET /api/config`: the lifetime and one-time flag are what an issuance will really ask Graph
    /// for, i.e. the settings clamped by the tenant's TAP policy (issue 12, finding 7), read from
    /// the policy cache (at most one Graph read per 5 minutes however many anonymous callers). With
    /// no policy known yet the configured values are reported.
    static func config(settings: Settings, policies: TapPolicyCache) -> FunctionRoute {
        let configured = ConfigBody(settings: settings)
        return FunctionRoute(.get, "api/config", access: .anonymous) { _, _ in
            var body = configured
            if let policy = try? await policies.current() {
                body.tapLifetimeMinutes = policy.lifetime(requested: settings.tapLifetimeMinutes)
                body.tapIsUsableOnce = policy.usableOnce(requested: settings.tapIsUsableOnce)
                if settings.portal == .helpdesk { body.tapOptions = TapOptionsBody(policy: policy, settings: settings) }
            }
            return try JSONResponse.make(body)
        }
    }

    /// `audit-reconcile` (every 5 minutes, SPEC 7.4): old `PENDING` rows resolved from Graph.
    static func auditReconcile(_ dependencies: HandlerDependencies) -> TimerFunction {
        let settings = dependencies.settings
        let reconciler = AuditReconciler(client: dependencies.tables, graph: dependencies.graph, logger: dependencies.logger)
        return TimerFunction(name: "audit-reconcile") { invocation, logger in
            let result = try await reconciler.run(portal: settings.portal)
            // SPEC 7.6: handovers past HANDOVER_TTL_MINUTES become EXPIRED (helpdesk: its audit table holds their rows).
            let expired = settings.portal == .helpdesk ? try await HandoverJSON.desk(dependencies).expire() : 0
            let line = "audit-reconcile: \(expired) handovers expired; examined \(result.examined) PENDING rows older than 5 minutes; \(result.passesDeleted) resolved after deleting a pass never shown, \(result.resolvedWithoutPass) resolved with no pass left, \(result.deferred) deferred" + (result.moreRemain ? "; more remain for the next run" : "")
            logger.notice("\(line)", metadata: [
                "reconcile.examined": "\(result.examined)", "reconcile.passes_deleted": "\(result.passesDeleted)",
                "reconcile.resolved_without_pass": "\(result.resolvedWithoutPass)", "reconcile.deferred": "\(result.deferred)",
                "reconcile.more_remain": "\(result.moreRemain)", "timer.past_due": "\(invocation.timerInfo?.isPastDue ?? false)",
            ])
            return [line]
        }
    }

    static func portal(files: PortalFiles) -> FunctionRoute {
        FunctionRoute(.get, "{file?}", access: .anonymous) { _, context in
            let name = context.parameters.get("file")
            guard let response = files.response(for: name) else { throw EphemError.notFound }
            return response
        }
    }

    /// `GET /api/me` (new): the caller as the API sees them, from the validated token alone, so the
    /// portal can show who is signed in and which tabs their roles open. No upstream call.
    static func me(settings: Settings) -> FunctionRoute {
        FunctionRoute(.get, "api/me", access: .signedIn) { _, context in
            let caller = try context.requireCaller()
            return try JSONResponse.make(MeBody(
                id: caller.objectId.value, upn: caller.userPrincipalName, displayName: caller.displayName,
                roles: caller.roles.sorted(), portal: settings.portal.rawValue))
        }
    }

    /// `audit-retention` (daily): old audit rows and expired rate-limit rows, in bounded batches.
    static func auditRetention(_ dependencies: HandlerDependencies) -> TimerFunction {
        let settings = dependencies.settings
        let retention = AuditRetention(client: dependencies.tables)
        return TimerFunction(name: "audit-retention") { invocation, logger in
            let result = try await retention.run(portal: settings.portal, retentionDays: settings.auditRetentionDays)
            let line = "audit-retention: deleted \(result.auditRowsDeleted) audit rows older than \(settings.auditRetentionDays) days and \(result.rateLimitRowsDeleted) expired rate-limit rows" + (result.moreRemain ? "; more remain for the next run" : "")
            logger.notice("\(line)", metadata: [
                "retention.audit_deleted": "\(result.auditRowsDeleted)", "retention.rate_limit_deleted": "\(result.rateLimitRowsDeleted)",
                "retention.more_remain": "\(result.moreRemain)", "timer.past_due": "\(invocation.timerInfo?.isPastDue ?? false)",
            ])
            return [line]
        }
    }
}

struct MeBody: Encodable {
    var id: String
    var upn: String?
    var displayName: String?
    var roles: [String]
    var portal: String
}

struct HealthBody: Encodable {
    var status: String
    var portal: String
    var version: String
}

/// What the SPA needs to sign in and display (SPEC 6.1, `GET /api/config`).
struct ConfigBody: Encodable {
    var tenantId: String
    var clientId: String
    var authority: String
    var scopes: [String]
    var portal: String
    var tapLifetimeMinutes: Int
    var tapIsUsableOnce: Bool
    var displayTimeoutSeconds: Int
    var requiredAuthContext: String?
    /// Helpdesk only, once the policy is known: what an agent may choose per request (SPEC 6.3).
    var tapOptions: TapOptionsBody?
    /// Helpdesk (SPEC 7.6): whether "Issue TAP" is offered (`HELPDESK_DIRECT_ISSUE`) and `APPROVAL_REQUIRED`.
    var directIssue: Bool?
    var approvalRequired: String?

    init(settings: Settings) {
        tenantId = settings.tenantId.value
        clientId = settings.clientId.value
        authority = settings.authority
        scopes = ["api://\(settings.clientId)/\(settings.apiScope)"]
        portal = settings.portal.rawValue
        tapLifetimeMinutes = settings.tapLifetimeMinutes
        tapIsUsableOnce = settings.tapIsUsableOnce
        displayTimeoutSeconds = settings.displayTimeoutSeconds
        requiredAuthContext = settings.requiredAuthContext
        if settings.portal == .helpdesk {
            directIssue = settings.handover.directIssue
            approvalRequired = settings.handover.approval.rawValue
        }
    }
}

/// The per-request ranges the helpdesk form offers (SPEC 6.3): lifetime in minutes, whether a
/// multi-use pass may be asked for, and how many days ahead a start may lie.
struct TapOptionsBody: Encodable {
    var minLifetimeMinutes: Int
    var maxLifetimeMinutes: Int
    var multiUseAllowed: Bool
    var maxStartDaysAhead: Int

    init(policy: TapPolicy, settings: Settings) {
        let allowed = IssuanceOptions.Allowed(policy: policy, maxLifetimeMinutes: settings.maxLifetimeMinutes, allowMultiUse: settings.allowMultiUse)
        minLifetimeMinutes = allowed.minimumLifetimeInMinutes
        maxLifetimeMinutes = allowed.maximumLifetimeInMinutes
        multiUseAllowed = allowed.multiUseAllowed
        maxStartDaysAhead = Int(IssuanceOptions.maxStartAhead / 86400)
    }
}
