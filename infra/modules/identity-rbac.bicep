// Azure RBAC for one Function App's system-assigned identity. Every assignment is scoped to
// the single container, table or component it is for; nothing is granted at resource-group,
// subscription or (unless hostBlobRoleAtAccountScope is set) storage-account scope.
//
//   role                           scope                                  why
//   Storage Blob Data Owner        this app's deployment container        Flex reads (and one deploy writes) the package
//   Storage Blob Data Owner        azure-webjobs-hosts                    host coordination: timer schedule status, singleton locks
//   Storage Blob Data Owner        azure-webjobs-secrets                  host key store (blob is the default key store)
//   Storage Table Data Contributor this portal's audit table              write-ahead PENDING row, outcome, retention deletes
//   Storage Table Data Contributor TapRateLimits                          rate-limit counters and per-target locks (ETags)
//   Storage Table Data Reader      TapAuditSelfService (helpdesk only)    the helpdesk audit log also lists self-service rows
//   Monitoring Metrics Publisher   the Application Insights component     Entra-authenticated telemetry (local auth is off)
//
// Storage Blob Data Owner is the role Microsoft documents for identity-based host storage
// ("the runtime needs read and write access to blobs and the ability to create containers")
// and for the Flex deployment container (reference/azure-contracts.md section 2).
// Deliberately NOT granted: Storage Table Data Contributor on the whole account, which the
// host would only use for optional "diagnostic events" (AZFD0003 warnings may appear),
// and any queue or file role (no queue-based trigger, no content share).

@description('Which portal this identity belongs to.')
@allowed([
  'selfservice'
  'helpdesk'
])
param portal string

@description('Object id of the Function App\'s system-assigned identity.')
param principalId string

@description('Storage account name.')
param storageAccountName string

@description('This app\'s deployment-package container.')
param deploymentContainerName string

@description('Containers the Functions host uses with identity-based AzureWebJobsStorage.')
param hostContainerNames array

@description('Audit table of this portal.')
param ownAuditTableName string

@description('Rate-limit and lock table shared by both portals.')
param rateLimitTableName string

@description('Self-service audit table (read by the helpdesk audit log).')
param selfServiceAuditTableName string

@description('Application Insights component name.')
param appInsightsName string

@description('Fallback: grant Storage Blob Data Owner on the storage account instead of on the three containers (only if a future host version needs another container).')
param hostBlobRoleAtAccountScope bool

// Built-in role definition ids (identical in every Azure tenant).
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var storageTableDataReader = '76199698-9eea-4c19-bc75-cec21354c6b6'
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

var blobContainerNames = concat([deploymentContainerName], hostContainerNames)
var containerScopedBlobNames = hostBlobRoleAtAccountScope ? [] : blobContainerNames
var readOnlyTableNames = (portal == 'helpdesk') ? [selfServiceAuditTableName] : []

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: storage
  name: 'default'
}

resource blobContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = [for containerName in containerScopedBlobNames: {
  parent: blobService
  name: containerName
}]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' existing = {
  parent: storage
  name: 'default'
}

resource ownAuditTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' existing = {
  parent: tableService
  name: ownAuditTableName
}

resource rateLimitTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' existing = {
  parent: tableService
  name: rateLimitTableName
}

resource readOnlyTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' existing = [for tableName in readOnlyTableNames: {
  parent: tableService
  name: tableName
}]

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource containerBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (containerName, i) in containerScopedBlobNames: {
  name: guid(blobContainers[i].id, principalId, storageBlobDataOwner)
  scope: blobContainers[i]
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
    description: 'EphemGate ${portal}: Functions host storage / deployment package (${containerName})'
  }
}]

resource accountBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (hostBlobRoleAtAccountScope) {
  name: guid(storage.id, principalId, storageBlobDataOwner)
  scope: storage
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
    description: 'EphemGate ${portal}: Functions host storage and deployment package (account-scope fallback)'
  }
}

resource ownAuditTableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(ownAuditTable.id, principalId, storageTableDataContributor)
  scope: ownAuditTable
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
    description: 'EphemGate ${portal}: audit rows'
  }
}

resource rateLimitTableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(rateLimitTable.id, principalId, storageTableDataContributor)
  scope: rateLimitTable
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
    description: 'EphemGate ${portal}: rate-limit counters and per-target locks'
  }
}

resource readOnlyTableReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (tableName, i) in readOnlyTableNames: {
  name: guid(readOnlyTables[i].id, principalId, storageTableDataReader)
  scope: readOnlyTables[i]
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataReader)
    description: 'EphemGate ${portal}: read ${tableName} for the audit log'
  }
}]

resource telemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, principalId, monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    description: 'EphemGate ${portal}: Entra-authenticated Application Insights telemetry'
  }
}
