"""Invariants of infra/ read from the pycep parse trees. Each check returns a list of
violations (empty = holds), so that tests can also prove a check fails on a broken template."""

from __future__ import annotations

import json
import re

from bicep_model import (
    INFRA,
    accessor_path,
    all_resources,
    body,
    condition,
    evaluate,
    function_calls,
    graph_permissions,
    is_fn,
    is_op,
    loop,
    parameter,
    resources,
    strings,
    unquote,
    variable,
)

PORTALS = ("selfservice", "helpdesk")
SITES = "modules/function-app.bicep"
SETTINGS = "modules/app-settings.bicep"
STORAGE = "modules/storage.bicep"
RBAC = "modules/identity-rbac.bicep"
ENTRA = "modules/entra-app.bicep"
GRANTS = "modules/graph-grants.bicep"
MONITORING = "modules/monitoring.bicep"
ALERT = "modules/alert.bicep"
MAIN = "main.bicep"

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"

# What the handlers call (SPEC 7, graph-contracts.md 1-6): the least application permissions.
EXPECTED_GRAPH_PERMISSIONS = {
    "User.Read.All",
    "UserAuthenticationMethod.ReadWrite.All",
    "RoleManagement.Read.Directory",
    "GroupMember.Read.All",
    "PrivilegedEligibilitySchedule.Read.AzureADGroup",
    "Policy.Read.AuthenticationMethod",
}
CONDITIONAL_GRAPH_PERMISSIONS = {"Mail.Send"}

# SPEC section 5: settings the Bicep must always write, per portal.
REQUIRED_SETTINGS_COMMON = {
    "ENTRA_TENANT_ID",
    "ENTRA_CLIENT_ID",
    "ENTRA_API_SCOPE",
    "STORAGE_ACCOUNT_NAME",
    "TAP_LIFETIME_MINUTES",
    "TAP_IS_USABLE_ONCE",
    "TAP_DISPLAY_TIMEOUT_SECONDS",
    "NOTIFICATION_SENDER",
    "BLOCKED_GROUP_IDS",
    "AUDIT_RETENTION_DAYS",
    "AzureWebJobsStorage__accountName",
}
REQUIRED_SETTINGS_PORTAL = {
    "helpdesk": {"RATE_LIMIT_PER_AGENT_PER_HOUR"},
    "selfservice": {"SELF_SERVICE_LIMIT_PER_DAY"},
}
OPTIONAL_SETTINGS = {"ENTRA_REQUIRED_AUTH_CONTEXT", "PRIVILEGED_ROLE_IDS", "CORS_ALLOWED_ORIGINS"}

# Built-in Azure role definition ids.
ROLE_NAMES = {
    "b7e6dc6d-f1e8-4753-8033-0f276bb0955b": "Storage Blob Data Owner",
    "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3": "Storage Table Data Contributor",
    "76199698-9eea-4c19-bc75-cec21354c6b6": "Storage Table Data Reader",
    "3913510d-42f4-4e42-8a64-420c390055eb": "Monitoring Metrics Publisher",
}
# role -> resource types it may be scoped to
ALLOWED_ROLE_SCOPES = {
    "Storage Blob Data Owner": {"Microsoft.Storage/storageAccounts/blobServices/containers"},
    "Storage Table Data Contributor": {"Microsoft.Storage/storageAccounts/tableServices/tables"},
    "Storage Table Data Reader": {"Microsoft.Storage/storageAccounts/tableServices/tables"},
    "Monitoring Metrics Publisher": {"Microsoft.Insights/components"},
}

SECRET_NAME = re.compile(r"(KEY|SECRET|PASSWORD|PASSWD|TOKEN|SAS|CONNECTION|CREDENTIAL)", re.IGNORECASE)
SECRET_VALUE_MARKERS = ("AccountKey=", "SharedAccessSignature", "SharedAccessKey", "sig=", "DefaultEndpointsProtocol", "InstrumentationKey=", "ClientSecret")
SECRET_MEMBERS = {"primaryKey", "secondaryKey", "InstrumentationKey", "primaryConnectionString", "secondaryConnectionString", "ConnectionString", "keys"}
SECRET_FUNCTIONS = re.compile(r"^list", re.IGNORECASE)


# --------------------------------------------------------------------------------------
# Function Apps


