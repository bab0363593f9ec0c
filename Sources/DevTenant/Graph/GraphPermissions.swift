import EphemCore

/// Which Microsoft Graph application permission each simulated call needs (SPEC 8: "each Graph
/// call checks the managed-identity token's `roles`"). Each entry lists the permission sets any
/// one of which suffices, least privileged first, as the permissions tables of Microsoft's Graph
/// API reference give them (docs/graph-calls.md names the page of each). A token without one of
/// them gets Graph's 403 (`Authorization_RequestDenied`, "Insufficient privileges to complete the
/// operation."; the authentication-methods APIs answer `accessDenied`).
///
/// App-only tokens (`idtyp` = `app`, or no `scp`) are checked against `roles`. Delegated tokens
/// are checked against `scp` with the same names: the handlers never call Graph as a user, so this
/// only keeps the dev tenant from granting a delegated token more than its scopes.
enum GraphPermissions {
    static let directoryRead = "Directory.Read.All"

    /// The permission sets that allow `route`.
    static func required(for route: GraphRoute) -> [[String]] {
        switch route {
        case .listUsers, .user, .manager:
            return [["User.Read.All"], ["User.ReadWrite.All"], [directoryRead], ["Directory.ReadWrite.All"]]
        case .ownedObjects:
            return [["User.Read.All"], [directoryRead]]
        case .transitiveMemberOf:
            return [["User.Read.All"], ["GroupMember.Read.All"], ["Group.Read.All"], [directoryRead]]
        case .memberOf:
            // The direct list's application permission is documented inconsistently
            // (docs/graph-calls.md note A); the stricter reading is modelled.
            return [[directoryRead], ["Directory.ReadWrite.All"]]
        case .checkMemberGroups, .getMemberGroups:
            return [["User.Read.All", "GroupMember.Read.All"], ["User.Read.All", "Group.Read.All"], [directoryRead]]
        case .listGroups, .group:
            return [["GroupMember.Read.All"], ["Group.Read.All"], [directoryRead], ["Group.ReadWrite.All"]]
        case .administrativeUnit:
            return [["AdministrativeUnit.Read.All"], [directoryRead], ["AdministrativeUnit.ReadWrite.All"]]
        case .roleAssignments:
            return [["RoleManagement.Read.Directory"], ["RoleManagement.Read.All"], [directoryRead], ["RoleManagement.ReadWrite.Directory"]]
        case .roleEligibilities:
            return [["RoleEligibilitySchedule.Read.Directory"], ["RoleManagement.Read.Directory"], ["RoleManagement.Read.All"],
                    ["RoleEligibilitySchedule.ReadWrite.Directory"], ["RoleManagement.ReadWrite.Directory"]]
        case .groupEligibilities:
            return [["PrivilegedEligibilitySchedule.Read.AzureADGroup"], ["PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup"]]
        case .tapPolicy:
            return [["Policy.Read.AuthenticationMethod"], ["Policy.ReadWrite.AuthenticationMethod"], ["Policy.Read.All"]]
        case .authenticationMethods:
            return [["UserAuthenticationMethod.Read.All"], ["UserAuthenticationMethod.ReadWrite.All"]]
        case .temporaryAccessPasses, .temporaryAccessPass:
            return [["UserAuthMethod-TAP.Read.All"], ["UserAuthMethod-TAP.ReadWrite.All"],
                    ["UserAuthenticationMethod.Read.All"], ["UserAuthenticationMethod.ReadWrite.All"]]
        case .createTemporaryAccessPass, .deleteTemporaryAccessPass:
            return [["UserAuthMethod-TAP.ReadWrite.All"], ["UserAuthenticationMethod.ReadWrite.All"]]
        case .sendMail:
            return [["Mail.Send"]]
        case .directoryAudits:
            // includes/permissions/directoryaudit-list-permissions.md (docs/graph-calls.md #22):
            // application "AuditLog.Read.All and Directory.Read.All", no higher alternative.
            return [["AuditLog.Read.All", directoryRead]]
        case .groupMembers, .groupOwners:
            // includes/permissions/group-list-members-permissions.md, group-list-owners-permissions.md.
            return [["GroupMember.Read.All"], [directoryRead], ["Group.Read.All"], ["Group.ReadWrite.All"], ["GroupMember.ReadWrite.All"]]
        case .groupTransitiveMembers:
            // includes/permissions/group-list-transitivemembers-permissions.md.
            return [["GroupMember.ReadBasic.All"], [directoryRead], ["Group.Read.All"], ["Group.ReadBasic.All"], ["Group.ReadWrite.All"],
                    ["GroupMember.Read.All"], ["GroupMember.ReadWrite.All"]]
        case .listAdministrativeUnits, .administrativeUnitMembers:
            // api/administrativeunit-list-members.md and api/directory-list-administrativeunits.md.
            return [["AdministrativeUnit.Read.All"], [directoryRead], ["AdministrativeUnit.ReadWrite.All"], ["Directory.ReadWrite.All"]]
        }
    }

    /// Whether a token may read administrative units' properties; without it a unit in a
    /// membership list shows only its type and id (reference 4.4).
    static func readsAdministrativeUnits(_ granted: Set<String>) -> Bool {
        !granted.isDisjoint(with: ["AdministrativeUnit.Read.All", "AdministrativeUnit.ReadWrite.All", directoryRead, "Directory.ReadWrite.All"])
    }

    /// The authentication-methods APIs spell their codes in lower camel case (reference 7).
    static func usesMethodCodes(_ route: GraphRoute) -> Bool {
        switch route {
        case .authenticationMethods, .temporaryAccessPasses, .temporaryAccessPass, .createTemporaryAccessPass, .deleteTemporaryAccessPass: true
        default: false
        }
    }

    /// `nil` when `granted` allows `route`, else Graph's 403.
    static func check(_ route: GraphRoute, granted: Set<String>) -> GraphProblem? {
        let allowed = required(for: route).contains { set in set.allSatisfy { granted.contains($0) } }
        if allowed { return nil }
        if usesMethodCodes(route) {
            return GraphProblem(status: 403, code: "accessDenied", message: "Request Authorization failed")
        }
        return GraphProblem(status: 403, code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation.")
    }

    /// The permissions a token carries: `roles` of an app-only token, else the `scp` scopes.
    static func granted(by claims: [String: JSONValue]) -> Set<String> {
        let appOnly = claims["idtyp"]?.stringValue == "app" || claims["scp"] == nil
        if appOnly {
            return Set((claims["roles"]?.arrayValue ?? []).compactMap(\.stringValue))
        }
        return Set((claims["scp"]?.stringValue ?? "").split(separator: " ").map(String.init))
    }
}
