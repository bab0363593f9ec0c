#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What happens in the tenant outside the product (SPEC 8, issue 16): methods a user registers
/// after the seed (`POST /dev/methods`), and Entra's directory audit of Temporary Access Pass
/// creations (`GET /auditLogs/directoryAudits`), each one logged as "Admin registered security
/// info" with its initiator: the managed identity's app for the product's calls, a user for
/// the admin center.
struct DevSimulation: Sendable {
    var methods: [String: [DevRegisteredMethod]] = [:]
    var audits: [DevDirectoryAudit] = []
}

/// A method registered through `POST /dev/methods`, listed by `GET …/authentication/methods`
/// with `createdDateTime` = the tenant clock at registration.
struct DevRegisteredMethod: Sendable {
    var id: String
    var type: String
    var displayName: String?
    var created: Date
}

/// Who did it, as `directoryAudit.initiatedBy` names it (resource `identityset`/`auditActivityInitiator`:
/// `user` with `id`, `displayName`, `userPrincipalName`, `ipAddress`; or `app` with `appId`,
/// `displayName`, `servicePrincipalId`, `servicePrincipalName`).
public enum DevAuditInitiator: Sendable, Equatable {
    case user(id: String, userPrincipalName: String, displayName: String?)
    case app(appId: String, servicePrincipalId: String, displayName: String)
}

/// One directory-audit record of a TAP registration.
struct DevDirectoryAudit: Sendable {
    var id: String
    var correlationId: String
    var at: Date
    var initiator: DevAuditInitiator
    var targetId: String
    var targetUPN: String
}

/// The phishing-resistant method types `POST /dev/methods` can register, with the
/// properties Graph documents for each (resources `fido2AuthenticationMethod`,
/// `windowsHelloForBusinessAuthenticationMethod`, `platformCredentialAuthenticationMethod`),
/// plus the other types the seed already knows.
enum DevMethodTypes {
    static let registrable: Set<String> = [
        "fido2AuthenticationMethod", "windowsHelloForBusinessAuthenticationMethod", "platformCredentialAuthenticationMethod",
        "microsoftAuthenticatorAuthenticationMethod",
    ]

    /// The method as `GET /users/{id}/authentication/methods` lists it: `@odata.type`, `id`,
    /// `displayName`, `createdDateTime` and each type's documented properties (fido2: `aaGuid`,
    /// `model`, `attestationCertificates`, `attestationLevel`; Windows Hello and platform
    /// credential: `keyStrength`, platform credential also `platform`; Authenticator:
    /// `deviceTag`, `phoneAppVersion`).
    static func json(_ method: DevRegisteredMethod) -> GraphJSON {
        var members: [(String, GraphJSON)] = [
            ("@odata.type", .string("#microsoft.graph.\(method.type)")), ("id", .string(method.id)),
            ("displayName", .optional(method.displayName)), ("createdDateTime", .string(ISOTime.string(method.created, fractional: false))),
        ]
        switch method.type {
        case "fido2AuthenticationMethod":
            members += [("aaGuid", .string(StableId.guid("aaguid", method.displayName ?? ""))), ("model", .optional(method.displayName)),
                        ("attestationCertificates", .array([])), ("attestationLevel", .string("notAttested"))]
        case "windowsHelloForBusinessAuthenticationMethod":
            members.append(("keyStrength", .string("normal")))
        case "platformCredentialAuthenticationMethod":
            members += [("keyStrength", .string("normal")), ("platform", .string("macOS"))]
        case "microsoftAuthenticatorAuthenticationMethod":
            members += [("deviceTag", .string("SoftwareTokenActivated")), ("phoneAppVersion", .string("6.2401.0119"))]
        default: break
        }
        return .object(members)
    }
}

extension DevGraph {
    /// The directory-audit activity Entra logs when an administrator (or an app) adds a method
    /// for a user; Microsoft's audit-activity reference names it "Admin registered security info".
    public static let registrationActivity = "Admin registered security info"

    /// Called for every TAP create: the product's (initiator `app`) or the admin center's.
    func recordTapRegistration(userId: String, at date: Date, initiator: DevAuditInitiator? = nil) {
        let upn = directory.user(userId)?.userPrincipalName ?? userId
        let who = initiator ?? DevAuditInitiator.app(appId: currentCallerAppId ?? "unknown", servicePrincipalId: currentCallerObjectId ?? "unknown",
                                                      displayName: "EphemGate")
        let correlation = UUID().uuidString.lowercased()
        let event = DevDirectoryAudit(id: "UserManagement_\(correlation)_\(Int(date.timeIntervalSince1970))", correlationId: correlation, at: date,
                                      initiator: who, targetId: userId.lowercased(), targetUPN: upn)
        simulation.withLock { $0.audits.append(event) }
    }

    /// The caller of the Graph request now being served (set per request by `GraphService`).
    var currentCallerAppId: String? { GraphCaller.current?.appId }
    var currentCallerObjectId: String? { GraphCaller.current?.objectId }

    /// `POST /dev/admin-center/tap`: an administrator creates a pass in the admin center for
    /// `userId` (replacing any existing one, reference 1.2), with its directory-audit record whose
    /// initiator is that administrator, not the product. Returns the pass, or nil for an unknown user.
    public func adminCenterCreateTemporaryAccessPass(userId: String, lifetimeInMinutes: Int?, initiator: DevAuditInitiator) -> DevTemporaryAccessPass? {
        guard let user = directory.user(userId) else { return nil }
        let policy = directory.tapPolicy
        let key = user.id.lowercased()
        let created = now
        let tap = DevTemporaryAccessPass(id: UUID().uuidString.lowercased(), temporaryAccessPass: DevTemporaryAccessPass.generateSecret(length: policy.defaultLength),
                                         createdDateTime: created, startDateTime: created,
                                         lifetimeInMinutes: lifetimeInMinutes ?? policy.defaultLifetimeInMinutes,
                                         isUsableOnce: policy.isUsableOnce, used: false)
        installTemporaryAccessPass(tap, userKey: key)
        recordTapRegistration(userId: key, at: created, initiator: initiator)
        return tap
    }

    /// `POST /dev/methods`: the user registers a method now (tenant clock). Nil for an unknown
    /// user or a type the simulation does not register.
    public func registerMethod(userId: String, type: String, displayName: String?) -> String? {
        guard let user = directory.user(userId), DevMethodTypes.registrable.contains(type) else { return nil }
        let method = DevRegisteredMethod(id: UUID().uuidString.lowercased(), type: type, displayName: displayName, created: now)
        simulation.withLock { $0.methods[user.id.lowercased(), default: []].append(method) }
        return method.id
    }

    func registeredMethods(userId: String) -> [DevRegisteredMethod] {
        simulation.withLock { $0.methods[userId.lowercased()] ?? [] }
    }

    func directoryAudits() -> [DevDirectoryAudit] {
        simulation.withLock { $0.audits }
    }
}

/// The identity of the caller of the Graph request being served, bound per request.
struct GraphCaller: Sendable {
    var appId: String?
    var objectId: String?
    @TaskLocal static var current: GraphCaller?
}
