#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import EphemCore
import Hummingbird
import HTTPTypes
import NIOCore

/// The simulated Microsoft Graph under `/v1.0/` and `/beta/` of the dev tenant (SPEC 8): every
/// request needs a Bearer token the dev tenant issued for `https://graph.microsoft.com` (managed
/// identity or `/dev/token`); the subset in `GraphRoute` answers as the references describe;
/// anything else under those prefixes is a 400, so a call the simulation lacks is visible.
struct GraphService<Context: RequestContext>: RouterMiddleware {
    let tenant: DevTenantServer

    static var maxBody: Int { 4 << 20 }
    static var audiences: Set<String> { ["https://graph.microsoft.com", "https://graph.microsoft.com/", "00000003-0000-0000-c000-000000000000"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard let version = Self.version(of: path) else { return try await next(request, context) }
        let reply = GraphReply(headers: request.headers)
        let authority = "\(tenant.baseURL)/\(tenant.seed.tenantId)"
        let claims: [String: JSONValue]
        switch authenticate(request.headers) {
        case .success(let found): claims = found
        case .failure(let problem): return reply.error(problem, authority: authority)
        }
        let body: [UInt8]
        do {
            body = Array(buffer: try await request.body.collect(upTo: Self.maxBody))
        } catch {
            return reply.error(GraphProblem(status: 413, code: "Request_EntityTooLarge", message: "The request is larger than the dev tenant accepts."))
        }
        do throws(GraphProblem) {
            let graphRequest = try GraphRequest(method: request.method.rawValue.uppercased(), version: version, rawPath: path,
                                                query: request.uri.query, headers: request.headers, body: body,
                                                origin: "http://" + (request.head.authority ?? "127.0.0.1:\(tenant.port)"))
            let caller = GraphCaller(appId: claims["appid"]?.stringValue ?? claims["azp"]?.stringValue, objectId: claims["oid"]?.stringValue)
            let answer = GraphCaller.$current.withValue(caller) {
                Result { () throws(GraphProblem) -> Response in
                    try GraphRouter(graph: tenant.graph).respond(graphRequest, granted: GraphPermissions.granted(by: claims), reply: reply)
                }
            }
            return try answer.get()
        } catch {
            return reply.error(error)
        }
    }

    static func version(of path: String) -> String? {
        for version in ["v1.0", "beta"] where path == "/\(version)" || path.hasPrefix("/\(version)/") { return version }
        return nil
    }

    /// The claims of a token Graph would accept, else the 401.
    func authenticate(_ headers: HTTPFields) -> Result<[String: JSONValue], GraphProblem> {
        guard let authorization = headers[.authorization], !authorization.isEmpty else { return .failure(.invalidToken("Access token is empty.")) }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return .failure(.invalidToken("Access token is empty.")) }
        let token = String(parts[1].trimmingASCIIWhitespace())
        guard token.split(separator: ".", omittingEmptySubsequences: false).count == 3 else {
            return .failure(.invalidToken("IDX14100: JWT is not well formed, there are no dots (.)."))
        }
        let tenantId = tenant.seed.tenantId
        let check = ResourceTokenCheck(tenantId: tenantId, signer: tenant.signer, audiences: Self.audiences)
        let issuers: Set<String> = ["https://sts.windows.net/\(tenantId)/", "\(tenant.baseURL)/\(tenantId)/v2.0"]
        return check.claims(of: token, issuers: issuers).mapError { .invalidToken($0.graphMessage) }
    }
}

/// One Graph call, decoded: the path segments after the version (percent-decoded), the query
/// options, the body, and the scheme + host the caller used (next links and `@odata.context`
/// point back at it).
struct GraphRequest {
    var method: String
    var version: String
    var rawPath: String
    var segments: [String]
    var query: GraphQuery
    var headers: HTTPFields
    var body: [UInt8]
    var origin: String
    /// The application permissions (or delegated scopes) of the caller's token.
    var granted: Set<String> = []

    init(method: String, version: String, rawPath: String, query: String?, headers: HTTPFields, body: [UInt8], origin: String) throws(GraphProblem) {
        self.method = method
        self.version = version
        self.rawPath = rawPath
        var segments: [String] = []
        for raw in rawPath.split(separator: "/").dropFirst() {
            guard let segment = URLPath.percentDecode(String(raw)) else { throw .badRequest("The request path is not correctly encoded.") }
            segments.append(segment)
        }
        self.segments = segments
        self.query = try GraphQuery(query: query, headers: headers)
        self.headers = headers
        self.body = body
        self.origin = origin
    }

    /// `{origin}/{version}/$metadata#{fragment}`.
    func context(_ fragment: String) -> String { "\(origin)/\(version)/$metadata#\(fragment)" }

