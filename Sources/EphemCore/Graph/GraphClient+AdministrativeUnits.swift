/// The restricted-management administrative units a user is a member of (SPEC 7.2; reference 5:
/// Graph refuses application-permission writes on members of such units, and answers a TAP create
/// for them with a 403 that does not name the unit). Used to explain a 403 on the create.
extension GraphClient {
    /// One administrative unit with `isMemberManagementRestricted: true`.
    public struct RestrictedUnit: Sendable, Equatable {
        public var id: String
        public var displayName: String?
    }

    /// `GET /v1.0/users/{id}/memberOf/microsoft.graph.administrativeUnit` (the `memberOf` list cast
    /// to administrative units; units do not nest, so direct membership is all there is), keeping
    /// the units whose `isMemberManagementRestricted` is true (the v1.0 property of
    /// `administrativeUnit` in microsoft-graph-docs-contrib `api-reference/v1.0/resources/administrativeunit.md`).
    public func restrictedAdministrativeUnits(user: GUID) async throws(GraphError) -> [RestrictedUnit] {
        let items = try await collection("/v1.0/users/\(user.value)/memberOf/microsoft.graph.administrativeUnit?$select=id,displayName,isMemberManagementRestricted")
        return items.compactMap { item in
            guard item["isMemberManagementRestricted"]?.boolValue == true, let id = item["id"]?.stringValue else { return nil }
            return RestrictedUnit(id: id, displayName: item["displayName"]?.stringValue)
        }
    }
}
