"""scripts/smoke.sh: syntax, shellcheck, and its Azure mode against a stand-in `az` and `curl`
that answer like a deployment made from these templates (no Azure here). The local mode runs
against the real ephemgate-dev in test_smoke_dev.py."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "smoke.sh"
GRAPH = json.loads((REPO / "infra" / "graph-permissions.json").read_text())
TABLES = json.loads((REPO / "infra" / "tables.json").read_text())

SUB = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-ephemgate/providers/Microsoft.Storage/storageAccounts"
PRINCIPALS = {"selfservice": "aaaa0000-0000-4000-8000-00000000000a", "helpdesk": "bbbb0000-0000-4000-8000-00000000000b"}
HOSTS = {"selfservice": "stephemgass123", "helpdesk": "stephemgahd123"}
DATA = "stephemgatedata123"
GRAPH_SP = "99999999-0000-4000-8000-000000000099"
ROLE_IDS = {name: str(uuid.uuid5(uuid.NAMESPACE_URL, name)) for name in
            [p["name"] for p in GRAPH["permissions"]] + ["UserAuthenticationMethod.ReadWrite.All", "Directory.Read.All"]}

FAKE_AZ = r"""#!/usr/bin/env bash
all="$*"
printf '%s\n' "${all}" >> "${AZ_DIR}/calls.log"
case "${all}" in
  "account show --query user.name --output tsv") echo "admin@contoso.com" ;;
  "deployment group show"*"--query properties.outputs --output json") cat "${AZ_DIR}/outputs.json" ;;
  "rest --method get --url https://graph.microsoft.com/v1.0/servicePrincipals(appId="*) cat "${AZ_DIR}/graph-sp.json" ;;
  "rest --method get --url https://graph.microsoft.com/v1.0/servicePrincipals/"*"/appRoleAssignments --output json")
    id="${all#*servicePrincipals/}"; id="${id%%/*}"; cat "${AZ_DIR}/grants-${id}.json" ;;
  "rest --method get --url https://graph.microsoft.com/v1.0/policies/"*) echo '{"id":"TemporaryAccessPass","state":"enabled"}' ;;
  "rest --method get --url /subscriptions/"*"/tableServices/default/tables?api-version=2023-05-01 --output json") cat "${AZ_DIR}/tables.json" ;;
  "storage account show --name "*)
    name="${all#storage account show --name }"; name="${name%% *}"; echo "${AZ_SUB}/${name}" ;;
  "role assignment list --assignee "*" --all --output json")
    id="${all#role assignment list --assignee }"; id="${id%% *}"; cat "${AZ_DIR}/roles-${id}.json" ;;
  *) echo "unexpected az call: $*" >&2; exit 9 ;;
esac
"""

FAKE_CURL = r"""#!/usr/bin/env bash
for arg in "$@"; do url="${arg}"; done
case "${url}" in
  https://ephemgate-selfservice.example/api/health) echo '{"status":"ok","portal":"selfservice","version":"1"}' ;;
  https://ephemgate-helpdesk.example/api/health) echo '{"status":"ok","portal":"helpdesk","version":"1"}' ;;
  *) echo "unexpected curl: $*" >&2; exit 7 ;;
