#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The reads of `tap-watch` (SPEC 7.7): a user's methods with the pass among them, and Entra's
/// directory audit of Temporary Access Pass registrations.
extension GraphClient {
    /// A user's registered methods and the pass(es) among them, from one call
    /// (`GET /users/{id}/authentication/methods`, docs/graph-calls.md #19: every method type,
    /// `temporaryAccessPassAuthenticationMethod` included, with `isUsable` and
    /// `methodUsabilityReason`; UserAuthenticationMethod.Read.All).
    public struct MethodsSnapshot: Sendable {
        public var methods: [AuthenticationMethodSummary]
        public var passes: [TemporaryAccessPass]
    }

    public func methodsSnapshot(user: GUID) async throws(GraphError) -> MethodsSnapshot {
        let items = try await collection("/v1.0/users/\(user.value)/authentication/methods")
        var snapshot = MethodsSnapshot(methods: [], passes: [])
        for item in items {
            if item["@odata.type"]?.stringValue == "#microsoft.graph.temporaryAccessPassAuthenticationMethod" {
                if let pass = TemporaryAccessPass(json: item) { snapshot.passes.append(pass) }
            } else if let method = AuthenticationMethodSummary(json: item) {
                snapshot.methods.append(method)
            }
        }
        return snapshot
    }

    /// One "Admin registered security info" record of the directory audit (resource
    /// directoryAudit): who initiated it, for whom, when.
    public struct RegistrationEvent: Sendable, Equatable {
        public var id: String
        public var activityDateTime: String
        public var resultReason: String?
        /// `initiatedBy.user` (id, UPN) or `initiatedBy.app` (appId, servicePrincipalId, name).
        public var initiatorUserId: String?
        public var initiatorUPN: String?
        public var initiatorAppId: String?
        public var initiatorServicePrincipalId: String?
        public var initiatorName: String?
        /// The first `targetResources` item of type `User` (Microsoft's examples spell the key
        /// `type` and, in the older example, `Type`).
        public var targetId: String?
        public var targetUPN: String?

        init?(json: JSONValue) {
            guard let id = json["id"]?.stringValue, let at = json["activityDateTime"]?.stringValue else { return nil }
            self.id = id
            activityDateTime = at
            resultReason = json["resultReason"]?.stringValue
            if let user = json["initiatedBy"]?["user"], user != .null {
                initiatorUserId = user["id"]?.stringValue
                initiatorUPN = user["userPrincipalName"]?.stringValue
                initiatorName = user["displayName"]?.stringValue
            }
            if let app = json["initiatedBy"]?["app"], app != .null {
                initiatorAppId = app["appId"]?.stringValue
                initiatorServicePrincipalId = app["servicePrincipalId"]?.stringValue
                initiatorName = initiatorName ?? app["displayName"]?.stringValue
            }
            for target in json["targetResources"]?.arrayValue ?? [] {
                let type = (target["type"] ?? target["Type"])?.stringValue?.lowercased()
                if type == "user" || type == nil {
                    targetId = target["id"]?.stringValue
                    targetUPN = target["userPrincipalName"]?.stringValue
                    break
                }
            }
        }

        /// Whether it records a Temporary Access Pass (the activity covers every method an admin
        /// adds; the result reason names the method).
        public var isTemporaryAccessPass: Bool {
            (resultReason ?? "").lowercased().contains("temporary access pass")
        }
    }

    /// The "Admin registered security info" events since `since` (inclusive), oldest first
    /// (`GET /auditLogs/directoryAudits?$filter=activityDisplayName eq '…' and activityDateTime ge …
    /// &$orderby=activityDateTime asc`, api/directoryaudit-list.md: `$filter` with `eq`/`ge`,
    /// `$orderby`, `$top`, skiptoken paging). At most `maxPages` pages of 500.
    public func registrationEvents(since: Date, maxPages: Int = 20) async throws(GraphError) -> [RegistrationEvent] {
        let filter = "activityDisplayName eq 'Admin registered security info' and activityDateTime ge \(GraphDate.format(since))"
        let items = try await collection("/v1.0/auditLogs/directoryAudits?$filter=\(URLQuery.encode(filter))&$orderby=activityDateTime%20asc&$top=500",
                                         maxPages: maxPages)
        return items.compactMap(RegistrationEvent.init(json:))
    }
}