def check_function_apps(trees: dict) -> list[str]:
    v = []
    tree = trees[SITES]
    sites = resources(tree, "Microsoft.Web/sites", existing=False)
    if len(sites) != 1:
        v.append(f"{SITES}: expected one Microsoft.Web/sites, found {len(sites)}")
        return v
    (name, site), = sites.items()
    b = body(site)
    if b.get("identity", {}).get("type") != "SystemAssigned":
        v.append("site identity is not SystemAssigned")
    props = b.get("properties", {})
    if props.get("httpsOnly") is not True:
        v.append("site httpsOnly is not true")
    sc = props.get("siteConfig", {})
    if sc.get("minTlsVersion") != "1.2":
        v.append("siteConfig.minTlsVersion is not 1.2")
    if sc.get("scmMinTlsVersion") != "1.2":
        v.append("siteConfig.scmMinTlsVersion is not 1.2")
    if sc.get("ftpsState") != "Disabled":
        v.append("siteConfig.ftpsState is not Disabled")
    if "appSettings" in sc or "connectionStrings" in sc:
        v.append("app settings / connection strings must only come from app-settings.bicep")
    cors = sc.get("cors", {}).get("allowedOrigins")
    if cors != []:
        v.append(f"platform CORS allowedOrigins must be empty (the handler does CORS), got {cors!r}")
    # Flex functionAppConfig: runtime from the parameters, deployment storage via identity.
    fac = props.get("functionAppConfig")
    if not (is_op(fac, "conditional") and fac["operator"]["operands"]["condition"] == "isFlex"):
        v.append("functionAppConfig is not conditional on isFlex")
    else:
        flex = variable(tree, fac["operator"]["operands"]["true_value"]) if isinstance(fac["operator"]["operands"]["true_value"], str) else fac["operator"]["operands"]["true_value"]
        runtime = flex.get("runtime", {})
        if runtime != {"name": "flexRuntimeName", "version": "flexRuntimeVersion"}:
            v.append(f"functionAppConfig.runtime does not come from the parameters: {runtime!r}")
        auth = flex.get("deployment", {}).get("storage", {}).get("authentication", {})
        if auth.get("type") != "SystemAssignedIdentity":
            v.append("Flex deployment storage does not authenticate with the system-assigned identity")
    main = trees[MAIN]
    if parameter(main, "flexRuntimeName").get("default") != "custom" or parameter(main, "flexRuntimeVersion").get("default") != "1.0":
        v.append("main.bicep default Flex runtime is not custom/1.0")
    if parameter(main, "hostingPlan").get("default") != "FlexConsumption":
        v.append("main.bicep default hosting plan is not FlexConsumption")
    allowed = [d for d in parameter(main, "hostingPlan")["decorators"] if d["type"] == "allowed"]
    if not allowed or set(allowed[0]["argument"]) != {"FlexConsumption", "AppService"}:
        v.append("hostingPlan does not offer FlexConsumption and AppService")
    # Basic-auth publishing off.
    policies = {body(r)["name"]: body(r) for r in resources(tree, "Microsoft.Web/sites/basicPublishingCredentialsPolicies").values()}
    for kind in ("ftp", "scm"):
        if policies.get(kind, {}).get("properties", {}).get("allow") is not False:
            v.append(f"basic-auth publishing ({kind}) is not disabled")
    # main deploys the module once per portal.
    v += _module_per_portal(main, "modules/function-app.bicep")
    return v


def _portals_of_main(main: dict) -> list[dict]:
    return [{unquote(k): val for k, val in item.items()} for item in variable(main, "portals")]


def _module_per_portal(main: dict, path: str) -> list[str]:
    mods = [m for m in main.get("modules", {}).values() if m["detail"]["path"] == path]
    if len(mods) != 1:
        return [f"main.bicep must call {path} exactly once (in a loop over portals), found {len(mods)}"]
    lp = loop(mods[0])
    if not lp or lp["detail"].get("array_name") != "portals":
        return [f"main.bicep must call {path} in a loop over portals"]
    if sorted(p["portal"] for p in _portals_of_main(main)) != sorted(PORTALS):
        return ["main.bicep portals are not exactly selfservice and helpdesk"]
    return []


def module_params(main: dict, path: str) -> dict:
    (mod,) = [m for m in main["modules"].values() if m["detail"]["path"] == path]
    return body(mod)["params"]


# --------------------------------------------------------------------------------------
# Storage


def check_storage(trees: dict) -> list[str]:
    v = []
    tree = trees[STORAGE]
    accounts = resources(tree, "Microsoft.Storage/storageAccounts", existing=False)
    if len(accounts) != 1:
        return [f"{STORAGE}: expected one storage account, found {len(accounts)}"]
    props = body(next(iter(accounts.values())))["properties"]
    expected = {
        "allowSharedKeyAccess": False,
        "minimumTlsVersion": "TLS1_2",
        "allowBlobPublicAccess": False,
        "supportsHttpsTrafficOnly": True,
        "defaultToOAuthAuthentication": True,
    }
    for key, want in expected.items():
        if props.get(key) != want:
            v.append(f"storage {key} is {props.get(key)!r}, expected {want!r}")
    for _, res in resources(tree, "Microsoft.Storage/storageAccounts/blobServices/containers").items():
        if body(res).get("properties", {}).get("publicAccess") != "None":
            v.append("a blob container allows public access")
    # No other storage account anywhere.
    for file, name, _ in all_resources(trees, "Microsoft.Storage/storageAccounts"):
        if file != STORAGE:
            v.append(f"{file}: unexpected storage account {name}")
    main = trees[MAIN]
    tables = module_params(main, STORAGE)["tableNames"]
    names = {evaluate(t, {k: variable(main, k) for k in ("selfServiceAuditTable", "helpdeskAuditTable", "rateLimitTable")}) for t in tables}
    if names != {"TapAuditSelfService", "TapAuditHelpdesk", "TapRateLimits"}:
        v.append(f"tables are {sorted(names)}")
    return v


