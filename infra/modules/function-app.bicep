// One Function App for one portal: its hosting plan and the site, with a system-assigned
// managed identity, HTTPS only, TLS 1.2, FTP(S) off and basic-auth publishing off.
//
// App settings are NOT set here: they need the portal's app registration (ENTRA_CLIENT_ID),
// and the app registration needs this site's host name for its SPA redirect URI. The
// settings are applied afterwards by app-settings.bicep (a Microsoft.Web/sites/config
// resource), which breaks that cycle.

@description('Azure region.')
param location string

@description('Which portal this app serves.')
@allowed([
  'selfservice'
  'helpdesk'
])
param portal string

@description('Function App name.')
param siteName string

@description('Hosting plan name.')
param planName string

@description('FlexConsumption (default, FC1) or AppService (a dedicated Linux App Service plan).')
@allowed([
  'FlexConsumption'
  'AppService'
])
param hostingPlan string

@description('SKU of the App Service plan when hostingPlan is AppService.')
param appServicePlanSku string

@description('Flex runtime name. "custom" per the ARM stacks data; see infra/README.md for the fallback when a region rejects it.')
param flexRuntimeName string

@description('Flex runtime version ("1.0" for custom).')
param flexRuntimeVersion string

@description('Flex instance memory in MB.')
@allowed([
  512
  2048
  4096
])
param flexInstanceMemoryMB int

@description('Flex maximum instance count.')
@minValue(40)
@maxValue(1000)
param flexMaximumInstanceCount int

@description('Blob endpoint (with its trailing slash) of this app\'s own host storage account, as the account reports it in primaryEndpoints.blob.')
param blobEndpoint string

@description('Container in this app\'s host storage account that holds its deployment package (Flex).')
param deploymentContainerName string

@description('Tags for every resource.')
param tags object

var isFlex = hostingPlan == 'FlexConsumption'

// Site settings every plan gets.
var commonSiteConfig = {
  minTlsVersion: '1.2'
  scmMinTlsVersion: '1.2'
  ftpsState: 'Disabled'
  http20Enabled: true
  cors: {
    allowedOrigins: []
    supportCredentials: false
  }
}

// Only a dedicated App Service plan takes Always On and a Linux stack string (empty for a
// custom handler). Flex Consumption has neither, so on Flex they are left out altogether
// rather than sent as explicit nulls.
var appServiceSiteConfig = {
  alwaysOn: true
  linuxFxVersion: ''
}

var flexFunctionAppConfig = {
  deployment: {
    storage: {
      type: 'blobContainer'
      value: '${blobEndpoint}${deploymentContainerName}'
      authentication: {
        type: 'SystemAssignedIdentity'
      }
    }
  }
  scaleAndConcurrency: {
    maximumInstanceCount: flexMaximumInstanceCount
    instanceMemoryMB: flexInstanceMemoryMB
  }
  runtime: {
    name: flexRuntimeName
    version: flexRuntimeVersion
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: isFlex ? 'functionapp' : 'linux'
  sku: isFlex ? {
    tier: 'FlexConsumption'
    name: 'FC1'
  } : {
    name: appServicePlanSku
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: siteName
  location: location
  tags: union(tags, {
    'ephemgate-portal': portal
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientCertEnabled: false
    publicNetworkAccess: 'Enabled'
    siteConfig: isFlex ? commonSiteConfig : union(commonSiteConfig, appServiceSiteConfig)
    functionAppConfig: isFlex ? flexFunctionAppConfig : null
  }
}

// No publishing profile: deployments authenticate with Microsoft Entra (az login).
resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

output siteName string = site.name
output principalId string = site.identity.principalId
output defaultHostName string = site.properties.defaultHostName