    /// `ConsistencyLevel: eventual` was sent (what `$search` needs on its own).
    var eventual: Bool { headers[GraphQuery.consistencyLevel]?.lowercased() == "eventual" }

    /// The body as a JSON object; an empty body is `{}` when `emptyIsObject`.
    func jsonObject(emptyIsObject: Bool, problem: GraphProblem) throws(GraphProblem) -> [String: JSONValue] {
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            if emptyIsObject { return [:] }
            throw problem
        }
        guard let object = (try? StrictJSON.parse(body))?.objectValue else { throw problem }
        return object
    }
}

/// The Graph operations the dev tenant serves.
enum GraphRoute: Equatable {
    case listUsers, user(String)
    case authenticationMethods(String), temporaryAccessPasses(String), createTemporaryAccessPass(String)
    case temporaryAccessPass(String, String), deleteTemporaryAccessPass(String, String)
    case transitiveMemberOf(String, cast: String?), memberOf(String, cast: String?), ownedObjects(String, cast: String?)
    case checkMemberGroups(String), getMemberGroups(String), manager(String)
    case sendMail(String)
    case listGroups, group(String), administrativeUnit(String)
    case tapPolicy, roleAssignments, roleEligibilities, groupEligibilities
    /// Issue 16: the directory audit and the tenant-wide lists of the protected-accounts report.
    case directoryAudits, groupMembers(String), groupOwners(String), groupTransitiveMembers(String)
    case listAdministrativeUnits, administrativeUnitMembers(String)

    /// Static segments match case-insensitively, as Graph's do.
    static func match(method: String, segments: [String]) -> GraphRoute? {
        let lower = segments.map { $0.lowercased() }
        switch (method, lower.first) {
        case ("GET", "users") where lower.count == 1: return .listUsers
        case ("GET", "groups") where lower.count == 1: return .listGroups
        case ("GET", "groups") where lower.count == 2: return .group(segments[1])
        case ("GET", "groups") where lower.count == 3 && lower[2] == "members": return .groupMembers(segments[1])
        case ("GET", "groups") where lower.count == 3 && lower[2] == "owners": return .groupOwners(segments[1])
        case ("GET", "groups") where lower.count == 3 && lower[2] == "transitivemembers": return .groupTransitiveMembers(segments[1])
        case ("GET", "directory") where lower == ["directory", "administrativeunits"]: return .listAdministrativeUnits
        case ("GET", "directory") where lower.count == 4 && lower[1] == "administrativeunits" && lower[3] == "members":
            return .administrativeUnitMembers(segments[2])
        case ("GET", "administrativeunits") where lower.count == 2: return .administrativeUnit(segments[1])
        case ("GET", "directory") where lower.count == 3 && lower[1] == "administrativeunits": return .administrativeUnit(segments[2])
        case (_, "users") where lower.count >= 2: return userRoute(method: method, id: segments[1], rest: Array(lower.dropFirst(2)), segments: segments)
        default: break
        }
        guard method == "GET" else { return nil }
        switch lower {
        case ["policies", "authenticationmethodspolicy", "authenticationmethodconfigurations", "temporaryaccesspass"]: return .tapPolicy
        case ["rolemanagement", "directory", "roleassignments"]: return .roleAssignments
        case ["rolemanagement", "directory", "roleeligibilityscheduleinstances"]: return .roleEligibilities
        case ["identitygovernance", "privilegedaccess", "group", "eligibilityscheduleinstances"]: return .groupEligibilities
        case ["auditlogs", "directoryaudits"]: return .directoryAudits
        default: return nil
        }
    }

    private static func userRoute(method: String, id: String, rest: [String], segments: [String]) -> GraphRoute? {
        let cast = rest.count == 2 ? segments[3] : nil
        switch (method, rest) {
        case ("GET", []): return .user(id)
        case ("GET", ["authentication", "methods"]): return .authenticationMethods(id)
        case ("GET", ["authentication", "temporaryaccesspassmethods"]): return .temporaryAccessPasses(id)
        case ("POST", ["authentication", "temporaryaccesspassmethods"]): return .createTemporaryAccessPass(id)
        case ("POST", ["checkmembergroups"]): return .checkMemberGroups(id)
        case ("POST", ["getmembergroups"]): return .getMemberGroups(id)
        case ("GET", ["manager"]): return .manager(id)
        case ("POST", ["sendmail"]): return .sendMail(id)
        case ("GET", _) where rest.first == "transitivememberof" && rest.count <= 2: return .transitiveMemberOf(id, cast: cast)
        case ("GET", _) where rest.first == "memberof" && rest.count <= 2: return .memberOf(id, cast: cast)
        case ("GET", _) where rest.first == "ownedobjects" && rest.count <= 2: return .ownedObjects(id, cast: cast)
        default: break
        }
        guard rest.count == 3, rest[0] == "authentication", rest[1] == "temporaryaccesspassmethods" else { return nil }
        switch method {
        case "GET": return .temporaryAccessPass(id, segments[4])
        case "DELETE": return .deleteTemporaryAccessPass(id, segments[4])
        default: return nil
        }
    }
}

