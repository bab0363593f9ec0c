"""Invariants read from the Bicep parse trees, and proof that each check can fail."""

from __future__ import annotations

import pytest

from bicep_model import INFRA, load_templates
from invariants import ALL_CHECKS

TREES = load_templates()


@pytest.mark.parametrize("check", sorted(ALL_CHECKS))
def test_invariant_holds(check):
    assert ALL_CHECKS[check](TREES) == []


# (check, file, text in the file, replacement): each breaks exactly one invariant.
MUTATIONS = [
    ("function_apps", "modules/function-app.bicep", "    type: 'SystemAssigned'\n", "    type: 'None'\n"),
    ("function_apps", "modules/function-app.bicep", "httpsOnly: true", "httpsOnly: false"),
    ("function_apps", "modules/function-app.bicep", "      minTlsVersion: '1.2'", "      minTlsVersion: '1.0'"),
    ("function_apps", "modules/function-app.bicep", "ftpsState: 'Disabled'", "ftpsState: 'FtpsOnly'"),
    ("function_apps", "modules/function-app.bicep", "  name: 'scm'\n  properties: {\n    allow: false", "  name: 'scm'\n  properties: {\n    allow: true"),
    ("function_apps", "main.bicep", "param flexRuntimeName string = 'custom'", "param flexRuntimeName string = 'node'"),
    ("cors", "modules/function-app.bicep", "        allowedOrigins: []\n", "        allowedOrigins: [\n          '*'\n        ]\n"),
    ("cors", "main.bicep", " : fail('corsAllowedOrigins must", " : ('corsAllowedOrigins must"),
    ("cors", "main.bicep", "contains(origin, '*') || ", ""),
    ("storage", "modules/storage.bicep", "allowSharedKeyAccess: false", "allowSharedKeyAccess: true"),
    ("storage", "modules/storage.bicep", "minimumTlsVersion: 'TLS1_2'", "minimumTlsVersion: 'TLS1_0'"),
    ("storage", "modules/storage.bicep", "allowBlobPublicAccess: false", "allowBlobPublicAccess: true"),
    ("storage", "main.bicep", "var rateLimitTable = 'TapRateLimits'", "var rateLimitTable = 'RateLimits'"),
    ("app_settings", "modules/app-settings.bicep", "  AUDIT_RETENTION_DAYS: string(auditRetentionDays)\n", ""),
    ("app_settings", "modules/app-settings.bicep", "  RATE_LIMIT_PER_AGENT_PER_HOUR:", "  RATE_LIMIT_PER_AGENT:"),
    ("app_settings", "modules/app-settings.bicep", "ENTRA_API_SCOPE: 'Access'", "ENTRA_API_SCOPE: 'access_as_user'"),
    ("app_settings", "modules/app-settings.bicep", "var planSettings = (hostingPlan == 'FlexConsumption') ? {} : {", "var planSettings = (hostingPlan == 'AppService') ? {} : {"),
    ("app_settings", "modules/app-settings.bicep", "var privilegedRoleSettings = empty(privilegedRoleIds) ? {} : {\n  PRIVILEGED_ROLE_IDS: privilegedRoleIds\n}", "var privilegedRoleSettings = {\n  PRIVILEGED_ROLE_IDS: privilegedRoleIds\n}"),
    ("app_settings", "main.bicep", "entraClientId: entraApps[i].outputs.appId", "entraClientId: functionApps[i].outputs.principalId"),
    ("no_secrets", "modules/app-settings.bicep", "  BLOCKED_GROUP_IDS: blockedGroupIds\n", "  BLOCKED_GROUP_IDS: blockedGroupIds\n  STORAGE_KEY: storage.listKeys().keys[0].value\n"),
    ("no_secrets", "modules/app-settings.bicep", "  BLOCKED_GROUP_IDS: blockedGroupIds\n", "  BLOCKED_GROUP_IDS: blockedGroupIds\n  AzureWebJobsStorage: 'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=y'\n"),
    ("no_secrets", "modules/app-settings.bicep", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING: ''"),
    ("no_secrets", "modules/monitoring.bicep", "DisableLocalAuth: true", "DisableLocalAuth: false"),
    ("no_secrets", "modules/monitoring.bicep", "output appInsightsName string = appInsights.name", "output appInsightsName string = appInsights.properties.ConnectionString"),
    ("rbac", "modules/identity-rbac.bicep", "var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'", "var storageTableDataContributor = 'b24988ac-6180-42a0-ab88-20f7382dd24c'"),
    ("rbac", "modules/identity-rbac.bicep", "  scope: rateLimitTable\n", "  scope: storage\n"),
    ("rbac", "modules/identity-rbac.bicep", "  scope: ownAuditTable\n", ""),
    ("rbac", "modules/identity-rbac.bicep", "var readOnlyTableNames = (portal == 'helpdesk') ? [selfServiceAuditTableName] : []", "var readOnlyTableNames = [selfServiceAuditTableName]"),
    ("rbac", "modules/identity-rbac.bicep", "var containerScopedBlobNames = hostBlobRoleAtAccountScope ? [] : blobContainerNames", "var containerScopedBlobNames = blobContainerNames"),
    ("graph_permissions", "modules/graph-grants.bicep", "var mailSendWanted = grantMailSendInEntra && !empty(notificationSender)", "var mailSendWanted = true"),
    ("graph_permissions", "modules/graph-grants.bicep", "var mailSendWanted = grantMailSendInEntra && !empty(notificationSender)", "var mailSendWanted = !empty(notificationSender)"),
    ("graph_permissions", "modules/graph-grants.bicep", "contains(p.apps, portal) && ", "!contains(p.apps, portal) && "),
    ("graph_permissions", "modules/graph-grants.bicep", "(p.condition == 'always') || ", "(p.condition != 'never') || "),
    ("graph_permissions", "modules/graph-grants.bicep", "r => r.value == permission.name)[0].id", "r => r.value == 'Directory.Read.All')[0].id"),
    ("entra_apps", "modules/entra-app.bicep", "    'api://${app.appId}'\n  ]\n  spa", "    'api://ephemgate'\n  ]\n  spa"),
    ("entra_apps", "modules/entra-app.bicep", "requestedAccessTokenVersion: 2", "requestedAccessTokenVersion: 1"),
    ("entra_apps", "modules/entra-app.bicep", "var apiScopeName = 'Access'", "var apiScopeName = 'user_impersonation'"),
    ("entra_apps", "modules/entra-app.bicep", "appRoleAssignmentRequired: true", "appRoleAssignmentRequired: false"),
    ("entra_apps", "modules/entra-app.bicep", "    displayName: 'Helpdesk TAP viewer'\n    description: 'Read the TAP audit log.'\n    allowedMemberTypes: [\n      'User'\n", "    displayName: 'Helpdesk TAP viewer'\n    description: 'Read the TAP audit log.'\n    allowedMemberTypes: [\n      'User'\n      'Application'\n"),
    ("entra_apps", "modules/entra-app.bicep", "    'https://${siteHostName}/'", "    'http://localhost:3000/'"),
    ("monitoring_and_alert", "modules/alert.bicep", "message contains \"BLOCKED_PRIVILEGED\"", "message contains \"DENIED\""),
    ("monitoring_and_alert", "modules/alert.bicep", "threshold: 0", "threshold: 5"),
]


@pytest.mark.parametrize("check,file,old,new", MUTATIONS, ids=[f"{m[0]}:{m[2][:40].strip()}" for m in MUTATIONS])
def test_check_fails_on_broken_template(check, file, old, new):
    text = (INFRA / file).read_text()
    assert text.count(old) == 1, f"mutation anchor not found exactly once in {file}: {old!r}"
    broken = load_templates({file: text.replace(old, new)})
    assert ALL_CHECKS[check](broken) != []
