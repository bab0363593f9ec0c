// Azure RBAC for one Function App's system-assigned identity. Nothing is granted at
// resource-group or subscription scope, and nothing on the other app's host storage account.
//
//   role                           scope                                      why
//   Storage Blob Data Owner        this app's OWN host storage account        Functions host storage (keys, timer
//                                  (or, if hostBlobRoleAtAccountScope is      schedule status and locks) and the Flex
//                                  false, its three containers)               deployment package
//   Storage Table Data Contributor each table infra/tables.json lets this     audit rows, rate-limit slots and locks,
//                                  app write, in the shared data account      ledger, handovers
//   Storage Table Data Reader      each table it may only read                the helpdesk audit log lists self-service rows
//   Monitoring Metrics Publisher   the Application Insights component         Entra-authenticated telemetry (local auth is off)
//
// Storage Blob Data Owner on the account is what Microsoft documents for identity-based host
// storage ("the runtime needs both read and write access to blobs and the ability to create
// containers"; functions-reference.md, "Connecting to host storage with an identity") and what
// the Flex Consumption sample grants (Azure-Samples/azure-functions-flex-consumption-samples,
// IaC/bicep: the role is scoped to the storage account). It is safe here because the account
// holds this app's host data only. Deliberately NOT granted: any role on the data account
// itself (a whole-account table role would reach every table), any queue or file role (no
// queue trigger, no content share), and Table Data Contributor on the host account (the host
// would only use it for optional diagnostic events; AZFD0003 warnings may appear).

@description('Which portal this identity belongs to.')
@allowed([
  'selfservice'
  'helpdesk'
])
param portal string

@description('Object id of the Function App\'s system-assigned identity.')
param principalId string

@description('This app\'s own host storage account (AzureWebJobsStorage and the Flex deployment container).')
param hostStorageAccountName string

@description('This app\'s deployment-package container in its host storage account.')
param deploymentContainerName string

@description('Containers the Functions host uses with identity-based AzureWebJobsStorage.')
param hostContainerNames array

@description('True (default): Storage Blob Data Owner on the whole host account. False: only on its deployment and host containers.')
param hostBlobRoleAtAccountScope bool

@description('The shared data account that holds the tables.')
param dataStorageAccountName string

@description('The tables of infra/tables.json: name, write (apps that write it), read (apps that only read it).')
param tables array

@description('Application Insights component name.')
param appInsightsName string

// Built-in role definition ids (identical in every Azure tenant).
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var storageTableDataReader = '76199698-9eea-4c19-bc75-cec21354c6b6'
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

var blobContainerNames = concat([deploymentContainerName], hostContainerNames)
var containerScopedBlobNames = hostBlobRoleAtAccountScope ? [] : blobContainerNames
var writableTableNames = map(filter(tables, t => contains(t.write, portal)), t => t.name)
var readOnlyTableNames = map(filter(tables, t => contains(t.read, portal) && !contains(t.write, portal)), t => t.name)

resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: hostStorageAccountName
}

resource hostBlobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: hostStorage
  name: 'default'
}

resource hostContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = [for containerName in containerScopedBlobNames: {
  parent: hostBlobService
  name: containerName
}]

resource dataStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: dataStorageAccountName
}

resource dataTableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' existing = {
  parent: dataStorage
  name: 'default'
}

resource writableTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' existing = [for tableName in writableTableNames: {
  parent: dataTableService
  name: tableName
}]

resource readOnlyTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' existing = [for tableName in readOnlyTableNames: {
  parent: dataTableService
  name: tableName
}]

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource hostAccountBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (hostBlobRoleAtAccountScope) {
  name: guid(hostStorage.id, principalId, storageBlobDataOwner)
  scope: hostStorage
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
    description: 'EphemGate ${portal}: Functions host storage and deployment package (this app\'s own host account)'
  }
}

resource hostContainerBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (containerName, i) in containerScopedBlobNames: {
  name: guid(hostContainers[i].id, principalId, storageBlobDataOwner)
  scope: hostContainers[i]
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
    description: 'EphemGate ${portal}: Functions host storage / deployment package (${containerName})'
  }
}]

resource writableTableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (tableName, i) in writableTableNames: {
  name: guid(writableTables[i].id, principalId, storageTableDataContributor)
  scope: writableTables[i]
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
    description: 'EphemGate ${portal}: write ${tableName}'
  }
}]

resource readOnlyTableReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (tableName, i) in readOnlyTableNames: {
  name: guid(readOnlyTables[i].id, principalId, storageTableDataReader)
  scope: readOnlyTables[i]
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataReader)
    description: 'EphemGate ${portal}: read ${tableName}'
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
