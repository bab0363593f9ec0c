#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import EphemCore
import Hummingbird
import HTTPTypes

/// `/users/{id}/authentication/methods` and `…/temporaryAccessPassMethods` (reference 1, 2).
struct GraphAuthenticationRoutes {
    let graph: DevGraph

    static let passwordMethodId = "28c10230-6103-485e-b985-444c60001490"
    /// Fixed ids of the phone method types (reference 2).
    static let phoneTypes = ["mobile", "alternateMobile", "office"]
    static let phoneIds = ["mobile": "3179e48a-750b-4051-897c-87b9720928f7", "alternateMobile": "b6332ec1-7057-4abe-9331-3d72feddfe41",
                           "office": "e37fc753-ff3b-4958-9484-eaa9425c82bc"]

    func tapContext(_ user: Seed.User, _ request: GraphRequest, entity: Bool) -> String {
        request.context("users('\(user.id.lowercased())')/authentication/temporaryAccessPassMethods" + (entity ? "/$entity" : ""))
    }

    /// The password method, the seed's methods (stable ids, `createdDateTime` in the past) and the
    /// user's TAP, without its secret.
    func list(_ user: Seed.User, _ request: GraphRequest, _ reply: GraphReply) -> Response {
        var items: [GraphJSON] = [.object([
            ("@odata.type", .string("#microsoft.graph.passwordAuthenticationMethod")),
            ("id", .string(Self.passwordMethodId)), ("password", .null), ("createdDateTime", .null),
        ])]
        // Phones take the types in order, each with its fixed id (reference 2); the seed allows three.
        var phones = 0
        for (index, method) in (user.authenticationMethods ?? []).enumerated() {
            let userId = user.id.lowercased()
            var members: [(String, GraphJSON)] = [("@odata.type", .string("#microsoft.graph.\(method.type)"))]
            if method.type == "phoneAuthenticationMethod" {
                let kind = Self.phoneTypes[phones]
                phones += 1
                members += [("id", .string(Self.phoneIds[kind]!)), ("phoneNumber", .string("+1 5555550\(100 + index)")),
                            ("phoneType", .string(kind)), ("smsSignInState", .string("notConfigured"))]
            } else {
                members.append(("id", .string(StableId.guid(userId, String(index), method.type))))
                if let name = method.displayName { members.append(("displayName", .string(name))) }
                members.append(("createdDateTime", .string(ISOTime.string(StableId.pastDate(userId, String(index)), fractional: false))))
                // A security key's attestation facts (fixture auth-methods-list, fido2 resource).
                if method.type == "fido2AuthenticationMethod" {
                    members += [("aaGuid", .string(StableId.guid("aaguid", method.displayName ?? ""))), ("model", .optional(method.displayName)),
                                ("attestationCertificates", .array([])), ("attestationLevel", .string("notAttested"))]
                }
            }
            items.append(.object(members))
        }
        // Methods registered since the seed (`POST /dev/methods`), with their real createdDateTime.
        items += graph.registeredMethods(userId: user.id).map(DevMethodTypes.json)
        let now = graph.now
        if let tap = graph.temporaryAccessPass(forUser: user.id) { items.append(tap.json(now: now, includeSecret: false)) }
        return reply.json(.object([
            ("@odata.context", .string(request.context("users('\(user.id.lowercased())')/authentication/methods"))),
            ("value", .array(items)),
        ]))
    }

    /// At most one item; `temporaryAccessPass` is `null`, usability as of now.
    func listTemporaryAccessPasses(_ user: Seed.User, _ request: GraphRequest, _ reply: GraphReply) -> Response {
        let now = graph.now
        let items = graph.temporaryAccessPass(forUser: user.id).map { [$0.json(now: now, includeSecret: false)] } ?? []
        return reply.json(.object([("@odata.context", .string(tapContext(user, request, entity: false))), ("value", .array(items))]))
    }

    func getTemporaryAccessPass(_ user: Seed.User, _ methodId: String, _ request: GraphRequest, _ reply: GraphReply) throws(GraphProblem) -> Response {
        guard let tap = graph.temporaryAccessPass(forUser: user.id), tap.id == methodId.lowercased() else { throw .methodNotFound }
        return reply.json(tap.json(now: graph.now, includeSecret: false, context: tapContext(user, request, entity: true)))
    }