esac
"""


def expected_grants(app: str, sender: bool, oob: bool) -> list[str]:
    on = {"always"} | ({"notificationSender"} if sender else set()) | ({"outOfBandDetection"} if oob else set())
    return [p["name"] for p in GRAPH["permissions"] if app in p["apps"] and p["condition"] in on]


def role(name: str, scope: str) -> dict:
    return {"roleDefinitionName": name, "scope": scope, "principalType": "ServicePrincipal"}


def deployment_roles(app: str) -> list[dict]:
    """The role assignments identity-rbac.bicep makes for one app."""
    roles = [role("Storage Blob Data Owner", f"{SUB}/{HOSTS[app]}"),
             role("Monitoring Metrics Publisher", "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-ephemgate/providers/Microsoft.Insights/components/appi")]
    for table in TABLES["tables"]:
        scope = f"{SUB}/{DATA}/tableServices/default/tables/{table['name']}"
        if app in table["write"]:
            roles.append(role("Storage Table Data Contributor", scope))
        elif app in table["read"]:
            roles.append(role("Storage Table Data Reader", scope))
    return roles


@pytest.fixture
def azure(tmp_path):
    """A stand-in deployment: outputs, Graph, storage and roles as the templates make them."""
    state = tmp_path / "az"
    state.mkdir()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in (("az", FAKE_AZ), ("curl", FAKE_CURL)):
        path = bin_dir / name
        path.write_text(text)
        path.chmod(path.stat().st_mode | stat.S_IXUSR)

    def write(sender: bool = True, oob: bool = False, grants: dict | None = None, roles: dict | None = None) -> None:
        outputs = {
            "storageAccountName": DATA,
            "selfServiceHostStorageAccountName": HOSTS["selfservice"],
            "helpdeskHostStorageAccountName": HOSTS["helpdesk"],
            "selfServicePrincipalId": PRINCIPALS["selfservice"],
            "helpdeskPrincipalId": PRINCIPALS["helpdesk"],
            "selfServiceUrl": "https://ephemgate-selfservice.example/",
            "helpdeskUrl": "https://ephemgate-helpdesk.example/",
            "graphGrantConditions": {"notificationSender": sender, "outOfBandDetection": oob},
        }
        (state / "outputs.json").write_text(json.dumps({k: {"type": "String", "value": v} for k, v in outputs.items()}))
        (state / "graph-sp.json").write_text(json.dumps({"id": GRAPH_SP, "appRoles": [{"id": i, "value": n} for n, i in ROLE_IDS.items()]}))
        (state / "tables.json").write_text(json.dumps({"value": [{"name": t["name"]} for t in TABLES["tables"]]}))
        for app, principal in PRINCIPALS.items():
            names = (grants or {}).get(app, expected_grants(app, sender, oob))
            values = [{"id": str(uuid.uuid4()), "appRoleId": ROLE_IDS[n], "resourceId": GRAPH_SP, "principalId": principal} for n in names]
            # one assignment on another resource (the portal's own app role): not a Graph grant
            values.append({"id": str(uuid.uuid4()), "appRoleId": str(uuid.uuid4()), "resourceId": str(uuid.uuid4()), "principalId": principal})
            (state / f"grants-{principal}.json").write_text(json.dumps({"value": values}))
            (state / f"roles-{principal}.json").write_text(json.dumps((roles or {}).get(app, deployment_roles(app))))

    env = {k: v for k, v in os.environ.items() if not k.startswith("EPHEMGATE_")}
    env.update(PATH=f"{bin_dir}:{os.environ['PATH']}", AZ_DIR=str(state), AZ_SUB=SUB)
    write()
    return env, write, state


def _smoke(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=120)


def test_bash_syntax():
    subprocess.run(["bash", "-n", str(SCRIPT)], check=True)


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck not installed (apt-get install shellcheck)")
def test_shellcheck_clean():
    result = subprocess.run(["shellcheck", "-x", str(SCRIPT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_passes_on_a_deployment_made_from_the_templates(azure):
    env, _, state = azure
    result = _smoke(env, "-g", "rg-ephemgate")
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "FAIL" not in out
    for app in PRINCIPALS:
        assert f"ok    {app}: {'https://ephemgate-' + app + '.example'}/api/health answers status ok, portal {app}" in out
        assert f"ok    {app}: managed identity holds exactly the Graph permissions" in out
        assert f"ok    {app}: no role on the other app's host storage" in out
        assert f"ok    {app}: Storage Blob Data Owner on its own host storage {HOSTS[app]}" in out
    for table in TABLES["tables"]:
        assert f"ok    table {table['name']} exists" in out
    assert "ok    helpdesk: may read table TapAuditSelfService" in out
    assert "ok    the TAP policy is readable (state enabled)" in out
    assert "Could not check:" in out and "managed-identity token" in out
    # Only reads: nothing is created, changed or deleted.
    for call in (state / "calls.log").read_text().splitlines():
        assert call.split()[0:2] != ["role", "assignment"] or call.split()[2] == "list", call
        assert "--method get" in call or not call.startswith("rest"), call


def test_names_a_missing_graph_permission(azure):
    env, write, _ = azure
    grants = expected_grants("helpdesk", True, False)
    grants.remove("AdministrativeUnit.Read.All")
    write(grants={"helpdesk": grants})
    result = _smoke(env, "-g", "rg-ephemgate")
    assert result.returncode == 1
    assert "FAIL  helpdesk: managed identity lacks Graph permission AdministrativeUnit.Read.All" in result.stdout
    assert "ok    selfservice: managed identity holds exactly" in result.stdout


def test_names_a_leftover_broad_grant(azure):
    """An upgrade from the old permission set leaves UserAuthenticationMethod.ReadWrite.All on
    the identities (a deployment never deletes a grant): the smoke test says so."""
    env, write, _ = azure
    write(grants={"selfservice": expected_grants("selfservice", True, False) + ["UserAuthenticationMethod.ReadWrite.All"]})
    result = _smoke(env, "-g", "rg-ephemgate")
    assert result.returncode == 1
    assert "FAIL  selfservice: managed identity holds Graph permission UserAuthenticationMethod.ReadWrite.All" in result.stdout


def test_follows_the_deployed_conditions(azure):
    env, write, _ = azure
    write(sender=False, oob=True)
    result = _smoke(env, "-g", "rg-ephemgate")
    assert result.returncode == 0, result.stdout
    assert "AuditLog.Read.All" in next(line for line in result.stdout.splitlines() if line.startswith("ok    helpdesk: managed identity"))
    assert "Mail.Send" not in result.stdout
    # The helpdesk identity lacking AuditLog.Read.All with detection on is a failure.
    write(sender=False, oob=True, grants={"helpdesk": expected_grants("helpdesk", False, False)})
    result = _smoke(env, "-g", "rg-ephemgate")
    assert "FAIL  helpdesk: managed identity lacks Graph permission AuditLog.Read.All" in result.stdout


def test_names_a_role_over_the_other_apps_host_storage(azure):
    env, write, _ = azure
    write(roles={"selfservice": deployment_roles("selfservice") + [role("Storage Blob Data Reader", f"{SUB}/{HOSTS['helpdesk']}/blobServices/default/containers/azure-webjobs-secrets")]})
    result = _smoke(env, "-g", "rg-ephemgate")
    assert result.returncode == 1
    assert f"FAIL  selfservice: holds Storage Blob Data Reader over the other app's host storage {HOSTS['helpdesk']}" in result.stdout
    # A resource-group-wide role reaches both host accounts too.
    write(roles={"helpdesk": deployment_roles("helpdesk") + [role("Contributor", "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-ephemgate")]})
    result = _smoke(env, "-g", "rg-ephemgate")
    assert f"FAIL  helpdesk: holds Contributor over the other app's host storage {HOSTS['selfservice']}" in result.stdout


def test_names_a_missing_table_role(azure):
    env, write, _ = azure
    roles = [r for r in deployment_roles("selfservice") if not r["scope"].endswith("/TapLedger")]
    write(roles={"selfservice": roles})
    result = _smoke(env, "-g", "rg-ephemgate")
    assert result.returncode == 1
    assert "FAIL  selfservice: has no Storage Table Data Contributor on table TapLedger" in result.stdout


def test_requires_a_resource_group_or_local(azure):
    env, _, _ = azure
    result = _smoke(env)
    assert result.returncode == 2
    assert "pass -g RESOURCE_GROUP (or --local" in result.stderr