# --------------------------------------------------------------------------------------
# App settings


def settings_objects(trees: dict) -> dict[str, dict]:
    """The literal objects that make up the appsettings union, keyed by variable name."""
    tree = trees[SETTINGS]
    (res,) = resources(tree, "Microsoft.Web/sites/config", existing=False).values()
    b = body(res)
    if b.get("name") != "appsettings":
        raise AssertionError("sites/config resource is not appsettings")
    props = b["properties"]
    if not is_fn(props, "union"):
        raise AssertionError("appsettings properties are not a union of setting objects")
    parts = {}
    for arg in props["function"]["parameters"].values():
        if not isinstance(arg, str):
            raise AssertionError("appsettings union arguments must be variables")
        parts[arg] = variable(tree, arg)
    return parts


def _branches(value) -> list[tuple[object, dict]]:
    """A settings variable as [(condition or None, object)] for each branch."""
    if is_op(value, "conditional"):
        ops = value["operator"]["operands"]
        return [(ops["condition"], ops["true_value"]), (("not", ops["condition"]), ops["false_value"])]
    return [(None, value)]


def effective_settings(trees: dict, portal: str, hosting_plan: str, optional_set: bool) -> dict:
    """Evaluate which setting names a portal gets (values kept as parse nodes)."""
    env = {
        "portal": portal,
        "hostingPlan": hosting_plan,
        "requiredAuthContext": "c1" if optional_set else "",
        "privilegedRoleIds": "62e90394-69f5-4237-9190-012177145e10" if optional_set else "",
        "corsAllowedOrigins": "https://portal.contoso.com" if optional_set else "",
    }
    merged = {}
    for name, value in settings_objects(trees).items():
        if is_op(value, "conditional"):
            ops = value["operator"]["operands"]
            chosen = ops["true_value"] if evaluate(ops["condition"], env) else ops["false_value"]
        else:
            chosen = value
        merged.update({unquote(k): val for k, val in chosen.items()})
    return merged


def check_app_settings(trees: dict) -> list[str]:
    v = []
    for portal in PORTALS:
        for plan in ("FlexConsumption", "AppService"):
            for optional_set in (False, True):
                s = effective_settings(trees, portal, plan, optional_set)
                missing = (REQUIRED_SETTINGS_COMMON | REQUIRED_SETTINGS_PORTAL[portal]) - set(s)
                if missing:
                    v.append(f"{portal}/{plan}: missing settings {sorted(missing)}")
                other = REQUIRED_SETTINGS_PORTAL["selfservice" if portal == "helpdesk" else "helpdesk"]
                if other & set(s):
                    v.append(f"{portal}: gets the other portal's settings {sorted(other & set(s))}")
                opt = OPTIONAL_SETTINGS & set(s)
                if optional_set and opt != OPTIONAL_SETTINGS:
                    v.append(f"{portal}: optional settings not written when set: {sorted(OPTIONAL_SETTINGS - opt)}")
                if not optional_set and opt:
                    v.append(f"{portal}: empty optional settings are written: {sorted(opt)}")
                runtime = {"FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION"} & set(s)
                if plan == "FlexConsumption" and runtime:
                    v.append(f"{portal}: Flex must not get {sorted(runtime)}")
                if plan == "AppService" and s.get("FUNCTIONS_WORKER_RUNTIME") != "custom":
                    v.append(f"{portal}: App Service plan needs FUNCTIONS_WORKER_RUNTIME=custom")
                if "AzureWebJobsStorage" in s:
                    v.append("AzureWebJobsStorage (a connection string) must not be set; use __accountName")
                if s.get("ENTRA_API_SCOPE") != "Access":
                    v.append("ENTRA_API_SCOPE is not Access")
                tenant = s.get("ENTRA_TENANT_ID")
                if accessor_path(tenant)[-1:] != ["tenantId"] or not any(t == "tenant" for t, _ in function_calls(tenant)):
                    v.append("ENTRA_TENANT_ID is not tenant().tenantId")
                if s.get("ENTRA_CLIENT_ID") != "entraClientId":
                    v.append("ENTRA_CLIENT_ID is not the entraClientId parameter")
                if s.get("AzureWebJobsStorage__accountName") != "storageAccountName" or s.get("STORAGE_ACCOUNT_NAME") != "storageAccountName":
                    v.append("storage settings are not the storage account name")
    main = trees[MAIN]
    params = module_params(main, SETTINGS)
    if accessor_path(params["entraClientId"]) != ["entraApps", "i", "outputs", "appId"]:
        v.append("main.bicep does not pass the portal's app registration appId as ENTRA_CLIENT_ID")
    if params.get("corsAllowedOrigins") != "corsAllowedOriginsSetting":
        v.append("main.bicep does not pass the guarded CORS setting")
    v += _module_per_portal(main, SETTINGS)
    return v


