// EphemGate for Swift: the whole deployment in one resource-group deployment.
//
//   monitoring      Log Analytics + Application Insights (local auth off)
//   storage         shared-key access off, TLS 1.2, no public blob access everywhere:
//                   one data account with the tables of infra/tables.json, and one host
//                   storage account PER APP (its Functions host keys, timer locks and Flex
//                   deployment package), so neither identity can reach the other app's keys
//   function apps   selfservice + helpdesk custom handlers, system-assigned identities,
//                   Flex Consumption (runtime custom) or an App Service plan
//   entra apps      one app registration + service principal per portal (Graph extension)
//   graph grants    Graph application permissions for each managed identity
//                   (infra/graph-permissions.json)
//   rbac            per identity: Blob Data Owner on its own host account, table-scoped
//                   roles from infra/tables.json, Monitoring Metrics Publisher
//   app settings    SPEC section 5
//   alert           BLOCKED_PRIVILEGED and OUT_OF_BAND audit events
//
// Deploy with scripts/deploy.sh (see infra/README.md). No secret is a parameter, a setting or
// an output of this template.

targetScope = 'resourceGroup'

@description('Azure region of every resource.')
param location string = resourceGroup().location

@description('Prefix of resource names (letters, digits, hyphens).')
@minLength(2)
@maxLength(12)
param namePrefix string = 'ephemgate'

@description('FlexConsumption (FC1, default) or AppService (a dedicated Linux App Service plan per app).')
@allowed([
  'FlexConsumption'
  'AppService'
])
param hostingPlan string = 'FlexConsumption'

@description('App Service plan SKU when hostingPlan is AppService (Always On needs Basic or higher).')
param appServicePlanSku string = 'B1'

@description('Flex runtime name. Keep "custom"; if the region rejects it, use a carrier runtime (e.g. "python" with version "3.12"): the host launches the handler from host.json either way.')
param flexRuntimeName string = 'custom'

@description('Flex runtime version ("1.0" for custom).')
param flexRuntimeVersion string = '1.0'

@description('Flex instance memory in MB.')
@allowed([
  512
  2048
  4096
])
param flexInstanceMemoryMB int = 2048

@description('Flex maximum instance count.')
@minValue(40)
@maxValue(1000)
param flexMaximumInstanceCount int = 40