    func deleteTemporaryAccessPass(_ user: Seed.User, _ methodId: String, _ reply: GraphReply) throws(GraphProblem) -> Response {
        guard graph.deleteTemporaryAccessPass(userId: user.id, methodId: methodId) else { throw .methodNotFound }
        return reply.empty(.noContent)
    }

    /// 201 with the new TAP and its secret; an existing TAP is replaced (reference 1.1, 1.2).
    /// Refusals, in order: the body (types, lifetime within 10–43200 and the policy's range,
    /// one-time use when the policy demands it), external guests, the policy (disabled, or the
    /// user not included or excluded).
    func createTemporaryAccessPass(_ user: Seed.User, _ request: GraphRequest, _ reply: GraphReply) throws(GraphProblem) -> Response {
        // Members of a restricted-management administrative unit can only be changed by roles
        // scoped to that unit; application permissions are refused (SPEC 7.2, docs/graph-calls.md).
        if graph.directory.administrativeUnits(of: user.id).contains(where: { $0.isMemberManagementRestricted == true }) {
            throw GraphProblem(status: 403, code: "accessDenied", message: "Insufficient privileges to complete the operation.")
        }
        let body = try request.jsonObject(emptyIsObject: true, problem: .methodBadRequest("The request body is not a valid JSON object."))
        let allowed: Set<String> = ["@odata.type", "startDateTime", "lifetimeInMinutes", "isUsableOnce"]
        if let unknown = body.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw .methodBadRequest("Invalid property '\(unknown)' for a temporaryAccessPassAuthenticationMethod.")
        }
        var start: Date?
        switch body["startDateTime"] {
        case nil, .null?: break
        case .string(let text)?:
            guard let date = GraphDate.parse(text) else { throw .methodBadRequest("Invalid startDateTime specified.") }
            start = date
        default: throw .methodBadRequest("Invalid startDateTime specified.")
        }
        let policy = graph.directory.tapPolicy
        var lifetime = policy.defaultLifetimeInMinutes
        switch body["lifetimeInMinutes"] {
        case nil, .null?: break
        case .number(let value)?:
            guard value.rounded() == value, let minutes = Int(exactly: value) else { throw .invalidLifetime(min: policy.minimumLifetimeInMinutes, max: policy.maximumLifetimeInMinutes) }
            lifetime = minutes
        default: throw .methodBadRequest("Invalid lifetimeInMinutes specified.")
        }
        guard (10...43200).contains(lifetime), (policy.minimumLifetimeInMinutes...policy.maximumLifetimeInMinutes).contains(lifetime) else {
            throw .invalidLifetime(min: policy.minimumLifetimeInMinutes, max: policy.maximumLifetimeInMinutes)
        }
        var usableOnce = policy.isUsableOnce
        switch body["isUsableOnce"] {
        case nil, .null?: break
        case .bool(let value)?:
            if policy.isUsableOnce, !value {
                throw .methodBadRequest("The Temporary Access Pass policy requires one-time use; isUsableOnce cannot be false.")
            }
            usableOnce = value
        default: throw .methodBadRequest("Invalid isUsableOnce specified.")
        }
        if user.userPrincipalName.uppercased().contains("#EXT#") { throw .externalGuest }
        guard graph.directory.tapPolicyIncludes(user.id) else { throw .policyRefusal }
        // Under a `/dev/faults` answer mode (FaultAnswer) the pass is created all the same.
        let answer = FaultAnswer.current
        let tap = graph.createTemporaryAccessPass(userId: user.id, start: start, lifetimeInMinutes: lifetime, isUsableOnce: usableOnce,
                                                  length: policy.defaultLength, disabledByPolicy: answer == .unusable)
        let context = tapContext(user, request, entity: true)
        var extra = HTTPFields()
        extra[.location] = "\(request.origin)/\(request.version)/users/\(user.id.lowercased())/authentication/temporaryAccessPassMethods/\(tap.id)"
        var json = tap.json(now: graph.now, includeSecret: true, context: context)
        if answer == .withoutSecret, case .object(let members) = json {
            json = .object(members.filter { $0.0 != "temporaryAccessPass" })
        }
        return reply.json(json, status: .created, extra: extra)
    }
}