# --------------------------------------------------------------------------------------
# Secrets


def _secret_problems(where: str, node) -> list[str]:
    v = []
    for fn, _ in function_calls(node):
        if SECRET_FUNCTIONS.match(fn or ""):
            v.append(f"{where}: calls {fn}()")
    for s in strings(node):
        for marker in SECRET_VALUE_MARKERS:
            if marker.lower() in s.lower():
                v.append(f"{where}: contains {marker!r}")
        if s in SECRET_MEMBERS:
            v.append(f"{where}: reads {s}")
    return v


def check_no_secrets(trees: dict) -> list[str]:
    v = []
    tree = trees[SETTINGS]
    for var_name, value in settings_objects(trees).items():
        for _, obj in _branches(value):
            for key, val in obj.items():
                key = unquote(key)
                if key == "APPLICATIONINSIGHTS_CONNECTION_STRING":
                    v += _app_insights_connection_string_ok(trees, val)
                    continue
                if SECRET_NAME.search(key):
                    v.append(f"app setting {key} looks like a secret")
                v += _secret_problems(f"app setting {key}", val)
    # Outputs of every file: no secure outputs, nothing secret-looking.
    for file, t in trees.items():
        for name, out in t.get("outputs", {}).items():
            if any(d["type"] == "secure" for d in out.get("decorators", [])):
                v.append(f"{file}: output {name} is @secure")
            if SECRET_NAME.search(name):
                v.append(f"{file}: output {name} looks like a secret")
            v += _secret_problems(f"{file}: output {name}", out["value"])
        # No secret inputs either.
        for name, p in t.get("parameters", {}).items():
            if any(d["type"] == "secure" for d in p.get("decorators", [])) or re.search(r"(secret|password|accountkey|apikey|instrumentationkey|connectionstring|sastoken)", name, re.I):
                v.append(f"{file}: parameter {name} looks like a secret")
        # Nothing anywhere lists keys.
        for fn, _ in function_calls(t):
            if SECRET_FUNCTIONS.match(fn or ""):
                v.append(f"{file}: calls {fn}()")
    # Site config carries no connection strings.
    for file, name, res in all_resources(trees, "Microsoft.Web/sites/config"):
        if body(res).get("name") not in ("appsettings",):
            v.append(f"{file}: sites/config {body(res).get('name')} (only appsettings is allowed)")
    return v


def _app_insights_connection_string_ok(trees: dict, value) -> list[str]:
    """The one allowed 'connection string': App Insights with local auth off + Entra auth."""
    v = []
    if accessor_path(value) != ["appInsights", "properties", "ConnectionString"]:
        v.append("APPLICATIONINSIGHTS_CONNECTION_STRING is not the component's ConnectionString")
    common = effective_settings(trees, "selfservice", "FlexConsumption", False)
    if common.get("APPLICATIONINSIGHTS_AUTHENTICATION_STRING") != "Authorization=AAD":
        v.append("APPLICATIONINSIGHTS_AUTHENTICATION_STRING is not Authorization=AAD")
    comps = resources(trees[MONITORING], "Microsoft.Insights/components", existing=False)
    if not comps or any(body(c)["properties"].get("DisableLocalAuth") is not True for c in comps.values()):
        v.append("Application Insights local auth is not disabled, so its connection string is a credential")
    roles = [r for r in _role_assignments(trees) if r["role"] == "Monitoring Metrics Publisher"]
    if not roles:
        v.append("no Monitoring Metrics Publisher role for the Entra-authenticated telemetry")
    return v


# --------------------------------------------------------------------------------------
# RBAC


def _role_assignments(trees: dict) -> list[dict]:
    out = []
    for file, name, res in all_resources(trees, "Microsoft.Authorization/roleAssignments"):
        tree = trees[file]
        b = body(res)
        rd = b["properties"]["roleDefinitionId"]
        role_var = rd["function"]["parameters"]["resource_name_1"] if is_fn(rd, "subscription_resource_id") else None
        role_id = variable(tree, role_var) if role_var in tree.get("variables", {}) else role_var
        scope = b.get("scope")
        scope_symbol = accessor_path(scope)[0] if scope is not None else None
        scope_res = tree.get("resources", {}).get(scope_symbol) if isinstance(scope_symbol, str) else None
        out.append({
            "file": file,
            "name": name,
            "role_id": role_id,
            "role": ROLE_NAMES.get(role_id, f"unknown role {role_id}"),
            "scope_symbol": scope_symbol,
            "scope_type": scope_res["type"] if scope_res else None,
            "scope_entry": scope_res,
            "condition": condition(res),
            "body": b,
        })
    return out


