// The app registration of one portal (Microsoft Graph Bicep extension) and its service
// principal. The SPA and the API are the same app: the portal's SPA signs in with
// authorization code + PKCE (spa redirect URI = the Function App's URL) and requests the
// delegated scope api://{appId}/Access; the handler validates v2 tokens whose aud is the appId.

extension microsoftGraphV1

@description('Which portal this registration is for.')
@allowed([
  'selfservice'
  'helpdesk'
])
param portal string

@description('Immutable, tenant-unique key of the app registration (the idempotency key of the Graph extension).')
param uniqueName string

@description('Display name.')
param displayName string

@description('Default host name of the Function App that serves this portal (its defaultHostName).')
param siteHostName string

@description('Object ids of users or service principals to add as owners of the app registration.')
param ownerObjectIds array

@description('Admin-consent the delegated scopes the SPA requests (Access on this API; openid, profile, offline_access on Microsoft Graph, by name) so that users see no consent prompt.')
param grantSignInAdminConsent bool

@description('Self-service: security groups whose members may use the portal (assignment is required on the service principal). Needs Microsoft Entra ID P1 or P2; security groups only; nested groups are not honoured (only direct members get in).')
param userGroupIds array

@description('Helpdesk: security groups assigned the app role Helpdesk.TapAdmin. Needs Microsoft Entra ID P1 or P2; security groups only; nested groups are not honoured (only direct members get in).')
param tapAdminGroupIds array

@description('Helpdesk: security groups assigned the app role Helpdesk.TapViewer. Needs Microsoft Entra ID P1 or P2; security groups only; nested groups are not honoured (only direct members get in).')
param tapViewerGroupIds array

var isHelpdesk = portal == 'helpdesk'
var graphAppId = '00000003-0000-0000-c000-000000000000'
var apiScopeName = 'Access'
var accessScopeId = guid(uniqueName, 'scope', apiScopeName)
var tapAdminRoleId = guid(uniqueName, 'appRole', 'Helpdesk.TapAdmin')
var tapViewerRoleId = guid(uniqueName, 'appRole', 'Helpdesk.TapViewer')
var defaultAccessRoleId = '00000000-0000-0000-0000-000000000000'
var signInScopeNames = [
  'openid'
  'profile'
  'offline_access'
]

var helpdeskAppRoles = [
  {
    id: tapAdminRoleId
    value: 'Helpdesk.TapAdmin'
    displayName: 'Helpdesk TAP administrator'
    description: 'Search users, issue and revoke Temporary Access Passes for them, and read the audit log.'
    allowedMemberTypes: [
      'User'
    ]
    isEnabled: true
  }
  {
    id: tapViewerRoleId
    value: 'Helpdesk.TapViewer'
    displayName: 'Helpdesk TAP viewer'
    description: 'Read the TAP audit log.'
    allowedMemberTypes: [
      'User'
    ]
    isEnabled: true
  }
]
var appRoles = isHelpdesk ? helpdeskAppRoles : []

var apiSettings = {
  requestedAccessTokenVersion: 2
  oauth2PermissionScopes: [
    {
      id: accessScopeId
      value: apiScopeName
      type: 'User'
      isEnabled: true
      adminConsentDisplayName: 'Use ${displayName}'
      adminConsentDescription: 'Lets the ${portal} portal call its API as the signed-in user.'
      userConsentDisplayName: 'Use ${displayName}'
      userConsentDescription: 'Lets the ${portal} portal call its API as you.'
    }
  ]
}

var spaSettings = {
  redirectUris: [
    'https://${siteHostName}/'
  ]
}

// idtyp lets the handler refuse app-only tokens explicitly (SPEC 7.1); upn fills AgentUPN.
var optionalClaims = {
  accessToken: [
    {
      name: 'idtyp'
      essential: false
    }
    {
      name: 'upn'
      essential: false
    }
  ]
}

resource graphSp 'Microsoft.Graph/servicePrincipals@v1.0' existing = {
  appId: graphAppId
}

// Pass 1 creates the registration; its appId is only known afterwards.
resource app 'Microsoft.Graph/applications@v1.0' = {
  uniqueName: uniqueName
  displayName: displayName
  signInAudience: 'AzureADMyOrg'
  spa: spaSettings
  api: apiSettings
  appRoles: appRoles
  optionalClaims: optionalClaims
  owners: {
    relationships: ownerObjectIds
  }
}

// Pass 2 (same uniqueName, same properties) adds identifierUris = api://{appId}, which
// cannot reference the appId of the resource that creates it.
resource appWithIdentifierUri 'Microsoft.Graph/applications@v1.0' = {
  uniqueName: uniqueName
  displayName: displayName
  signInAudience: 'AzureADMyOrg'
  identifierUris: [
    'api://${app.appId}'
  ]
  spa: spaSettings
  api: apiSettings
  appRoles: appRoles
  optionalClaims: optionalClaims
  owners: {
    relationships: ownerObjectIds
  }
}

// "Assignment required": only assigned users and groups get a token for this app.
resource servicePrincipal 'Microsoft.Graph/servicePrincipals@v1.0' = {
  appId: appWithIdentifierUri.appId
  appRoleAssignmentRequired: true
}

resource apiConsent 'Microsoft.Graph/oauth2PermissionGrants@v1.0' = if (grantSignInAdminConsent) {
  clientId: servicePrincipal.id
  consentType: 'AllPrincipals'
  resourceId: servicePrincipal.id
  scope: apiScopeName
}

resource signInConsent 'Microsoft.Graph/oauth2PermissionGrants@v1.0' = if (grantSignInAdminConsent) {
  clientId: servicePrincipal.id
  consentType: 'AllPrincipals'
  resourceId: graphSp.id
  scope: join(signInScopeNames, ' ')
}

resource userGroupAssignments 'Microsoft.Graph/appRoleAssignedTo@v1.0' = [for groupId in (isHelpdesk ? [] : userGroupIds): {
  principalId: groupId
  resourceId: servicePrincipal.id
  appRoleId: defaultAccessRoleId
}]

resource tapAdminAssignments 'Microsoft.Graph/appRoleAssignedTo@v1.0' = [for groupId in (isHelpdesk ? tapAdminGroupIds : []): {
  principalId: groupId
  resourceId: servicePrincipal.id
  appRoleId: tapAdminRoleId
}]

resource tapViewerAssignments 'Microsoft.Graph/appRoleAssignedTo@v1.0' = [for groupId in (isHelpdesk ? tapViewerGroupIds : []): {
  principalId: groupId
  resourceId: servicePrincipal.id
  appRoleId: tapViewerRoleId
}]

output appId string = appWithIdentifierUri.appId
output servicePrincipalId string = servicePrincipal.id
output identifierUri string = 'api://${app.appId}'
