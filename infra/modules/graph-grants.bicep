// Microsoft Graph APPLICATION permissions for one Function App's managed identity.
// The list is infra/graph-permissions.json (one source for this module, the tests and the
// README); each permission is looked up BY NAME in the Microsoft Graph service principal's
// appRoles, so no app-role GUID is hard-coded. The deploying principal needs a role that can
// grant app roles (e.g. Privileged Role Administrator).
//
// The Graph extension only creates and updates: a grant that leaves this list stays on the
// identity until someone deletes it (infra/README.md, "Upgrading"; scripts/smoke.sh reports it).

extension microsoftGraphV1

@description('Which portal this identity belongs to.')
@allowed([
  'selfservice'
  'helpdesk'
])
param portal string

@description('Object id of the Function App\'s system-assigned identity (its service principal).')
param principalId string

@description('NOTIFICATION_SENDER of this app; Mail.Send is granted only when it is set.')
param notificationSender string

@description('Grant Mail.Send in Entra. Set false when Mail.Send is scoped with Exchange Online RBAC for Applications instead (the two grants are a union).')
param grantMailSendInEntra bool

@description('OUT_OF_BAND_DETECTION of the deployment: the helpdesk reads the directory audit (AuditLog.Read.All) only when it is true.')
param detectOutOfBand bool

var catalog = loadJsonContent('../graph-permissions.json')
var mailSendWanted = grantMailSendInEntra && !empty(notificationSender)
var grantedPermissions = filter(catalog.permissions, p => contains(p.apps, portal) && ((p.condition == 'always') || (mailSendWanted && (p.condition == 'notificationSender')) || (detectOutOfBand && (p.condition == 'outOfBandDetection'))))

// Microsoft Graph's well-known appId (the same value as resourceAppId in graph-permissions.json).
resource graphSp 'Microsoft.Graph/servicePrincipals@v1.0' existing = {
  appId: '00000003-0000-0000-c000-000000000000'
}

resource grants 'Microsoft.Graph/appRoleAssignedTo@v1.0' = [for permission in grantedPermissions: {
  principalId: principalId
  resourceId: graphSp.id
  appRoleId: filter(graphSp.appRoles, r => r.value == permission.name)[0].id
}]

output grantedPermissionNames array = [for permission in grantedPermissions: permission.name]