def check_rbac(trees: dict) -> list[str]:
    v = []
    assignments = _role_assignments(trees)
    if not assignments:
        return ["no role assignments found"]
    for a in assignments:
        where = f"{a['file']}:{a['name']}"
        if a["file"] != RBAC:
            v.append(f"{where}: role assignments belong in {RBAC}")
        if a["role"].startswith("unknown"):
            v.append(f"{where}: {a['role']} is not one of the least roles")
            continue
        if a["body"]["properties"].get("principalType") != "ServicePrincipal":
            v.append(f"{where}: principalType is not ServicePrincipal")
        if a["body"]["properties"].get("principalId") != "principalId":
            v.append(f"{where}: not assigned to the Function App identity")
        if a["scope_type"] is None:
            v.append(f"{where}: no explicit resource scope (would be the whole resource group)")
            continue
        allowed = ALLOWED_ROLE_SCOPES[a["role"]]
        fallback = a["role"] == "Storage Blob Data Owner" and a["scope_type"] == "Microsoft.Storage/storageAccounts" and a["condition"] == "hostBlobRoleAtAccountScope"
        if a["scope_type"] not in allowed and not fallback:
            v.append(f"{where}: {a['role']} scoped to {a['scope_type']}")
    tree = trees[RBAC]
    # The container-scoped Blob Data Owner covers exactly: own deployment container + host containers.
    blob = [a for a in assignments if a["role"] == "Storage Blob Data Owner" and a["scope_type"] == "Microsoft.Storage/storageAccounts/blobServices/containers"]
    if len(blob) != 1 or loop(blob[0]["scope_entry"]) is None:
        v.append("expected one loop of container-scoped Storage Blob Data Owner assignments")
    else:
        env = {"hostBlobRoleAtAccountScope": False}
        names_var = loop(blob[0]["scope_entry"])["detail"]["array_name"]
        expr = variable(tree, names_var)
        if not (is_op(expr, "conditional") and expr["operator"]["operands"]["condition"] == "hostBlobRoleAtAccountScope"):
            v.append("container-scoped Blob Data Owner is not switched off by the account-scope fallback")
        chosen = evaluate(expr, env)
        if chosen != "blobContainerNames":
            v.append("container list is not blobContainerNames")
        concat = variable(tree, "blobContainerNames")
        args = list(concat["function"]["parameters"].values()) if is_fn(concat, "concat") else []
        if args != [["deploymentContainerName"], "hostContainerNames"]:
            v.append(f"blob containers are not [deployment container] + host containers: {args!r}")
        main = trees[MAIN]
        hosts = variable(main, "hostContainerNames")
        if sorted(hosts) != ["azure-webjobs-hosts", "azure-webjobs-secrets"]:
            v.append(f"host containers are {hosts!r}")
    tables = {}
    for a in assignments:
        if a["scope_type"] == "Microsoft.Storage/storageAccounts/tableServices/tables":
            tables.setdefault(a["role"], []).append(body(a["scope_entry"])["name"])
    if sorted(tables.get("Storage Table Data Contributor", [])) != ["ownAuditTableName", "rateLimitTableName"]:
        v.append(f"Table Data Contributor scopes: {tables.get('Storage Table Data Contributor')}")
    readers = tables.get("Storage Table Data Reader", [])
    if readers != ["tableName"]:
        v.append(f"Table Data Reader scopes: {readers}")
    else:
        ro = variable(tree, "readOnlyTableNames")
        for portal, want in (("helpdesk", ["selfServiceAuditTableName"]), ("selfservice", [])):
            if evaluate(ro, {"portal": portal}) != want:
                v.append(f"{portal}: read-only tables {evaluate(ro, {'portal': portal})!r}, expected {want!r}")
    if not any(a["role"] == "Monitoring Metrics Publisher" and a["scope_type"] == "Microsoft.Insights/components" for a in assignments):
        v.append("no Monitoring Metrics Publisher on the Application Insights component")
    main = trees[MAIN]
    params = module_params(main, RBAC)
    if accessor_path(params["principalId"]) != ["functionApps", "i", "outputs", "principalId"]:
        v.append("RBAC is not granted to the Function App identity")
    if params.get("ownAuditTableName") != {"operator": {"type": "property_accessor", "operands": {"operand_1": "cfg", "operand_2": "auditTable"}}}:
        v.append("RBAC own audit table is not the portal's audit table")
    v += _module_per_portal(main, RBAC)
    return v


