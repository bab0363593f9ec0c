"""Invariants read from the Bicep parse trees, and proof that each check can fail."""

from __future__ import annotations

import pytest

from bicep_model import INFRA, load_templates
from invariants import ALL_CHECKS

TREES = load_templates()


@pytest.mark.parametrize("check", sorted(ALL_CHECKS))
def test_invariant_holds(check):
    assert ALL_CHECKS[check](TREES) == []


SITES = "modules/function-app.bicep"
SETTINGS = "modules/app-settings.bicep"
RBAC = "modules/identity-rbac.bicep"
GRANTS = "modules/graph-grants.bicep"
ALERT = "modules/alert.bicep"
MAIN = "main.bicep"
GRAPH_JSON = "graph-permissions.json"
TABLES_JSON = "tables.json"
HOST_JSON = "../host.json"

# (check, file, text in the file, replacement): each breaks exactly one invariant. Files are
# relative to infra/ (host.json is the repository's).
MUTATIONS = [
    ("function_apps", SITES, "    type: 'SystemAssigned'\n", "    type: 'None'\n"),
    ("function_apps", SITES, "httpsOnly: true", "httpsOnly: false"),
    ("function_apps", SITES, "  minTlsVersion: '1.2'", "  minTlsVersion: '1.0'"),
    ("function_apps", SITES, "ftpsState: 'Disabled'", "ftpsState: 'FtpsOnly'"),
    ("function_apps", SITES, "  name: 'scm'\n  properties: {\n    allow: false", "  name: 'scm'\n  properties: {\n    allow: true"),
    ("function_apps", SITES, "  alwaysOn: true\n", ""),
    ("function_apps", MAIN, "param flexRuntimeName string = 'custom'", "param flexRuntimeName string = 'node'"),
    # Point 5: Flex gets no explicit null and no App-Service-only setting.
    ("flex_sends_no_nulls", SITES, "    siteConfig: isFlex ? commonSiteConfig : union(commonSiteConfig, appServiceSiteConfig)", "    siteConfig: union(commonSiteConfig, {\n      alwaysOn: isFlex ? null : true\n    })"),
    ("flex_sends_no_nulls", SITES, "    siteConfig: isFlex ? commonSiteConfig : union(commonSiteConfig, appServiceSiteConfig)", "    siteConfig: union(commonSiteConfig, appServiceSiteConfig)"),
    ("flex_sends_no_nulls", SITES, "  http20Enabled: true\n", "  http20Enabled: true\n  linuxFxVersion: isFlex ? null : ''\n"),
    ("cors", SITES, "    allowedOrigins: []\n", "    allowedOrigins: [\n      '*'\n    ]\n"),
    ("cors", MAIN, " : fail('corsAllowedOrigins must", " : ('corsAllowedOrigins must"),
    ("cors", MAIN, "contains(origin, '*') || ", ""),
    ("storage", "modules/storage.bicep", "allowSharedKeyAccess: false", "allowSharedKeyAccess: true"),
    ("storage", "modules/storage.bicep", "minimumTlsVersion: 'TLS1_2'", "minimumTlsVersion: 'TLS1_0'"),
    ("storage", "modules/storage.bicep", "allowBlobPublicAccess: false", "allowBlobPublicAccess: true"),
    ("storage", TABLES_JSON, '"name": "TapRateLimits"', '"name": "RateLimits"'),
    ("storage", TABLES_JSON, '"name": "TapHandovers"', '"name": "Handovers"'),
    ("storage", MAIN, "    containerNames: []\n", "    containerNames: hostContainerNames\n"),
    ("storage", MAIN, "    tableNames: []\n", "    tableNames: map(tableCatalog.tables, t => t.name)\n"),
    ("app_settings", SETTINGS, "  AUDIT_RETENTION_DAYS: string(auditRetentionDays)\n", ""),
    ("app_settings", SETTINGS, "  RATE_LIMIT_PER_AGENT_PER_HOUR:", "  RATE_LIMIT_PER_AGENT:"),
    ("app_settings", SETTINGS, "  OUT_OF_BAND_DETECTION: outOfBandDetection ? 'true' : 'false'\n", ""),
    ("app_settings", SETTINGS, "ENTRA_API_SCOPE: 'Access'", "ENTRA_API_SCOPE: 'access_as_user'"),
    ("app_settings", SETTINGS, "var planSettings = (hostingPlan == 'FlexConsumption') ? {} : {", "var planSettings = (hostingPlan == 'AppService') ? {} : {"),
    ("app_settings", SETTINGS, "var privilegedRoleSettings = empty(privilegedRoleIds) ? {} : {\n  PRIVILEGED_ROLE_IDS: privilegedRoleIds\n}", "var privilegedRoleSettings = {\n  PRIVILEGED_ROLE_IDS: privilegedRoleIds\n}"),
    ("app_settings", SETTINGS, "  AzureWebJobsStorage__accountName: hostStorageAccountName", "  AzureWebJobsStorage__accountName: dataStorageAccountName"),
    ("app_settings", MAIN, "entraClientId: entraApps[i].outputs.appId", "entraClientId: functionApps[i].outputs.principalId"),
    ("no_secrets", SETTINGS, "  BLOCKED_GROUP_IDS: blockedGroupIds\n", "  BLOCKED_GROUP_IDS: blockedGroupIds\n  STORAGE_KEY: storage.listKeys().keys[0].value\n"),
    ("no_secrets", SETTINGS, "  BLOCKED_GROUP_IDS: blockedGroupIds\n", "  BLOCKED_GROUP_IDS: blockedGroupIds\n  AzureWebJobsStorage: 'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=y'\n"),
    ("no_secrets", SETTINGS, "APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING: ''"),
    ("no_secrets", "modules/monitoring.bicep", "DisableLocalAuth: true", "DisableLocalAuth: false"),
    ("no_secrets", "modules/monitoring.bicep", "output appInsightsName string = appInsights.name", "output appInsightsName string = appInsights.properties.ConnectionString"),
    ("rbac", RBAC, "var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'", "var storageTableDataContributor = 'b24988ac-6180-42a0-ab88-20f7382dd24c'"),
    ("rbac", RBAC, "  scope: writableTables[i]\n", "  scope: dataStorage\n"),
    ("rbac", RBAC, "  scope: readOnlyTables[i]\n", ""),
    ("rbac", RBAC, "contains(t.read, portal) && !contains(t.write, portal)", "!contains(t.write, portal)"),
    ("rbac", TABLES_JSON, '"name": "TapAuditHelpdesk",\n      "write": ["helpdesk"]', '"name": "TapAuditHelpdesk",\n      "write": ["helpdesk", "selfservice"]'),
    ("rbac", TABLES_JSON, '"name": "TapLedger",\n      "write": ["selfservice", "helpdesk"]', '"name": "TapLedger",\n      "write": ["helpdesk"]'),
    ("rbac", TABLES_JSON, '"name": "TapHandovers",\n      "write": ["selfservice", "helpdesk"]', '"name": "TapHandovers",\n      "write": ["selfservice"]'),
    # Point 1: account-scope host grant by default, containers only when asked.
    ("host_blob_role_at_account_scope", MAIN, "param hostBlobRoleAtAccountScope bool = true", "param hostBlobRoleAtAccountScope bool = false"),
    ("host_blob_role_at_account_scope", RBAC, "= if (hostBlobRoleAtAccountScope) {", "= if (!hostBlobRoleAtAccountScope) {"),
    ("host_blob_role_at_account_scope", RBAC, "var containerScopedBlobNames = hostBlobRoleAtAccountScope ? [] : blobContainerNames", "var containerScopedBlobNames = blobContainerNames"),
    # Point 2: nothing of one app's identity on the other app's host storage.
    ("host_storage_isolation", MAIN, "    blobEndpoint: hostStorage[i].outputs.blobEndpoint", "    blobEndpoint: hostStorage[0].outputs.blobEndpoint"),
    ("host_storage_isolation", MAIN, "    hostStorageAccountName: hostStorage[i].outputs.storageAccountName\n    deploymentContainerName", "    hostStorageAccountName: hostStorage[1 - i].outputs.storageAccountName\n    deploymentContainerName"),
    ("host_storage_isolation", MAIN, "    hostStorageAccountName: hostStorage[i].outputs.storageAccountName\n    dataStorageAccountName", "    hostStorageAccountName: dataStorage.outputs.storageAccountName\n    dataStorageAccountName"),
    ("host_storage_isolation", MAIN, "hd${uniqueString(resourceGroup().id, 'host-helpdesk')}", "ss${uniqueString(resourceGroup().id, 'host-selfservice')}"),
    ("host_storage_isolation", MAIN, "    containerNames: concat([cfg.deploymentContainer], hostContainerNames)", "    containerNames: concat(map(portals, p => p.deploymentContainer), hostContainerNames)"),
    ("host_storage_isolation", RBAC, "  scope: hostStorage\n", "  scope: dataStorage\n"),
    # Point 4: traces and requests are never sampled away.
    ("host_json_sampling", HOST_JSON, '"excludedTypes": "Request;Trace;Exception"', '"excludedTypes": "Request;Exception"'),
    ("host_json_sampling", HOST_JSON, '"excludedTypes": "Request;Trace;Exception"', '"excludedTypes": "Trace;Exception"'),
    ("host_json_sampling", HOST_JSON, ',\n    "applicationInsights": {\n      "samplingSettings": {\n        "isEnabled": true,\n        "excludedTypes": "Request;Trace;Exception"\n      }\n    }', ""),
    ("graph_permissions", GRANTS, "var mailSendWanted = grantMailSendInEntra && !empty(notificationSender)", "var mailSendWanted = true"),
    ("graph_permissions", GRANTS, "var mailSendWanted = grantMailSendInEntra && !empty(notificationSender)", "var mailSendWanted = !empty(notificationSender)"),
    ("graph_permissions", GRANTS, "contains(p.apps, portal) && ", "!contains(p.apps, portal) && "),
    ("graph_permissions", GRANTS, "(p.condition == 'always') || ", "(p.condition != 'never') || "),
    ("graph_permissions", GRANTS, " || (detectOutOfBand && (p.condition == 'outOfBandDetection'))", ""),
    ("graph_permissions", GRANTS, "(detectOutOfBand && (p.condition == 'outOfBandDetection'))", "(p.condition == 'outOfBandDetection')"),
    ("graph_permissions", GRANTS, "r => r.value == permission.name)[0].id", "r => r.value == 'Directory.Read.All')[0].id"),
    ("graph_permissions", GRAPH_JSON, '"name": "AuditLog.Read.All",\n      "apps": ["helpdesk"]', '"name": "AuditLog.Read.All",\n      "apps": ["selfservice", "helpdesk"]'),
    ("graph_permissions", GRAPH_JSON, '"name": "Directory.Read.All",\n      "apps": ["helpdesk"],\n      "condition": "outOfBandDetection"', '"name": "Directory.Read.All",\n      "apps": ["helpdesk"],\n      "condition": "always"'),
    ("graph_permissions", GRAPH_JSON, '"name": "AdministrativeUnit.Read.All"', '"name": "Directory.Read.All"'),
    ("graph_permissions", MAIN, "param outOfBandDetection bool = false", "param outOfBandDetection bool = true"),
    # Issue 11: UserAuthenticationMethod.ReadWrite.All is never granted.
    ("no_broad_graph_permission", GRAPH_JSON, '"name": "UserAuthMethod-TAP.ReadWrite.All"', '"name": "UserAuthenticationMethod.ReadWrite.All"'),
    ("no_broad_graph_permission", GRANTS, "r => r.value == permission.name)[0].id", "r => r.value == 'UserAuthenticationMethod.ReadWrite.All')[0].id"),
    ("entra_apps", "modules/entra-app.bicep", "    'api://${app.appId}'\n  ]\n  spa", "    'api://ephemgate'\n  ]\n  spa"),
    ("entra_apps", "modules/entra-app.bicep", "requestedAccessTokenVersion: 2", "requestedAccessTokenVersion: 1"),
    ("entra_apps", "modules/entra-app.bicep", "var apiScopeName = 'Access'", "var apiScopeName = 'user_impersonation'"),
    ("entra_apps", "modules/entra-app.bicep", "appRoleAssignmentRequired: true", "appRoleAssignmentRequired: false"),
    ("entra_apps", "modules/entra-app.bicep", "    displayName: 'Helpdesk TAP viewer'\n    description: 'Read the TAP audit log.'\n    allowedMemberTypes: [\n      'User'\n", "    displayName: 'Helpdesk TAP viewer'\n    description: 'Read the TAP audit log.'\n    allowedMemberTypes: [\n      'User'\n      'Application'\n"),
    ("entra_apps", "modules/entra-app.bicep", "    'https://${siteHostName}/'", "    'http://localhost:3000/'"),
    # Point 4 (alert): fires on BLOCKED_PRIVILEGED and on OUT_OF_BAND, on the first event.
    ("monitoring_and_alert", ALERT, "message contains \"BLOCKED_PRIVILEGED\"", "message contains \"DENIED\""),
    ("monitoring_and_alert", ALERT, " or message contains \"OUT_OF_BAND\"", ""),
    ("monitoring_and_alert", ALERT, "\" or message contains \"OUT_OF_BAND\"", "\" and message contains \"OUT_OF_BAND\""),
    ("monitoring_and_alert", ALERT, "threshold: 0", "threshold: 5"),
    # Point 5: no host of the no-hardcoded-env-urls rule in any string, descriptions included.
    ("no_hardcoded_env_urls", SITES, "as the account reports it in primaryEndpoints.blob.", "e.g. https://acct.blob.core.windows.net/."),
]


@pytest.mark.parametrize("check,file,old,new", MUTATIONS, ids=[f"{m[0]}:{m[2][:40].strip()}" for m in MUTATIONS])
def test_check_fails_on_broken_template(check, file, old, new):
    text = (INFRA / file).read_text()
    assert text.count(old) == 1, f"mutation anchor not found exactly once in {file}: {old!r}"
    broken = load_templates({file: text.replace(old, new)})
    assert ALL_CHECKS[check](broken) != []
