#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import EphemCore
import Hummingbird

/// What happens in the tenant outside the product (SPEC 8, issue 16):
/// - `POST /dev/sign-in {"userId"}`: a sign-in with the user's pass (a one-time pass then reads
///   `OneTimeUsed`, reference 1.1); 404 when the user has no pass;
/// - `POST /dev/methods {"userId", "type", "displayName"?}`: the user registers a method now
///   (`fido2AuthenticationMethod`, `windowsHelloForBusinessAuthenticationMethod`,
///   `platformCredentialAuthenticationMethod`, `microsoftAuthenticatorAuthenticationMethod`);
///   201 `{"id"}`;
/// - `POST /dev/admin-center/tap {"userId", "lifetimeInMinutes"?, "initiatorId"?}`: an
///   administrator creates a pass in the admin center (replacing any pass, reference 1.2) and the
///   directory audit records "Admin registered security info" initiated by that user (a seeded
///   user named by `initiatorId`, else a fixed administrator who is not the product); 201
///   `{"id", "createdDateTime"}` (never the secret: it is nobody's in a test);
/// - `POST /dev/clock {"advanceSeconds"}`: the tenant clock moves on (passes expire by it); 200
///   `{"now"}`.
struct DevSimulationRoutes {
    let tenant: DevTenantServer

    struct UserBody: Decodable { var userId: String }
    struct MethodBody: Decodable { var userId: String; var type: String; var displayName: String? }
    struct AdminCenterBody: Decodable { var userId: String; var lifetimeInMinutes: Int?; var initiatorId: String? }
    struct ClockBody: Decodable { var advanceSeconds: Double }

    /// The administrator the admin center acts as when the request names none.
    static let adminCenterAdmin = DevAuditInitiator.user(id: "0d5e1a7c-3b0f-4f2e-9a55-5a3c1e6b7d01",
                                                         userPrincipalName: "admin.center@contoso.example", displayName: "Admin Center Operator")

    func add(to router: Router<BasicRequestContext>) {
        let graph = tenant.graph
        router.post("/dev/sign-in") { request, _ in
            guard let body: UserBody = try await decode(request) else { return try bad("Expected {\"userId\"}.") }
            guard graph.markTemporaryAccessPassUsed(forUser: body.userId) else {
                return try jsonResponse(.object(["error": .string("The user has no Temporary Access Pass.")]), status: .notFound)
            }
            return Response(status: .noContent)
        }
        router.post("/dev/methods") { request, _ in
            guard let body: MethodBody = try await decode(request) else { return try bad("Expected {\"userId\", \"type\"}.") }
            guard let id = graph.registerMethod(userId: body.userId, type: body.type, displayName: body.displayName) else {
                return try bad("Unknown user, or a type other than \(DevMethodTypes.registrable.sorted().joined(separator: ", ")).")
            }
            return try jsonResponse(.object(["id": .string(id)]), status: .created)
        }
        router.post("/dev/admin-center/tap") { request, _ in
            guard let body: AdminCenterBody = try await decode(request) else { return try bad("Expected {\"userId\", \"lifetimeInMinutes\"?}.") }
            var initiator = Self.adminCenterAdmin
            if let admin = body.initiatorId.flatMap({ tenant.graph.directory.user($0) }) {
                initiator = .user(id: admin.id.lowercased(), userPrincipalName: admin.userPrincipalName, displayName: admin.displayName)
            }
            guard let tap = graph.adminCenterCreateTemporaryAccessPass(userId: body.userId, lifetimeInMinutes: body.lifetimeInMinutes, initiator: initiator) else {
                return try jsonResponse(.object(["error": .string("Unknown user.")]), status: .notFound)
            }
            return try jsonResponse(.object(["id": .string(tap.id), "createdDateTime": .string(ISOTime.string(tap.createdDateTime))]), status: .created)
        }
        router.post("/dev/clock") { request, _ in
            guard let body: ClockBody = try await decode(request), body.advanceSeconds >= 0 else { return try bad("Expected {\"advanceSeconds\": n ≥ 0}.") }
            graph.advanceClock(by: body.advanceSeconds)
            return try jsonResponse(.object(["now": .string(ISOTime.string(graph.now))]))
        }
    }

    func decode<Body: Decodable>(_ request: Request) async throws -> Body? {
        let bytes = try await request.body.collect(upTo: 16 << 10)
        return try? JSONDecoder().decode(Body.self, from: Data(buffer: bytes))
    }

    func bad(_ message: String) throws -> Response {
        try jsonResponse(.object(["error": .string(message)]), status: .badRequest)
    }
}