# --------------------------------------------------------------------------------------
# Graph permissions


def granted_graph_permissions(trees: dict, portal: str, notification_sender: str, grant_mail_send: bool) -> list[str]:
    """Evaluate graph-grants.bicep's filter over graph-permissions.json."""
    tree = trees[GRANTS]
    catalog = graph_permissions()
    # Two environments: pycep cannot tell the name notificationSender from the string
    # 'notificationSender' (a condition value), so the filter is evaluated without that name.
    wanted = evaluate(variable(tree, "mailSendWanted"), {"notificationSender": notification_sender, "grantMailSendInEntra": grant_mail_send})
    env = {"catalog": catalog, "portal": portal, "mailSendWanted": wanted}
    return [p["name"] for p in evaluate(variable(tree, "grantedPermissions"), env)]


def check_graph_permissions(trees: dict) -> list[str]:
    v = []
    catalog = graph_permissions()
    names = [p["name"] for p in catalog["permissions"]]
    if len(names) != len(set(names)):
        v.append("graph-permissions.json lists a permission twice")
    if set(names) != EXPECTED_GRAPH_PERMISSIONS | CONDITIONAL_GRAPH_PERMISSIONS:
        v.append(f"graph-permissions.json lists {sorted(names)}")
    if catalog.get("resourceAppId") != GRAPH_APP_ID:
        v.append("graph-permissions.json resourceAppId is not Microsoft Graph")
    for p in catalog["permissions"]:
        if not p.get("calls") or not all(isinstance(c, str) and c.split(" ")[0] in {"GET", "POST", "PATCH", "PUT", "DELETE"} for c in p["calls"]):
            v.append(f"{p['name']}: no documented Graph call")
        if not set(p.get("apps", [])) or not set(p["apps"]) <= set(PORTALS):
            v.append(f"{p['name']}: apps {p.get('apps')!r}")
        want = "notificationSender" if p["name"] in CONDITIONAL_GRAPH_PERMISSIONS else "always"
        if p.get("condition") != want:
            v.append(f"{p['name']}: condition {p.get('condition')!r}, expected {want!r}")
    tree = trees[GRANTS]
    load = variable(tree, "catalog")
    if not is_fn(load, "load_json_content") or load["function"]["parameters"]["file_path"] != "../graph-permissions.json":
        v.append("graph-grants.bicep does not load graph-permissions.json")
    # Evaluate the Bicep filter for every combination.
    for portal in PORTALS:
        for sender, grant, mail in (("", True, False), ("noreply@contoso.com", True, True), ("noreply@contoso.com", False, False), ("", False, False)):
            got = set(granted_graph_permissions(trees, portal, sender, grant))
            want = EXPECTED_GRAPH_PERMISSIONS | (CONDITIONAL_GRAPH_PERMISSIONS if mail else set())
            if got != want:
                v.append(f"{portal} sender={sender!r} grantMailSend={grant}: grants {sorted(got)}, expected {sorted(want)}")
    # The grant resource: a loop over the filtered list, app role looked up by name on Graph's SP.
    grants = resources(tree, "Microsoft.Graph/appRoleAssignedTo", existing=False)
    sps = resources(tree, "Microsoft.Graph/servicePrincipals", existing=True)
    if len(grants) != 1 or len(sps) != 1:
        v.append("graph-grants.bicep must have one appRoleAssignedTo loop and one existing Graph service principal")
        return v
    (sp_name, sp), = sps.items()
    if body(sp).get("appId") != GRAPH_APP_ID:
        v.append("the existing service principal is not Microsoft Graph")
    g = next(iter(grants.values()))
    lp = loop(g)
    if not lp or lp["detail"].get("array_name") != "grantedPermissions":
        v.append("appRoleAssignedTo does not loop over grantedPermissions")
    gb = body(g)
    if gb.get("principalId") != "principalId":
        v.append("appRoleAssignedTo principal is not the managed identity")
    if accessor_path(gb.get("resourceId")) != [sp_name, "id"]:
        v.append("appRoleAssignedTo resource is not Microsoft Graph")
    role_id = accessor_path(gb.get("appRoleId"))
    flt = role_id[0] if role_id else None
    if not (is_fn(flt, "filter") and accessor_path(flt["function"]["parameters"]["input_array"]) == [sp_name, "appRoles"] and role_id[1:] == [0, "id"]):
        v.append("appRoleId is not looked up by name in Graph's appRoles")
    elif lp:
        lam = flt["function"]["parameters"]["expression"]["detail"]
        item = lp["detail"]["item_name"]
        matches = lambda role_value, permission_name: evaluate(lam["expression"], {lam["var_1"]: {"value": role_value}, item: {"name": permission_name}})
        if not (matches("User.Read.All", "User.Read.All") and not matches("Directory.Read.All", "User.Read.All")):
            v.append("appRoleId lookup does not compare the app role value with the permission name")
    # No other Graph app-role grant anywhere (entra-app.bicep only assigns groups to its own roles).
    for file, name, res in all_resources(trees, "Microsoft.Graph/appRoleAssignedTo"):
        if file == GRANTS:
            continue
        target = accessor_path(body(res).get("resourceId"))
        if target[:1] != ["servicePrincipal"]:
            v.append(f"{file}:{name} assigns roles on {target!r}")
    main = trees[MAIN]
    params = module_params(main, GRANTS)
    if accessor_path(params["principalId"]) != ["functionApps", "i", "outputs", "principalId"]:
        v.append("Graph permissions are not granted to the Function App identity")
    v += _module_per_portal(main, GRANTS)
    return v