/// Sends each route to the code that serves it.
struct GraphRouter {
    let graph: DevGraph

    /// `granted`: the application permissions (or delegated scopes) of the caller's token.
    func respond(_ incoming: GraphRequest, granted: Set<String>, reply: GraphReply) throws(GraphProblem) -> Response {
        var request = incoming
        request.granted = granted
        guard let route = GraphRoute.match(method: request.method, segments: request.segments) else {
            throw .unsupported(method: request.method, path: request.rawPath)
        }
        if let denied = GraphPermissions.check(route, granted: granted) { throw denied }
        let directory = graph.directory
        func user(_ key: String) throws(GraphProblem) -> Seed.User {
            guard let user = directory.user(key) else { throw .resourceNotFound(key) }
            return user
        }
        let users = GraphUserRoutes(graph: graph), methods = GraphAuthenticationRoutes(graph: graph)
        let groups = GraphGroupRoutes(graph: graph), roles = GraphRoleRoutes(graph: graph)
        switch route {
        case .listUsers: return try users.list(request, reply)
        case .user(let key): return try users.get(try user(key), request, reply)
        case .authenticationMethods(let key): return methods.list(try user(key), request, reply)
        case .temporaryAccessPasses(let key): return methods.listTemporaryAccessPasses(try user(key), request, reply)
        case .createTemporaryAccessPass(let key): return try methods.createTemporaryAccessPass(try user(key), request, reply)
        case .temporaryAccessPass(let key, let id): return try methods.getTemporaryAccessPass(try user(key), id, request, reply)
        case .deleteTemporaryAccessPass(let key, let id): return try methods.deleteTemporaryAccessPass(try user(key), id, reply)
        case .tapPolicy: return reply.json(directory.tapPolicy.json(context: request.context("policies/authenticationMethodsPolicy/authenticationMethodConfigurations/$entity")))
        case .transitiveMemberOf(let key, let cast):
            let member = try user(key)
            let items = directory.transitiveGroups(of: member.id).map(GraphGroupRoutes.Item.group)
                + directory.directoryRoleTemplates(of: member.id, transitive: true).map { .role(template: $0) }
                + directory.administrativeUnits(of: member.id).map(GraphGroupRoutes.Item.unit)
            return try groups.memberships(items, cast: cast, transitive: true, request, reply)
        case .memberOf(let key, let cast):
            let member = try user(key)
            let items = directory.directGroups(of: member.id).map(GraphGroupRoutes.Item.group)
                + directory.directoryRoleTemplates(of: member.id, transitive: false).map { .role(template: $0) }
                + directory.administrativeUnits(of: member.id).map(GraphGroupRoutes.Item.unit)
            return try groups.memberships(items, cast: cast, transitive: false, request, reply)
        case .ownedObjects(let key, let cast):
            let owner = try user(key)
            return try groups.memberships(directory.ownedGroups(of: owner.id).map(GraphGroupRoutes.Item.group), cast: cast, transitive: false, request, reply)
        case .checkMemberGroups(let key): return try groups.checkMemberGroups(try user(key), request, reply)
        case .getMemberGroups(let key): return try groups.getMemberGroups(try user(key), request, reply)
        case .manager(let key): return try users.manager(of: try user(key), request, reply)
        case .listGroups: return try groups.list(request, reply)
        case .group(let id): return try groups.get(id, request, reply)
        case .administrativeUnit(let id): return try groups.administrativeUnit(id, request, reply)
        case .roleAssignments: return try roles.assignments(request, reply)
        case .roleEligibilities: return try roles.eligibilities(request, reply)
        case .groupEligibilities: return try roles.groupEligibilities(request, reply)
        case .sendMail(let key): return try GraphMailRoutes(graph: graph).send(from: key, request, reply)
        case .directoryAudits: return try GraphAuditRoutes(graph: graph).list(request, reply)
        case .groupMembers(let id): return try GraphMemberListRoutes(graph: graph).groupList(id, .members, request, reply)
        case .groupOwners(let id): return try GraphMemberListRoutes(graph: graph).groupList(id, .owners, request, reply)
        case .groupTransitiveMembers(let id): return try GraphMemberListRoutes(graph: graph).groupList(id, .transitiveMembers, request, reply)
        case .listAdministrativeUnits: return try GraphMemberListRoutes(graph: graph).administrativeUnits(request, reply)
        case .administrativeUnitMembers(let id): return try GraphMemberListRoutes(graph: graph).administrativeUnitMembers(id, request, reply)
        }
    }
}
