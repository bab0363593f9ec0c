// Log Analytics workspace and workspace-based Application Insights.
//
// Local (instrumentation-key) authentication is disabled on the Application Insights
// resource: telemetry is accepted only with a Microsoft Entra token. That is why the
// connection string the Function Apps get (it contains the instrumentation key) is an
// address, not a credential: alone it cannot be used to write telemetry. Each Function App
// identity gets "Monitoring Metrics Publisher" on this resource (identity-rbac.bicep) and
// the app setting APPLICATIONINSIGHTS_AUTHENTICATION_STRING=Authorization=AAD.

@description('Azure region.')
param location string

@description('Log Analytics workspace name.')
param workspaceName string

@description('Application Insights component name.')
param appInsightsName string

@description('Days Log Analytics keeps logs (the audit trail itself lives in Table Storage).')
@minValue(30)
@maxValue(730)
param logRetentionDays int

@description('Tags for every resource.')
param tags object

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
    features: {
      disableLocalAuth: true
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  kind: 'web'
  tags: tags
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    DisableLocalAuth: true
  }
}

output workspaceId string = workspace.id
output appInsightsId string = appInsights.id
output appInsightsName string = appInsights.name