# --------------------------------------------------------------------------------------
# Entra app registrations


def check_entra_apps(trees: dict) -> list[str]:
    v = []
    tree = trees[ENTRA]
    if "microsoftGraphV1" not in tree.get("extensions", {}):
        v.append("entra-app.bicep does not declare the microsoftGraphV1 extension")
    apps = resources(tree, "Microsoft.Graph/applications", existing=False)
    if len(apps) != 2:
        return v + [f"expected two passes of Microsoft.Graph/applications, found {len(apps)}"]
    bodies = {n: body(r) for n, r in apps.items()}
    if {b.get("uniqueName") for b in bodies.values()} != {"uniqueName"}:
        v.append("the two application passes do not share the uniqueName parameter")
    with_uri = [n for n, b in bodies.items() if "identifierUris" in b]
    if len(with_uri) != 1:
        return v + ["exactly one application pass must set identifierUris"]
    first = next(n for n in bodies if n not in with_uri)
    b = bodies[with_uri[0]]
    if b["identifierUris"] != [f"api://${{{first}.appId}}"]:
        v.append(f"identifierUris is {b['identifierUris']!r}, expected api://{{appId}}")
    for n, ab in bodies.items():
        if ab.get("signInAudience") != "AzureADMyOrg":
            v.append(f"{n}: signInAudience is not AzureADMyOrg")
        api = variable(tree, ab["api"]) if isinstance(ab.get("api"), str) else ab.get("api", {})
        if api.get("requestedAccessTokenVersion") != 2:
            v.append(f"{n}: requestedAccessTokenVersion is not 2")
        scopes = api.get("oauth2PermissionScopes", [])
        values = [evaluate(s.get("value"), {"apiScopeName": variable(tree, "apiScopeName")}) for s in scopes]
        if values != ["Access"]:
            v.append(f"{n}: delegated scopes {values!r}, expected ['Access']")
        spa = variable(tree, ab["spa"]) if isinstance(ab.get("spa"), str) else ab.get("spa", {})
        if spa.get("redirectUris") != ["https://${siteHostName}/"]:
            v.append(f"{n}: SPA redirect URIs {spa.get('redirectUris')!r}")
        if "web" in ab or "passwordCredentials" in ab or "keyCredentials" in ab:
            v.append(f"{n}: must be a SPA only, without credentials")
        if ab.get("appRoles") != "appRoles":
            v.append(f"{n}: appRoles is not the appRoles variable")
    roles_expr = variable(tree, "appRoles")
    for portal, want in (("helpdesk", {"Helpdesk.TapAdmin", "Helpdesk.TapViewer"}), ("selfservice", set())):
        chosen = evaluate(roles_expr, {"isHelpdesk": portal == "helpdesk"})
        roles = variable(tree, chosen) if isinstance(chosen, str) else chosen
        if {r["value"] for r in roles} != want:
            v.append(f"{portal}: app roles {sorted(r['value'] for r in roles)}")
        for r in roles:
            if r.get("allowedMemberTypes") != ["User"]:
                v.append(f"{r['value']}: allowedMemberTypes {r.get('allowedMemberTypes')!r}, expected ['User']")
            if r.get("isEnabled") is not True:
                v.append(f"{r['value']}: not enabled")
    if variable(tree, "isHelpdesk") != {"operator": {"type": "equals", "operands": {"operand_1": "portal", "operand_2": "helpdesk"}}}:
        v.append("isHelpdesk is not portal == 'helpdesk'")
    sps = resources(tree, "Microsoft.Graph/servicePrincipals", existing=False)
    if len(sps) != 1 or body(next(iter(sps.values()))).get("appRoleAssignmentRequired") is not True:
        v.append("the portal service principal does not require assignment")
    for name, res in resources(tree, "Microsoft.Graph/oauth2PermissionGrants").items():
        scope = body(res).get("scope")
        if scope not in ("apiScopeName",) and not is_fn(scope, "join"):
            v.append(f"{name}: unexpected delegated grant {scope!r}")
    if variable(tree, "signInScopeNames") != ["openid", "profile", "offline_access"]:
        v.append("sign-in scopes are not exactly openid, profile, offline_access")
    delegated = graph_permissions()["delegatedSignInScopes"]["scopes"]
    if delegated != variable(tree, "signInScopeNames"):
        v.append("graph-permissions.json delegatedSignInScopes differ from entra-app.bicep")
    main = trees[MAIN]
    params = module_params(main, ENTRA)
    if accessor_path(params["siteHostName"]) != ["functionApps", "i", "outputs", "defaultHostName"]:
        v.append("the SPA redirect URI is not the Function App's host name")
    v += _module_per_portal(main, ENTRA)
    return v


