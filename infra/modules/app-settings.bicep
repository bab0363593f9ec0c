// App settings of one Function App (SPEC section 5). Applied after the app registration
// exists, because ENTRA_CLIENT_ID is its appId. Every value here is an identifier or a
// policy number: no connection string with a key, no SAS, no client secret.
//
// APPLICATIONINSIGHTS_CONNECTION_STRING carries the component's instrumentation key, but
// local authentication is disabled on the component (monitoring.bicep), so the key alone
// cannot write telemetry; APPLICATIONINSIGHTS_AUTHENTICATION_STRING=Authorization=AAD makes
// the host send Entra-authenticated telemetry with the system-assigned identity.

@description('Which portal this app serves.')
@allowed([
  'selfservice'
  'helpdesk'
])
param portal string

@description('Function App name.')
param siteName string

@description('FlexConsumption or AppService (decides the runtime settings).')
@allowed([
  'FlexConsumption'
  'AppService'
])
param hostingPlan string

@description('appId (client id) of this portal\'s app registration: the token audience.')
param entraClientId string

@description('This app\'s own host storage account (identity-based AzureWebJobsStorage).')
param hostStorageAccountName string

@description('The shared data account with the EphemGate tables (STORAGE_ACCOUNT_NAME).')
param dataStorageAccountName string

@description('Application Insights component name.')
param appInsightsName string

@description('TAP lifetime in minutes (10-43200; the tenant TAP policy may narrow it).')
@minValue(10)
@maxValue(43200)
param tapLifetimeMinutes int

@description('Issue one-time TAPs.')
param tapIsUsableOnce bool

@description('Seconds the portal shows a TAP.')
@minValue(10)
param tapDisplayTimeoutSeconds int

@description('Mailbox that sends the "a TAP was issued for you" mail; empty: no mail.')
param notificationSender string

@description('Comma-separated group object ids whose members (nested too) never get a TAP.')
param blockedGroupIds string

@description('Comma-separated role template ids replacing the default protected set; empty: the default set (the setting is then not written at all).')
param privilegedRoleIds string

@description('Conditional Access authentication context id required in the token (e.g. c1); empty: none (the setting is then not written).')
param requiredAuthContext string

@description('Days audit rows are kept.')
@minValue(1)
param auditRetentionDays int

@description('Comma-separated exact origins of separately hosted SPAs, already checked for "*" by main.bicep; empty: same origin only (the setting is then not written).')
param corsAllowedOrigins string

@description('Helpdesk: TAPs one agent may issue per rolling hour.')
@minValue(1)
param rateLimitPerAgentPerHour int

@description('Self-service: TAPs one user may issue for themselves per rolling 24 hours.')
@minValue(1)
param selfServiceLimitPerDay int

@description('Helpdesk: OUT_OF_BAND_DETECTION (read the directory audit for passes created outside EphemGate).')
param outOfBandDetection bool

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: siteName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

// Settings every portal gets. Values are strings, as app settings are.
var commonSettings = {
  AzureWebJobsStorage__accountName: hostStorageAccountName
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
  ENTRA_TENANT_ID: tenant().tenantId
  ENTRA_CLIENT_ID: entraClientId
  ENTRA_API_SCOPE: 'Access'
  STORAGE_ACCOUNT_NAME: dataStorageAccountName
  TAP_LIFETIME_MINUTES: string(tapLifetimeMinutes)
  TAP_IS_USABLE_ONCE: tapIsUsableOnce ? 'true' : 'false'
  TAP_DISPLAY_TIMEOUT_SECONDS: string(tapDisplayTimeoutSeconds)
  NOTIFICATION_SENDER: notificationSender
  BLOCKED_GROUP_IDS: blockedGroupIds
  AUDIT_RETENTION_DAYS: string(auditRetentionDays)
}

// Settings only one portal reads.
var portalSettings = (portal == 'helpdesk') ? {
  RATE_LIMIT_PER_AGENT_PER_HOUR: string(rateLimitPerAgentPerHour)
  OUT_OF_BAND_DETECTION: outOfBandDetection ? 'true' : 'false'
} : {
  SELF_SERVICE_LIMIT_PER_DAY: string(selfServiceLimitPerDay)
}

// Optional settings: written only when set, so an empty value never overrides a default.
var authContextSettings = empty(requiredAuthContext) ? {} : {
  ENTRA_REQUIRED_AUTH_CONTEXT: requiredAuthContext
}
var privilegedRoleSettings = empty(privilegedRoleIds) ? {} : {
  PRIVILEGED_ROLE_IDS: privilegedRoleIds
}
var corsSettings = empty(corsAllowedOrigins) ? {} : {
  CORS_ALLOWED_ORIGINS: corsAllowedOrigins
}

// Flex Consumption takes the runtime from functionAppConfig.runtime and rejects
// FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION; an App Service plan needs them.
var planSettings = (hostingPlan == 'FlexConsumption') ? {} : {
  FUNCTIONS_WORKER_RUNTIME: 'custom'
  FUNCTIONS_EXTENSION_VERSION: '~4'
  WEBSITE_RUN_FROM_PACKAGE: '1'
}

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: union(commonSettings, portalSettings, authContextSettings, privilegedRoleSettings, corsSettings, planSettings)
}
