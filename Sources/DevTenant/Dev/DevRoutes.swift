#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import EphemCore
import Hummingbird
import HTTPTypes

/// The dev tenant's own controls (SPEC 8): `/dev/token`, key rotation, faults, the request log,
/// the mail sent through Graph.
struct DevRoutes {
    let tenant: DevTenantServer

    func add(to router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in
            try jsonResponse(.object([
                "tenantId": .string(tenant.seed.tenantId),
                "users": .array(tenant.seed.users.map { .string($0.userPrincipalName) }),
                "authority": .string("\(tenant.baseURL)/\(tenant.seed.tenantId)"),
            ]))
        }
        router.post("/dev/token") { request, _ in
            let body = try await request.body.collect(upTo: 64 << 10)
            let overrides: [String: JSONValue]
            if body.readableBytes == 0 {
                overrides = [:]
            } else {
                guard let parsed = try? StrictJSON.parse(Array(buffer: body)).objectValue else {
                    return try jsonResponse(.object(["error": .string("The body must be a JSON object of claims.")]), status: .badRequest)
                }
                overrides = parsed
            }
            return try jsonResponse(.object(["access_token": .string(try tenant.devToken(overrides))]))
        }
        router.post("/dev/keys/rotate") { request, _ in
            let retire = FormData.parse(request.uri.query ?? "")["retireOld"] == "true"
            let kid = try tenant.signer.rotate(retireOld: retire)
            return try jsonResponse(.object(["activeKid": .string(kid), "publishedKids": .array(tenant.signer.publishedKids.map(JSONValue.string))]))
        }
        router.get("/dev/requests") { _, _ in try jsonResponse(encoding: tenant.requests.all) }
        router.delete("/dev/requests") { _, _ in
            tenant.requests.clear()
            return Response(status: .noContent)
        }
        router.get("/dev/mail") { _, _ in try jsonResponse(encoding: tenant.graph.sentMail) }
        router.delete("/dev/mail") { _, _ in
            tenant.graph.clearMail()
            return Response(status: .noContent)
        }
        router.post("/dev/faults") { request, _ in
            let body = try await request.body.collect(upTo: 16 << 10)
            guard let fault = try? JSONDecoder().decode(Fault.self, from: Data(buffer: body)) else {
                return try jsonResponse(.object(["error": .string("Expected {\"target\": \"graph\"|\"table\"|\"identity\"|\"entra\", …}.")]), status: .badRequest)
            }
            tenant.faults.add(fault)
            return Response(status: .noContent)
        }
        router.delete("/dev/faults") { _, _ in
            tenant.faults.clear()
            return Response(status: .noContent)
        }
        DevSimulationRoutes(tenant: tenant).add(to: router)
    }
}

extension DevTenantServer {
    /// `POST /dev/token`: a valid delegated token for an app's API, with any claim set or
    /// overridden; a `null` claim is removed. `"app": "helpdesk"|"selfservice"` (not a claim)
    /// picks the audience (default self-service); `oid` of a seeded user fills names and roles.
    public func devToken(_ overrides: [String: JSONValue]) throws -> String {
        var overrides = overrides
        let appName = overrides.removeValue(forKey: "app")?.stringValue ?? "selfservice"
        let app = options.apps.first { $0.name == appName } ?? options.apps[0]
        let userId = overrides["oid"]?.stringValue?.lowercased()
        let user = seed.users.first { $0.id.lowercased() == (userId ?? seed.users.first?.id.lowercased()) }
        var claims = AccessTokenClaims.delegated(tenantId: seed.tenantId, issuerBase: baseURL, app: app, user: user, lifetime: options.accessTokenLifetimeSeconds)
        for (key, value) in overrides {
            if value == .null { claims.removeValue(forKey: key) } else { claims[key] = value }
        }
        return try signer.sign(claims: claims)
    }
}