@description('Storage redundancy.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSku string = 'Standard_LRS'

@description('Days Log Analytics keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 90

@description('TAP lifetime of the self-service portal, minutes.')
@minValue(10)
@maxValue(43200)
param selfServiceTapLifetimeMinutes int = 60

@description('TAP lifetime of the helpdesk portal, minutes.')
@minValue(10)
@maxValue(43200)
param helpdeskTapLifetimeMinutes int = 120

@description('Issue one-time TAPs.')
param tapIsUsableOnce bool = true

@description('Seconds the self-service portal shows a TAP.')
@minValue(10)
param selfServiceDisplayTimeoutSeconds int = 300

@description('Seconds the helpdesk portal shows a TAP.')
@minValue(10)
param helpdeskDisplayTimeoutSeconds int = 120

@description('TAPs one user may issue for themselves per rolling 24 hours.')
@minValue(1)
param selfServiceLimitPerDay int = 5

@description('TAPs one helpdesk agent may issue per rolling hour.')
@minValue(1)
param rateLimitPerAgentPerHour int = 10

@description('Days audit rows are kept (audit-retention timer).')
@minValue(1)
param auditRetentionDays int = 400

@description('Mailbox (UPN or object id) that sends the "a TAP was issued for you" mail. Empty: no mail, and Mail.Send is not granted.')
param notificationSender string = ''

@description('Grant the Graph Mail.Send application permission in Entra when notificationSender is set. Set false when you scope Mail.Send to the sender mailbox with Exchange Online RBAC for Applications (see infra/README.md): Entra and Exchange grants are a union.')
param grantMailSendInEntra bool = true

@description('Object ids of groups whose members (nested too) never get a TAP.')
param blockedGroupIds array = []

@description('Role template ids that replace the default protected-role set. Empty: the built-in default (recommended).')
param privilegedRoleIds array = []

@description('OUT_OF_BAND_DETECTION (helpdesk): read the Entra directory audit for passes created outside EphemGate and alert on them (SPEC 7.7). True also grants the helpdesk identity AuditLog.Read.All; false (default) grants nothing.')
param outOfBandDetection bool = false

@description('Conditional Access authentication context id the token must carry (e.g. c1). Empty: none.')
param requiredAuthContext string = ''

@description('Exact https origins of separately hosted SPAs. Empty (default): same origin only. "*" and wildcards are rejected.')
param corsAllowedOrigins array = []

@description('Object ids (users or service principals) added as owners of both app registrations.')
param appOwnerObjectIds array = []

@description('Admin-consent the sign-in scopes of both portals (openid, profile, offline_access and the portal\'s own Access scope).')
param grantSignInAdminConsent bool = true

@description('Object ids of security groups allowed to use the self-service portal (assignment is required). Assigning groups needs Microsoft Entra ID P1 or P2, only security groups can be assigned, and nested groups are not honoured: only direct members of an assigned group may sign in.')
param selfServiceUserGroupIds array = []

@description('Object ids of security groups assigned Helpdesk.TapAdmin. Assigning groups needs Microsoft Entra ID P1 or P2, only security groups can be assigned, and nested groups are not honoured: only direct members of an assigned group may sign in.')
param helpdeskTapAdminGroupIds array = []

@description('Object ids of security groups assigned Helpdesk.TapViewer. Assigning groups needs Microsoft Entra ID P1 or P2, only security groups can be assigned, and nested groups are not honoured: only direct members of an assigned group may sign in.')
param helpdeskTapViewerGroupIds array = []

@description('E-mail addresses notified when the audit alert fires (BLOCKED_PRIVILEGED, OUT_OF_BAND). Empty: no action group.')
param alertEmailAddresses array = []

@description('Key of the audit action in the handlers\' structured log line.')
param auditLogActionKey string = 'audit.action'

@description('Grant Storage Blob Data Owner on the app\'s own host storage account (default, as Microsoft documents for identity-based host storage). False narrows it to the three containers the host uses today; a host that needs another container or an account-level call then fails with 403.')
param hostBlobRoleAtAccountScope bool = true

@description('Tags for every Azure resource.')
param tags object = {
  application: 'ephemgate'
}

// ---------------------------------------------------------------------------------------
// Guards (evaluated before anything is deployed)

var invalidCorsOrigins = filter(corsAllowedOrigins, origin => contains(origin, '*') || !startsWith(origin, 'https://'))
var corsAllowedOriginsSetting = empty(invalidCorsOrigins) ? join(corsAllowedOrigins, ',') : fail('corsAllowedOrigins must list exact https origins; "*" and wildcards are not allowed (SPEC section 5).')

// ---------------------------------------------------------------------------------------
// Names

var suffix = take(uniqueString(resourceGroup().id), 6)
var compactPrefix = toLower(replace(namePrefix, '-', ''))
// The data account keeps the name the single account had, so an existing deployment keeps its tables.
var dataStorageAccountName = take('st${compactPrefix}${uniqueString(resourceGroup().id)}', 24)
// The tables and who may write or read each one: infra/tables.json.
var tableCatalog = loadJsonContent('tables.json')
// The Functions host fixes these container names (timer schedule status and locks, host keys).
var hostContainerNames = [
  'azure-webjobs-hosts'
  'azure-webjobs-secrets'
]

var portals = [
  {
    portal: 'selfservice'
    displayName: 'EphemGate Self-Service'
    hostStorageAccountName: take('st${take(compactPrefix, 6)}ss${uniqueString(resourceGroup().id, 'host-selfservice')}', 24)
    deploymentContainer: 'app-package-selfservice'
    tapLifetimeMinutes: selfServiceTapLifetimeMinutes
    displayTimeoutSeconds: selfServiceDisplayTimeoutSeconds
  }
  {
    portal: 'helpdesk'
    displayName: 'EphemGate Helpdesk'
    hostStorageAccountName: take('st${take(compactPrefix, 6)}hd${uniqueString(resourceGroup().id, 'host-helpdesk')}', 24)
    deploymentContainer: 'app-package-helpdesk'
    tapLifetimeMinutes: helpdeskTapLifetimeMinutes
    displayTimeoutSeconds: helpdeskDisplayTimeoutSeconds
  }
]

// ---------------------------------------------------------------------------------------
// Resources

module monitoring 'modules/monitoring.bicep' = {
  name: 'ephemgate-monitoring'
  params: {
    location: location
    workspaceName: '${namePrefix}-log-${suffix}'
    appInsightsName: '${namePrefix}-appi-${suffix}'
    logRetentionDays: logRetentionDays
    tags: tags
  }
}

// The shared data account: the EphemGate tables only, no blob container.
module dataStorage 'modules/storage.bicep' = {
  name: 'ephemgate-storage'
  params: {
    location: location
    storageAccountName: dataStorageAccountName
    storageSku: storageSku
    tableNames: map(tableCatalog.tables, t => t.name)
    containerNames: []
    tags: tags
  }
}

// One host storage account per app: its Flex deployment container and the Functions host
// containers, no table. Host keys live in azure-webjobs-secrets, so an identity that could
// write the other app's host storage could mint that app's keys or replace its package.
module hostStorage 'modules/storage.bicep' = [for cfg in portals: {
  name: 'ephemgate-hoststorage-${cfg.portal}'
  params: {
    location: location
    storageAccountName: cfg.hostStorageAccountName
    storageSku: storageSku
    tableNames: []
    containerNames: concat([cfg.deploymentContainer], hostContainerNames)
    tags: tags
  }
}]

module functionApps 'modules/function-app.bicep' = [for (cfg, i) in portals: {
  name: 'ephemgate-site-${cfg.portal}'
  params: {
    location: location
    portal: cfg.portal
    siteName: '${namePrefix}-${cfg.portal}-${suffix}'
    planName: '${namePrefix}-${cfg.portal}-plan-${suffix}'
    hostingPlan: hostingPlan
    appServicePlanSku: appServicePlanSku
    flexRuntimeName: flexRuntimeName
    flexRuntimeVersion: flexRuntimeVersion
    flexInstanceMemoryMB: flexInstanceMemoryMB
    flexMaximumInstanceCount: flexMaximumInstanceCount
    blobEndpoint: hostStorage[i].outputs.blobEndpoint
    deploymentContainerName: cfg.deploymentContainer
    tags: tags
  }
}]

module entraApps 'modules/entra-app.bicep' = [for (cfg, i) in portals: {
  name: 'ephemgate-entra-${cfg.portal}'
  params: {
    portal: cfg.portal
    uniqueName: '${namePrefix}-${cfg.portal}-${suffix}'
    displayName: cfg.displayName
    siteHostName: functionApps[i].outputs.defaultHostName
    ownerObjectIds: appOwnerObjectIds
    grantSignInAdminConsent: grantSignInAdminConsent
    userGroupIds: selfServiceUserGroupIds
    tapAdminGroupIds: helpdeskTapAdminGroupIds
    tapViewerGroupIds: helpdeskTapViewerGroupIds
  }
}]

module graphGrants 'modules/graph-grants.bicep' = [for (cfg, i) in portals: {
  name: 'ephemgate-graph-${cfg.portal}'
  params: {
    portal: cfg.portal
    principalId: functionApps[i].outputs.principalId
    notificationSender: notificationSender
    grantMailSendInEntra: grantMailSendInEntra
    detectOutOfBand: outOfBandDetection
  }
}]

module identityRbac 'modules/identity-rbac.bicep' = [for (cfg, i) in portals: {
  name: 'ephemgate-rbac-${cfg.portal}'
  params: {
    portal: cfg.portal
    principalId: functionApps[i].outputs.principalId
    hostStorageAccountName: hostStorage[i].outputs.storageAccountName
    deploymentContainerName: cfg.deploymentContainer
    hostContainerNames: hostContainerNames
    hostBlobRoleAtAccountScope: hostBlobRoleAtAccountScope
    dataStorageAccountName: dataStorage.outputs.storageAccountName
    tables: tableCatalog.tables
    appInsightsName: monitoring.outputs.appInsightsName
  }
}]

module appSettings 'modules/app-settings.bicep' = [for (cfg, i) in portals: {
  name: 'ephemgate-settings-${cfg.portal}'
  params: {
    portal: cfg.portal
    siteName: functionApps[i].outputs.siteName
    hostingPlan: hostingPlan
    entraClientId: entraApps[i].outputs.appId
    hostStorageAccountName: hostStorage[i].outputs.storageAccountName
    dataStorageAccountName: dataStorage.outputs.storageAccountName
    appInsightsName: monitoring.outputs.appInsightsName
    tapLifetimeMinutes: cfg.tapLifetimeMinutes
    tapIsUsableOnce: tapIsUsableOnce
    tapDisplayTimeoutSeconds: cfg.displayTimeoutSeconds
    notificationSender: notificationSender
    blockedGroupIds: join(blockedGroupIds, ',')
    privilegedRoleIds: join(privilegedRoleIds, ',')
    requiredAuthContext: requiredAuthContext
    auditRetentionDays: auditRetentionDays
    corsAllowedOrigins: corsAllowedOriginsSetting
    rateLimitPerAgentPerHour: rateLimitPerAgentPerHour
    selfServiceLimitPerDay: selfServiceLimitPerDay
    outOfBandDetection: outOfBandDetection
  }
  dependsOn: [
    identityRbac
    graphGrants
  ]
}]

module alert 'modules/alert.bicep' = {
  name: 'ephemgate-alert'
  params: {
    location: location
    // The name predates OUT_OF_BAND; kept so that a redeployment updates the rule in place.
    ruleName: '${namePrefix}-blocked-privileged-${suffix}'
    appInsightsId: monitoring.outputs.appInsightsId
    auditActionKey: auditLogActionKey
    alertEmailAddresses: alertEmailAddresses
    tags: tags
  }
}

// ---------------------------------------------------------------------------------------
// Outputs (names, ids and URLs only; read by scripts/deploy.sh)

output storageAccountName string = dataStorage.outputs.storageAccountName
output selfServiceHostStorageAccountName string = hostStorage[0].outputs.storageAccountName
output helpdeskHostStorageAccountName string = hostStorage[1].outputs.storageAccountName
output selfServicePrincipalId string = functionApps[0].outputs.principalId
output helpdeskPrincipalId string = functionApps[1].outputs.principalId
output selfServiceFunctionAppName string = functionApps[0].outputs.siteName
output helpdeskFunctionAppName string = functionApps[1].outputs.siteName
output selfServiceUrl string = 'https://${functionApps[0].outputs.defaultHostName}/'
output helpdeskUrl string = 'https://${functionApps[1].outputs.defaultHostName}/'
output selfServiceClientId string = entraApps[0].outputs.appId
output helpdeskClientId string = entraApps[1].outputs.appId
output selfServiceGraphPermissions array = graphGrants[0].outputs.grantedPermissionNames
output helpdeskGraphPermissions array = graphGrants[1].outputs.grantedPermissionNames
// The conditions of infra/graph-permissions.json as deployed (scripts/smoke.sh compares the
// identities' real grants with the file under these conditions).
output graphGrantConditions object = {
  notificationSender: grantMailSendInEntra && !empty(notificationSender)
  outOfBandDetection: outOfBandDetection
}