# --------------------------------------------------------------------------------------
# CORS


def check_cors(trees: dict) -> list[str]:
    v = []
    main = trees[MAIN]
    guard = variable(main, "corsAllowedOriginsSetting")
    calls = [t for t, _ in function_calls(guard)]
    if "fail" not in calls:
        v.append("main.bicep has no fail() guard on corsAllowedOrigins")
    invalid = variable(main, "invalidCorsOrigins")
    for origins, ok in ((["*"], False), (["https://*.contoso.com"], False), (["http://portal.contoso.com"], False), ([], True), (["https://portal.contoso.com", "https://other.contoso.com"], True)):
        env = {"corsAllowedOrigins": origins}
        env["invalidCorsOrigins"] = evaluate(invalid, env)
        try:
            evaluate(guard, env)
            accepted = True
        except Exception:
            accepted = False
        if accepted != ok:
            v.append(f"CORS guard {'accepts' if accepted else 'rejects'} {origins!r}")
    if parameter(main, "corsAllowedOrigins").get("default") != []:
        v.append("corsAllowedOrigins default is not empty")
    params_file = json.loads((INFRA / "main.parameters.json").read_text())
    for origin in params_file["parameters"].get("corsAllowedOrigins", {}).get("value", []):
        if "*" in origin:
            v.append("main.parameters.json allows '*'")
    # No file sets platform CORS to anything but an empty list.
    for file, name, res in all_resources(trees, "Microsoft.Web/sites"):
        origins = body(res).get("properties", {}).get("siteConfig", {}).get("cors", {}).get("allowedOrigins", [])
        if origins != []:
            v.append(f"{file}:{name} platform CORS {origins!r}")
    return v


# --------------------------------------------------------------------------------------
# Monitoring and alert


def check_monitoring_and_alert(trees: dict) -> list[str]:
    v = []
    mon = trees[MONITORING]
    ws = resources(mon, "Microsoft.OperationalInsights/workspaces", existing=False)
    ai = resources(mon, "Microsoft.Insights/components", existing=False)
    if len(ws) != 1 or len(ai) != 1:
        return ["monitoring.bicep needs one workspace and one Application Insights component"]
    aip = body(next(iter(ai.values())))["properties"]
    if aip.get("DisableLocalAuth") is not True:
        v.append("Application Insights local auth is enabled")
    if accessor_path(aip.get("WorkspaceResourceId")) != [next(iter(ws)), "id"]:
        v.append("Application Insights is not workspace-based")
    al = trees[ALERT]
    rules = resources(al, "Microsoft.Insights/scheduledQueryRules", existing=False)
    if len(rules) != 1:
        return v + ["alert.bicep needs one scheduled query rule"]
    p = body(next(iter(rules.values())))["properties"]
    crit = p["criteria"]["allOf"]
    if len(crit) != 1:
        return v + ["the alert needs one criterion"]
    c = crit[0]
    query = variable(al, c["query"]) if c["query"] in al.get("variables", {}) else c["query"]
    if "BLOCKED_PRIVILEGED" not in query or "${auditActionKey}" not in query or not query.startswith("traces"):
        v.append(f"the alert query does not match the BLOCKED_PRIVILEGED log line: {query!r}")
    if c.get("operator") != "GreaterThan" or c.get("threshold") != 0 or c.get("timeAggregation") != "Count":
        v.append("the alert does not fire on the first event")
    if p.get("enabled") is not True:
        v.append("the alert is disabled")
    if p.get("scopes") != ["appInsightsId"]:
        v.append("the alert is not scoped to Application Insights")
    if parameter(trees[MAIN], "auditLogActionKey").get("default") != "audit.action":
        v.append("the default audit action key is not audit.action")
    return v


ALL_CHECKS = {
    "function_apps": check_function_apps,
    "storage": check_storage,
    "app_settings": check_app_settings,
    "no_secrets": check_no_secrets,
    "rbac": check_rbac,
    "graph_permissions": check_graph_permissions,
    "entra_apps": check_entra_apps,
    "cors": check_cors,
    "monitoring_and_alert": check_monitoring_and_alert,
}
