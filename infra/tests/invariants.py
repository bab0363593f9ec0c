"""Invariants of infra/ read from the pycep parse trees. Each check returns a list of
violations (empty = holds), so that tests can also prove a check fails on a broken template."""

from __future__ import annotations

import json
import re

from bicep_model import (
    INFRA,
    accessor_path,
    all_resources,
    bicep_string,
    bicep_trees,
    body,
    condition,
    evaluate,
    function_calls,
    is_fn,
    is_op,
    loop,
    parameter,
    partial_evaluate,
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
GRAPH_JSON = "graph-permissions.json"
TABLES_JSON = "tables.json"
HOST_JSON = "../host.json"

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"

# What the handlers call (SPEC 7, graph-contracts.md 1-6, docs/graph-calls.md): the least
# application permissions, granted to both identities unconditionally.
EXPECTED_GRAPH_PERMISSIONS = {
    "User.Read.All",
    "GroupMember.Read.All",
    "RoleManagement.Read.Directory",
    "PrivilegedEligibilitySchedule.Read.AzureADGroup",
    "AdministrativeUnit.Read.All",
    "Policy.Read.AuthenticationMethod",
    "UserAuthMethod-TAP.ReadWrite.All",
    "UserAuthenticationMethod.Read.All",
}
# permission -> (condition in graph-permissions.json, apps that may get it)
CONDITIONAL_GRAPH_PERMISSIONS = {
    "Mail.Send": ("notificationSender", set(PORTALS)),
    "AuditLog.Read.All": ("outOfBandDetection", {"helpdesk"}),
    # Listing directory audits needs both (docs/graph-calls.md #22).
    "Directory.Read.All": ("outOfBandDetection", {"helpdesk"}),
}
# Never granted to either identity, under any parameters.
FORBIDDEN_GRAPH_PERMISSIONS = {
    "UserAuthenticationMethod.ReadWrite.All",
    "Directory.ReadWrite.All",
    "RoleManagement.ReadWrite.Directory",
    "AppRoleAssignment.ReadWrite.All",
}

# Tables in the shared data account and what each identity may do there (infra/tables.json).
EXPECTED_TABLE_ACCESS = {
    "selfservice": {"write": {"TapAuditSelfService", "TapRateLimits", "TapLedger", "TapHandovers"}, "read": set()},
    "helpdesk": {"write": {"TapAuditHelpdesk", "TapRateLimits", "TapLedger", "TapHandovers"}, "read": {"TapAuditSelfService"}},
}
HOST_CONTAINERS = ["azure-webjobs-hosts", "azure-webjobs-secrets"]

# The default DisallowedHosts of Bicep's no-hardcoded-env-urls linter rule (Azure/bicep
# src/Bicep.Core/Configuration/bicepconfig.json, as quoted in the Bicep linter docs).
LINTER_DISALLOWED_HOSTS = (
    "gallery.azure.com",
    "management.core.windows.net",
    "management.azure.com",
    "database.windows.net",
    "core.windows.net",
    "login.microsoftonline.com",
    "graph.windows.net",
    "trafficmanager.net",
    "datalake.azure.net",
    "azuredatalakestore.net",
    "azuredatalakeanalytics.net",
    "vault.azure.net",
    "api.loganalytics.io",
    "asazure.windows.net",
    "region.asazure.windows.net",
    "batch.core.windows.net",
)

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
    "helpdesk": {"RATE_LIMIT_PER_AGENT_PER_HOUR", "OUT_OF_BAND_DETECTION"},
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
# role -> resource types it may be scoped to (Blob Data Owner only on the app's own host account:
# check_host_storage_isolation)
ALLOWED_ROLE_SCOPES = {
    "Storage Blob Data Owner": {"Microsoft.Storage/storageAccounts", "Microsoft.Storage/storageAccounts/blobServices/containers"},
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
    sc = site_config(trees, "FlexConsumption")
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
    # An App Service plan keeps Always On and the custom handler's empty Linux stack string.
    dedicated = site_config(trees, "AppService")
    if dedicated.get("alwaysOn") is not True or dedicated.get("linuxFxVersion") != "":
        v.append("App Service plan: siteConfig needs alwaysOn true and linuxFxVersion ''")
    for key in ("minTlsVersion", "scmMinTlsVersion", "ftpsState", "cors"):
        if dedicated.get(key) != sc.get(key):
            v.append(f"App Service plan: siteConfig.{key} differs from Flex")
    # main deploys the module once per portal.
    v += _module_per_portal(main, "modules/function-app.bicep")
    return v


def _site_env(trees: dict, hosting_plan: str) -> dict:
    """The function-app module's variables evaluated for one hosting plan (parameters stay names)."""
    tree = trees[SITES]
    env = {"hostingPlan": hosting_plan}
    env["isFlex"] = evaluate(variable(tree, "isFlex"), env)
    for name in tree.get("variables", {}):
        if name != "isFlex":
            env[name] = evaluate(variable(tree, name), env)
    return env


def site_config(trees: dict, hosting_plan: str) -> dict:
    """The siteConfig the site sends on one hosting plan."""
    tree = trees[SITES]
    (site,) = resources(tree, "Microsoft.Web/sites", existing=False).values()
    value = evaluate(body(site)["properties"].get("siteConfig", {}), _site_env(trees, hosting_plan))
    return value if isinstance(value, dict) else {}


def _nulls(node, path: str = "") -> list[str]:
    if node is None:
        return [path or "(value)"]
    if isinstance(node, dict):
        return [n for k, val in node.items() for n in _nulls(val, f"{path}.{unquote(k)}" if path else unquote(k))]
    if isinstance(node, list):
        return [n for i, val in enumerate(node) for n in _nulls(val, f"{path}[{i}]")]
    return []


def check_flex_sends_no_nulls(trees: dict) -> list[str]:
    """On Flex Consumption the site body carries no explicit null (alwaysOn, linuxFxVersion, ...):
    a property that does not apply is left out."""
    v = []
    tree = trees[SITES]
    sites = resources(tree, "Microsoft.Web/sites", existing=False)
    if len(sites) != 1:
        return [f"{SITES}: expected one Microsoft.Web/sites"]
    (site,) = sites.values()
    flex_body = partial_evaluate(body(site), {"isFlex": True, "hostingPlan": "FlexConsumption"}, tree.get("variables", {}))
    for path in _nulls(flex_body):
        v.append(f"Flex site sends an explicit null at {path}")
    sc = site_config(trees, "FlexConsumption")
    for key in ("alwaysOn", "linuxFxVersion"):
        if key in sc:
            v.append(f"Flex siteConfig sends {key} (Flex has no such setting; leave it out)")
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


def modules_calling(main: dict, path: str) -> dict[str, dict]:
    return {n: m for n, m in main.get("modules", {}).items() if m["detail"]["path"] == path}


def _main_env(trees: dict) -> dict:
    """main.bicep names a check needs resolved: the JSON catalogs it loads and plain variables."""
    main = trees[MAIN]
    env = {"tableCatalog": trees[TABLES_JSON], "hostContainerNames": variable(main, "hostContainerNames"), "portals": _portals_of_main(main)}
    return env


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
    # Every storage account comes from this one hardened module.
    for file, name, _ in all_resources(trees, "Microsoft.Storage/storageAccounts"):
        if file != STORAGE:
            v.append(f"{file}: unexpected storage account {name}")
    # The data account: the tables of tables.json (the five EphemGate tables), no container.
    catalog = trees[TABLES_JSON]
    names = [t["name"] for t in catalog.get("tables", [])]
    want = set().union(*(a["write"] | a["read"] for a in EXPECTED_TABLE_ACCESS.values()))
    if set(names) != want or len(names) != len(set(names)):
        v.append(f"tables.json lists {sorted(names)}, expected {sorted(want)}")
    main = trees[MAIN]
    calls = modules_calling(main, STORAGE)
    data = [m for m in calls.values() if loop(m) is None]
    hosts = [m for m in calls.values() if loop(m) is not None]
    if len(data) != 1 or len(hosts) != 1:
        return v + [f"main.bicep must call {STORAGE} once for the data account and once per portal for host storage"]
    env = _main_env(trees)
    dp = body(data[0])["params"]
    try:
        data_tables = evaluate(dp["tableNames"], env)
    except Exception as error:
        data_tables = [f"(cannot evaluate: {error})"]
    if sorted(data_tables) != sorted(names):
        v.append(f"the data account gets tables {data_tables!r}, expected tables.json {sorted(names)}")
    if dp.get("containerNames") != []:
        v.append("the data account must hold no blob container (host storage is per app)")
    hp = body(hosts[0])["params"]
    if hp.get("tableNames") != []:
        v.append("a host storage account must hold no table")
    for portal in _portals_of_main(main):
        containers = evaluate(hp["containerNames"], {**env, "cfg": portal})
        if containers != [portal["deploymentContainer"], *HOST_CONTAINERS]:
            v.append(f"{portal['portal']}: host containers {containers!r}")
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
                if s.get("AzureWebJobsStorage__accountName") != "hostStorageAccountName":
                    v.append("AzureWebJobsStorage__accountName is not the app's own host storage account")
                if s.get("STORAGE_ACCOUNT_NAME") != "dataStorageAccountName":
                    v.append("STORAGE_ACCOUNT_NAME is not the shared data account")
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
    for file, t in bicep_trees(trees).items():
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


def _scope_chain(tree: dict, symbol: str) -> list[dict]:
    """The existing-resource chain of a scope symbol: [the resource, its parent, ...]."""
    chain = []
    seen = set()
    while isinstance(symbol, str) and symbol in tree.get("resources", {}) and symbol not in seen:
        seen.add(symbol)
        res = tree["resources"][symbol]
        chain.append(res)
        symbol = body(res).get("parent")
    return chain


def _scope_account(tree: dict, symbol: str):
    """The `name` expression of the storage account a scope symbol lives in, or None."""
    for res in _scope_chain(tree, symbol):
        if res["type"] == "Microsoft.Storage/storageAccounts":
            return body(res).get("name")
    return None


def table_access(trees: dict, portal: str) -> dict[str, set]:
    """The tables one identity gets Table Data Contributor / Reader on (identity-rbac.bicep's
    filters evaluated over tables.json)."""
    tree = trees[RBAC]
    env = {"tables": trees[TABLES_JSON]["tables"], "portal": portal}
    return {
        "write": set(evaluate(variable(tree, "writableTableNames"), env)),
        "read": set(evaluate(variable(tree, "readOnlyTableNames"), env)),
    }


def check_rbac(trees: dict) -> list[str]:
    v = []
    assignments = _role_assignments(trees)
    if not assignments:
        return ["no role assignments found"]
    tree = trees[RBAC]
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
        if a["scope_type"] not in ALLOWED_ROLE_SCOPES[a["role"]]:
            v.append(f"{where}: {a['role']} scoped to {a['scope_type']}")
        if a["role"].startswith("Storage Table") and a["file"] == RBAC and _scope_account(tree, a["scope_symbol"]) != "dataStorageAccountName":
            v.append(f"{where}: a table role outside the shared data account")
    # Table roles, evaluated for each portal over tables.json, are exactly the expected ones.
    for portal in PORTALS:
        try:
            got = table_access(trees, portal)
        except Exception as error:
            v.append(f"{portal}: table roles cannot be evaluated: {error}")
            continue
        if got != EXPECTED_TABLE_ACCESS[portal]:
            v.append(f"{portal}: table roles {{write: {sorted(got['write'])}, read: {sorted(got['read'])}}}, expected {EXPECTED_TABLE_ACCESS[portal]}")
    # Each table role loops over its list and is scoped to that list's table resources.
    for role, names_var in (("Storage Table Data Contributor", "writableTableNames"), ("Storage Table Data Reader", "readOnlyTableNames")):
        found = [a for a in assignments if a["role"] == role]
        entry = found[0]["scope_entry"] if len(found) == 1 else None
        if entry is None or loop(entry) is None or loop(entry)["detail"]["array_name"] != names_var:
            v.append(f"{role} must be one loop over the tables in {names_var}")
    if not any(a["role"] == "Monitoring Metrics Publisher" and a["scope_type"] == "Microsoft.Insights/components" for a in assignments):
        v.append("no Monitoring Metrics Publisher on the Application Insights component")
    main = trees[MAIN]
    params = module_params(main, RBAC)
    if accessor_path(params["principalId"]) != ["functionApps", "i", "outputs", "principalId"]:
        v.append("RBAC is not granted to the Function App identity")
    catalog = variable(main, "tableCatalog")
    if accessor_path(params.get("tables")) != ["tableCatalog", "tables"] or not is_fn(catalog, "load_json_content") or catalog["function"]["parameters"].get("file_path") != "tables.json":
        v.append("RBAC tables are not infra/tables.json")
    v += _module_per_portal(main, RBAC)
    return v


def check_host_blob_role_at_account_scope(trees: dict) -> list[str]:
    """Point 1: by default Storage Blob Data Owner is granted on the app's own host storage account
    (Microsoft's identity-based host storage guidance and its Flex sample); container scope is the
    opt-in narrowing, never both."""
    v = []
    main = trees[MAIN]
    if parameter(main, "hostBlobRoleAtAccountScope").get("default") is not True:
        v.append("hostBlobRoleAtAccountScope does not default to true (account scope)")
    params_file = json.loads((INFRA / "main.parameters.json").read_text())
    if params_file["parameters"].get("hostBlobRoleAtAccountScope", {}).get("value", True) is not True:
        v.append("main.parameters.json turns the account-scope host grant off")
    if module_params(main, RBAC).get("hostBlobRoleAtAccountScope") != "hostBlobRoleAtAccountScope":
        v.append("main.bicep does not pass hostBlobRoleAtAccountScope to the RBAC module")
    tree = trees[RBAC]
    blob = [a for a in _role_assignments(trees) if a["role"] == "Storage Blob Data Owner"]
    account = [a for a in blob if a["scope_type"] == "Microsoft.Storage/storageAccounts"]
    containers = [a for a in blob if a["scope_type"] == "Microsoft.Storage/storageAccounts/blobServices/containers"]
    if len(account) != 1:
        return v + [f"expected one account-scope Storage Blob Data Owner assignment, found {len(account)}"]
    cond = account[0]["condition"]
    for default in (True, False):
        granted = evaluate(cond, {"hostBlobRoleAtAccountScope": default}) if cond is not None else True
        if granted != default:
            v.append(f"the account-scope grant is {'made' if granted else 'missing'} with hostBlobRoleAtAccountScope={default}")
    if len(containers) != 1 or loop(containers[0]["scope_entry"]) is None:
        return v + ["expected one loop of container-scoped Storage Blob Data Owner assignments"]
    names_var = loop(containers[0]["scope_entry"])["detail"]["array_name"]
    for default, want in ((True, []), (False, ["deploymentContainerName", "hostContainerNames"])):
        env = {"hostBlobRoleAtAccountScope": default}
        chosen = evaluate(variable(tree, names_var), env)
        names = variable(tree, chosen) if isinstance(chosen, str) and chosen in tree.get("variables", {}) else chosen
        flat = [] if names == [] else ([x for arg in names["function"]["parameters"].values() for x in (arg if isinstance(arg, list) else [arg])] if is_fn(names, "concat") else names)
        if flat != want:
            v.append(f"hostBlobRoleAtAccountScope={default}: container grants on {flat!r}, expected {want!r}")
    return v


def check_host_storage_isolation(trees: dict) -> list[str]:
    """Point 2: each app has its own host storage account, and nothing in either identity's reach
    (no role, no setting, no deployment container) is on the other app's host storage."""
    v = []
    main = trees[MAIN]
    portals = _portals_of_main(main)
    # Distinct host accounts: the per-portal name expressions differ from each other and from
    # the data account's.
    host_names = [p.get("hostStorageAccountName") for p in portals]
    if any(n is None for n in host_names) or len({json.dumps(n, sort_keys=True) for n in host_names}) != len(portals):
        v.append(f"the portals do not have distinct host storage account names: {host_names!r}")
    if any(json.dumps(n, sort_keys=True) == json.dumps(variable(main, "dataStorageAccountName"), sort_keys=True) for n in host_names):
        v.append("a host storage account is the data account")
    hosts = [(n, m) for n, m in modules_calling(main, STORAGE).items() if loop(m) is not None]
    if len(hosts) != 1:
        return v + ["main.bicep has no per-portal host storage module"]
    host_symbol, host_mod = hosts[0]
    item = loop(host_mod)["detail"]["item_name"]
    if loop(host_mod)["detail"].get("array_name") != "portals" or accessor_path(body(host_mod)["params"].get("storageAccountName")) != [item, "hostStorageAccountName"]:
        v.append("host storage is not created once per portal under the portal's own name")
    # Index i of every per-portal module means the same portal, so [i] pairs an app with its own
    # host account.
    own = {
        "modules/function-app.bicep": ("blobEndpoint", [host_symbol, "i", "outputs", "blobEndpoint"]),
        RBAC: ("hostStorageAccountName", [host_symbol, "i", "outputs", "storageAccountName"]),
        SETTINGS: ("hostStorageAccountName", [host_symbol, "i", "outputs", "storageAccountName"]),
    }
    for path, (param, want) in own.items():
        mods = modules_calling(main, path)
        if len(mods) != 1:
            v.append(f"main.bicep must call {path} once")
            continue
        (mod,) = mods.values()
        lp = loop(mod)
        if not lp or lp["detail"].get("index_name") != "i" or lp["detail"].get("array_name") != "portals":
            v.append(f"{path} is not called as [for (cfg, i) in portals]")
        if accessor_path(body(mod)["params"].get(param)) != want:
            v.append(f"{path}: {param} is not this portal's own host storage ({'.'.join(map(str, want))})")
    # The data account is never the host account of a Function App.
    for path in (SETTINGS, RBAC):
        for mod in modules_calling(main, path).values():
            if accessor_path(body(mod)["params"].get("dataStorageAccountName")) != ["dataStorage", "outputs", "storageAccountName"]:
                v.append(f"{path}: dataStorageAccountName is not the shared data account")
    # In the RBAC module every blob role lives in the hostStorageAccountName account, never in the
    # data account; no role is granted on the data account as a whole.
    tree = trees[RBAC]
    for a in _role_assignments(trees):
        if a["file"] != RBAC:
            continue
        account = _scope_account(tree, a["scope_symbol"])
        if a["role"].startswith("Storage Blob") and account != "hostStorageAccountName":
            v.append(f"{a['name']}: {a['role']} outside the app's own host storage account ({account!r})")
        if a["scope_type"] == "Microsoft.Storage/storageAccounts" and account != "hostStorageAccountName":
            v.append(f"{a['name']}: a role on a whole storage account that is not the app's host account")
    # Each host account's containers are its own app's: no deployment container of the other app.
    env = _main_env(trees)
    containers = {p["portal"]: evaluate(body(host_mod)["params"]["containerNames"], {**env, item: p}) for p in portals}
    for p in portals:
        others = {q["deploymentContainer"] for q in portals if q["portal"] != p["portal"]}
        if others & set(containers[p["portal"]]):
            v.append(f"{p['portal']}: its host account holds another app's deployment container")
    return v


# --------------------------------------------------------------------------------------
# Graph permissions


# Every combination of the parameters that decide conditional grants:
# (notificationSender, grantMailSendInEntra, outOfBandDetection).
GRANT_PARAMETER_COMBINATIONS = [
    (sender, grant, oob)
    for sender in ("", "noreply@contoso.com")
    for grant in (True, False)
    for oob in (False, True)
]


def granted_graph_permissions(trees: dict, portal: str, notification_sender: str, grant_mail_send: bool, out_of_band: bool = False) -> list[str]:
    """Evaluate graph-grants.bicep's filter over graph-permissions.json."""
    tree = trees[GRANTS]
    catalog = trees[GRAPH_JSON]
    # Two environments: pycep cannot tell the name notificationSender from the string
    # 'notificationSender' (a condition value), so the filter is evaluated without that name.
    wanted = evaluate(variable(tree, "mailSendWanted"), {"notificationSender": notification_sender, "grantMailSendInEntra": grant_mail_send})
    env = {"catalog": catalog, "portal": portal, "mailSendWanted": wanted, "detectOutOfBand": out_of_band}
    return [p["name"] for p in evaluate(variable(tree, "grantedPermissions"), env)]


def expected_graph_permissions(portal: str, notification_sender: str, grant_mail_send: bool, out_of_band: bool) -> set[str]:
    want = set(EXPECTED_GRAPH_PERMISSIONS)
    if notification_sender and grant_mail_send:
        want.add("Mail.Send")
    for name in ("AuditLog.Read.All", "Directory.Read.All"):
        if out_of_band and portal in CONDITIONAL_GRAPH_PERMISSIONS[name][1]:
            want.add(name)
    return want


def check_graph_permissions(trees: dict) -> list[str]:
    v = []
    catalog = trees[GRAPH_JSON]
    names = [p["name"] for p in catalog["permissions"]]
    if len(names) != len(set(names)):
        v.append("graph-permissions.json lists a permission twice")
    if set(names) != EXPECTED_GRAPH_PERMISSIONS | set(CONDITIONAL_GRAPH_PERMISSIONS):
        v.append(f"graph-permissions.json lists {sorted(names)}")
    if catalog.get("resourceAppId") != GRAPH_APP_ID:
        v.append("graph-permissions.json resourceAppId is not Microsoft Graph")
    for p in catalog["permissions"]:
        if not p.get("calls") or not all(isinstance(c, str) and c.split(" ")[0] in {"GET", "POST", "PATCH", "PUT", "DELETE"} for c in p["calls"]):
            v.append(f"{p['name']}: no documented Graph call")
        if not p.get("source"):
            v.append(f"{p['name']}: no source page for its least-privilege claim")
        want_condition, want_apps = CONDITIONAL_GRAPH_PERMISSIONS.get(p["name"], ("always", set(PORTALS)))
        if set(p.get("apps", [])) != want_apps:
            v.append(f"{p['name']}: apps {p.get('apps')!r}, expected {sorted(want_apps)}")
        if p.get("condition") != want_condition:
            v.append(f"{p['name']}: condition {p.get('condition')!r}, expected {want_condition!r}")
    tree = trees[GRANTS]
    load = variable(tree, "catalog")
    if not is_fn(load, "load_json_content") or load["function"]["parameters"]["file_path"] != "../graph-permissions.json":
        v.append("graph-grants.bicep does not load graph-permissions.json")
    # Evaluate the Bicep filter for every combination.
    for portal in PORTALS:
        for sender, grant, oob in GRANT_PARAMETER_COMBINATIONS:
            got = set(granted_graph_permissions(trees, portal, sender, grant, oob))
            want = expected_graph_permissions(portal, sender, grant, oob)
            if got != want:
                v.append(f"{portal} sender={sender!r} grantMailSend={grant} outOfBandDetection={oob}: grants {sorted(got)}, expected {sorted(want)}")
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
    if params.get("detectOutOfBand") != "outOfBandDetection" or parameter(main, "outOfBandDetection").get("default") is not False:
        v.append("AuditLog.Read.All is not tied to the outOfBandDetection parameter (default false)")
    settings = module_params(main, SETTINGS)
    if settings.get("outOfBandDetection") != "outOfBandDetection":
        v.append("OUT_OF_BAND_DETECTION is not the same parameter that decides AuditLog.Read.All")
    v += _module_per_portal(main, GRANTS)
    return v


def check_no_broad_graph_permission(trees: dict) -> list[str]:
    """UserAuthenticationMethod.ReadWrite.All (and the directory-wide permissions) are granted
    nowhere: not listed, not named in any template, not produced by any parameter combination."""
    v = []
    catalog = trees[GRAPH_JSON]
    for p in catalog.get("permissions", []):
        if p.get("name") in FORBIDDEN_GRAPH_PERMISSIONS:
            v.append(f"graph-permissions.json grants {p['name']}")
    never = {n.get("name") for n in catalog.get("neverGranted", [])}
    if "UserAuthenticationMethod.ReadWrite.All" not in never:
        v.append("graph-permissions.json does not record UserAuthenticationMethod.ReadWrite.All as never granted")
    for file, tree in bicep_trees(trees).items():
        for s in strings(tree):
            for name in FORBIDDEN_GRAPH_PERMISSIONS:
                if name in s:
                    v.append(f"{file} names {name}")
    for portal in PORTALS:
        for sender, grant, oob in GRANT_PARAMETER_COMBINATIONS:
            try:
                got = set(granted_graph_permissions(trees, portal, sender, grant, oob))
            except Exception as error:
                v.append(f"the grant filter cannot be evaluated: {error}")
                return v
            if got & FORBIDDEN_GRAPH_PERMISSIONS:
                v.append(f"{portal}: grants {sorted(got & FORBIDDEN_GRAPH_PERMISSIONS)}")
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
    delegated = trees[GRAPH_JSON]["delegatedSignInScopes"]["scopes"]
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
    # No file sets platform CORS to anything but an empty list, on either plan.
    for file, name, res in all_resources(trees, "Microsoft.Web/sites"):
        for plan in ("FlexConsumption", "AppService"):
            sc = site_config(trees, plan) if file == SITES else body(res).get("properties", {}).get("siteConfig", {})
            origins = sc.get("cors", {}).get("allowedOrigins", []) if isinstance(sc, dict) else None
            if origins != []:
                v.append(f"{file}:{name} platform CORS on {plan}: {origins!r}")
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
    query = bicep_string(query) if isinstance(query, str) else query
    if not isinstance(query, str) or not query.startswith("traces"):
        return v + [f"the alert query is not a query over traces: {query!r}"]
    # The query, run over the handlers' real log lines (JSONLogHandler: sorted keys, one object
    # per line), must keep every alerted action and drop the others.
    key = parameter(trees[MAIN], "auditLogActionKey").get("default")
    for action, alerted in (("BLOCKED_PRIVILEGED", True), ("OUT_OF_BAND", True), ("SUCCESS", False), ("DENIED", False), ("REVOKED", False)):
        line = json.dumps({"audit.action": action, "audit.correlation_id": "0f8fad5b-d9cb-469f-a165-70867728950e", "audit.portal": "helpdesk", "level": "notice", "logger": "audit", "msg": "audit event"}, sort_keys=True)
        try:
            kept = kql_keeps(query.replace("${auditActionKey}", key), line)
        except ValueError as error:
            return v + [f"the alert query cannot be read: {error}"]
        if kept != alerted:
            v.append(f"the alert query {'misses' if alerted else 'fires on'} a {action} audit line")
    if "${auditActionKey}" not in query:
        v.append("the alert query does not require the audit action key")
    if c.get("operator") != "GreaterThan" or c.get("threshold") != 0 or c.get("timeAggregation") != "Count":
        v.append("the alert does not fire on the first event")
    if p.get("enabled") is not True:
        v.append("the alert is disabled")
    if p.get("scopes") != ["appInsightsId"]:
        v.append("the alert is not scoped to Application Insights")
    if parameter(trees[MAIN], "auditLogActionKey").get("default") != "audit.action":
        v.append("the default audit action key is not audit.action")
    return v


def kql_keeps(query: str, message: str) -> bool:
    """Whether a `traces | where ...` query keeps a row with this message. Understands the subset
    the alert uses: `| where` lines of `message contains "x"` terms joined by `and`/`or` (KQL
    precedence: and before or; `contains` is case-insensitive), and `| project`."""
    lines = [line.strip() for line in query.split("\n") if line.strip()]
    if not lines or lines[0] != "traces":
        raise ValueError("does not start with traces")
    term = re.compile(r'^message contains "([^"\\]*)"$')
    for line in lines[1:]:
        if line.startswith("| project "):
            continue
        if not line.startswith("| where "):
            raise ValueError(f"unsupported line {line!r}")
        clause = line[len("| where "):]
        any_true = False
        for alternative in clause.split(" or "):
            all_true = True
            for part in alternative.split(" and "):
                match = term.match(part.strip())
                if not match:
                    raise ValueError(f"unsupported term {part!r}")
                all_true = all_true and match.group(1).lower() in message.lower()
            any_true = any_true or all_true
        if not any_true:
            return False
    return True


def check_host_json_sampling(trees: dict) -> list[str]:
    """Point 4: Application Insights adaptive sampling never drops a trace (the audit.* log lines
    the alert reads) or a request: either sampling is off or both types are excluded."""
    v = []
    host = trees[HOST_JSON]
    logging = {k.lower(): val for k, val in host.get("logging", {}).items()}
    ai = {k.lower(): val for k, val in logging.get("applicationinsights", {}).items()}
    sampling = {k.lower(): val for k, val in ai.get("samplingsettings", {}).items()}
    if "samplingexcludedtypes" in ai:
        v.append("host.json: samplingExcludedTypes belongs inside samplingSettings as excludedTypes")
    if sampling.get("isenabled") is False:
        return v
    excluded = {t.strip().lower() for t in str(sampling.get("excludedtypes") or "").split(";") if t.strip()}
    for kind in ("Trace", "Request"):
        if kind.lower() not in excluded:
            v.append(f"host.json: adaptive sampling may drop {kind} telemetry (add it to logging.applicationInsights.samplingSettings.excludedTypes)")
    included = {t.strip().lower() for t in str(sampling.get("includedtypes") or "").split(";") if t.strip()}
    if included & {"trace", "request"} and not {"trace", "request"} <= excluded:
        v.append("host.json: includedTypes samples traces or requests")
    return v


def check_no_hardcoded_env_urls(trees: dict) -> list[str]:
    """Point 5: no string in any template (descriptions included) names a host of the
    no-hardcoded-env-urls linter rule, so `az bicep build` with bicepconfig.json's error level passes."""
    v = []
    for file, tree in bicep_trees(trees).items():
        for s in strings(tree):
            for host in LINTER_DISALLOWED_HOSTS:
                if host in s.lower():
                    v.append(f"{file}: {s[:80]!r} names {host}")
    return v


ALL_CHECKS = {
    "function_apps": check_function_apps,
    "flex_sends_no_nulls": check_flex_sends_no_nulls,
    "host_blob_role_at_account_scope": check_host_blob_role_at_account_scope,
    "host_storage_isolation": check_host_storage_isolation,
    "host_json_sampling": check_host_json_sampling,
    "no_broad_graph_permission": check_no_broad_graph_permission,
    "no_hardcoded_env_urls": check_no_hardcoded_env_urls,
    "storage": check_storage,
    "app_settings": check_app_settings,
    "no_secrets": check_no_secrets,
    "rbac": check_rbac,
    "graph_permissions": check_graph_permissions,
    "entra_apps": check_entra_apps,
    "cors": check_cors,
    "monitoring_and_alert": check_monitoring_and_alert,
}
