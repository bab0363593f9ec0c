#!/usr/bin/env bash
# Smoke test of a deployed EphemGate, run once after scripts/deploy.sh: both apps answer their
# health check, each managed identity holds exactly the Graph application permissions
# infra/graph-permissions.json gives that app, the tables of infra/tables.json exist and each
# identity may write (or read) its tables, the tenant's TAP policy is readable. It prints one
# line per check, then what it could not check, and exits 1 when any check failed.
#
# Usage:
#   scripts/smoke.sh -g RESOURCE_GROUP [-s SUBSCRIPTION] [-n DEPLOYMENT_NAME]
#   scripts/smoke.sh --local [--tenant URL] [--table-endpoint URL] [--selfservice URL]
#                    [--helpdesk URL] [--selfservice-identity-header VALUE]
#                    [--helpdesk-identity-header VALUE] [--notification-sender on|off]
#                    [--out-of-band-detection on|off]
#
# Azure mode (needs az, signed in; reads the outputs of the deployment `ephemgate`): an operator
# cannot obtain a Function App's own managed-identity token, so the grants are read from Graph
# instead: the identity's service principal's appRoleAssignments, each appRoleId resolved to its
# name through the Microsoft Graph service principal's appRoles. Tables are listed through Azure
# Resource Manager and "may write" is the identity's table-scoped role assignment.
#
# Local mode (against `swift run ephemgate-dev`, defaults = its default ports): the script asks
# the dev tenant's managed-identity endpoint for each app's token exactly as the app does
# (GET {tenant}/msi/token?resource=...&api-version=2019-08-01 with X-IDENTITY-HEADER), reads
# the `roles` claim of the Graph token, lists and writes the tables of the dev Table service with
# the storage token, and reads the TAP policy with the Graph token. NOTIFICATION_SENDER is set by
# the demo directory, so Mail.Send is expected unless --notification-sender off.
#
# No token is ever printed or passed on a command line: tokens stay in shell variables and
# reach curl and python3 on standard input.

set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
graph_permissions_file="${repo_root}/infra/graph-permissions.json"
tables_file="${repo_root}/infra/tables.json"
graph_app_id="00000003-0000-0000-c000-000000000000"
apps=(selfservice helpdesk)

mode=azure
resource_group="${EPHEMGATE_RESOURCE_GROUP:-}"
subscription="${EPHEMGATE_SUBSCRIPTION:-}"
deployment_name=ephemgate
tenant_url="http://127.0.0.1:7070"
table_endpoint=""
selfservice_url="http://127.0.0.1:7071"
helpdesk_url="http://127.0.0.1:7072"
selfservice_identity_header="ephemgate-dev-selfservice"
helpdesk_identity_header="ephemgate-dev-helpdesk"
notification_sender=""
out_of_band=""

failures=0
not_checked=()

die() {
  printf 'smoke.sh: %s\n' "$*" >&2
  exit 2
}

usage() {
  sed -n '2,29p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

ok() { printf 'ok    %s\n' "$*"; }
fail() {
  printf 'FAIL  %s\n' "$*"
  failures=$((failures + 1))
}
note() { printf 'note  %s\n' "$*"; }
cannot_check() { not_checked+=("$*"); }

on_off() {
  case "$2" in
    on | off) printf '%s' "$2" ;;
    *) die "$1 takes on or off, got '$2'" ;;
  esac
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    -g | --resource-group | -s | --subscription | -n | --deployment-name | --tenant | --table-endpoint | \
      --selfservice | --helpdesk | --selfservice-identity-header | --helpdesk-identity-header | \
      --notification-sender | --out-of-band-detection)
      [[ $# -ge 2 ]] || die "$1 needs a value"
      case "$1" in
        -g | --resource-group) resource_group="$2" ;;
        -s | --subscription) subscription="$2" ;;
        -n | --deployment-name) deployment_name="$2" ;;
        --tenant) tenant_url="${2%/}" ;;
        --table-endpoint) table_endpoint="${2%/}" ;;
        --selfservice) selfservice_url="${2%/}" ;;
        --helpdesk) helpdesk_url="${2%/}" ;;
        --selfservice-identity-header) selfservice_identity_header="$2" ;;
        --helpdesk-identity-header) helpdesk_identity_header="$2" ;;
        --notification-sender) notification_sender="$(on_off "$1" "$2")" ;;
        --out-of-band-detection) out_of_band="$(on_off "$1" "$2")" ;;
      esac
      shift 2
      ;;
    --local)
      mode=local
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      die "unknown argument: $1 (see --help)"
      ;;
  esac
done

command -v python3 >/dev/null 2>&1 || die "python3 is needed to read JSON"
command -v curl >/dev/null 2>&1 || die "curl is needed"
[[ -f "${graph_permissions_file}" && -f "${tables_file}" ]] || die "run from a checkout: infra/graph-permissions.json or infra/tables.json is missing"

# --- JSON helpers (python3; data arrives on standard input, never as an argument) -----------

# json_get EXPRESSION: evaluate a Python expression over the JSON document `d` read from stdin;
# lists print one item per line, booleans as true/false, missing values as nothing.
json_get() {
  python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except ValueError:
    sys.exit(3)
try:
    v = eval(sys.argv[1], {"d": d})
except (KeyError, IndexError, TypeError, AttributeError):
    sys.exit(0)
if isinstance(v, bool):
    print("true" if v else "false")
elif isinstance(v, list):
    print("\n".join(str(x) for x in v))
elif v is not None:
    print(v)
' "$1"
}

# expected_permissions APP NOTIFICATION_SENDER(on|off) OUT_OF_BAND(on|off)
expected_permissions() {
  json_get "sorted(p['name'] for p in d['permissions'] if '$1' in p['apps'] and (p['condition'] == 'always' or (p['condition'] == 'notificationSender' and '$2' == 'on') or (p['condition'] == 'outOfBandDetection' and '$3' == 'on')))" <"${graph_permissions_file}"
}

# expected_tables APP write|read
expected_tables() {
  if [[ "$2" == write ]]; then
    json_get "[t['name'] for t in d['tables'] if '$1' in t['write']]" <"${tables_file}"
  else
    json_get "[t['name'] for t in d['tables'] if '$1' in t['read'] and '$1' not in t['write']]" <"${tables_file}"
  fi
}

all_tables() {
  json_get "[t['name'] for t in d['tables']]" <"${tables_file}"
}

# roles_of_token: the `roles` claim of the JWT on stdin, one per line (the token is not printed).
roles_of_token() {
  python3 -c '
import base64, json, sys
token = sys.stdin.read().strip()
try:
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
except (IndexError, ValueError):
    sys.exit(3)
roles = claims.get("roles", [])
print("\n".join(sorted(roles)) if isinstance(roles, list) else "")
'
}

# compare_permissions APP EXPECTED HELD SOURCE: one line per missing or extra permission.
compare_permissions() {
  local app="$1" expected="$2" held="$3" source="$4" name problems=0
  while IFS= read -r name; do
    [[ -n "${name}" ]] || continue
    if ! grep -qxF -- "${name}" <<<"${held}"; then
      fail "${app}: managed identity lacks Graph permission ${name} (infra/graph-permissions.json grants it; read from ${source})"
      problems=$((problems + 1))
    fi
  done <<<"${expected}"
  while IFS= read -r name; do
    [[ -n "${name}" ]] || continue
    if ! grep -qxF -- "${name}" <<<"${expected}"; then
      fail "${app}: managed identity holds Graph permission ${name}, which infra/graph-permissions.json does not give it (remove the grant; a redeployment never deletes one)"
      problems=$((problems + 1))
    fi
  done <<<"${held}"
  if [[ "${problems}" -eq 0 ]]; then
    ok "${app}: managed identity holds exactly the Graph permissions of infra/graph-permissions.json ($(tr '\n' ' ' <<<"${expected}" | sed 's/ $//'))"
  fi
}

# check_health APP URL
check_health() {
  local app="$1" url="$2" body status attempt
  for attempt in 1 2 3; do
    status=0
    body="$(curl -sS --max-time 30 "${url}/api/health" 2>&1)" || status=$?
    [[ "${status}" -ne 0 ]] || break
    [[ "${attempt}" -eq 3 ]] || sleep 5
  done
  if [[ "${status}" -ne 0 ]]; then
    fail "${app}: ${url}/api/health does not answer (${body})"
    return
  fi
  if [[ "$(json_get "d.get('status')" <<<"${body}" 2>/dev/null || true)" == ok && "$(json_get "d.get('portal')" <<<"${body}" 2>/dev/null || true)" == "${app}" ]]; then
    ok "${app}: ${url}/api/health answers status ok, portal ${app}"
  else
    fail "${app}: ${url}/api/health answered ${body:0:200}"
  fi
}

# --- local mode --------------------------------------------------------------------------

# Table REST exactly as EphemCore's TableClient speaks it.
table_headers=(-H "x-ms-version: 2019-02-02" -H "Accept: application/json;odata=minimalmetadata"
  -H "DataServiceVersion: 3.0" -H "MaxDataServiceVersion: 3.0;NetFx")

# mi_token IDENTITY_HEADER RESOURCE: the dev tenant's managed-identity token (stdout, for capture).
mi_token() {
  local response
  response="$(curl -sS --max-time 10 -H "X-IDENTITY-HEADER: $1" \
    "${tenant_url}/msi/token?resource=$2&api-version=2019-08-01")" || return 1
  json_get "d['access_token']" <<<"${response}"
}

# bearer_curl TOKEN CURL_ARGS...: curl with the token's Authorization header read from stdin.
bearer_curl() {
  local token="$1"
  shift
  printf 'Authorization: Bearer %s\n' "${token}" | curl -sS --max-time 15 -g -H @- "$@"
}

local_checks() {
  local app url header graph_token storage_token held expected status listing existing table tries writable readable
  local notif="${notification_sender:-on}" oob="${out_of_band:-off}"
  [[ -n "${table_endpoint}" ]] || table_endpoint="http://127.0.0.1:10002/devstoreaccount1"
  for app in "${apps[@]}"; do
    if [[ "${app}" == selfservice ]]; then url="${selfservice_url}" header="${selfservice_identity_header}"; else url="${helpdesk_url}" header="${helpdesk_identity_header}"; fi
    check_health "${app}" "${url}"

    # Graph permissions: the roles claim of the app's own managed-identity token.
    if ! graph_token="$(mi_token "${header}" "https://graph.microsoft.com")" || [[ -z "${graph_token}" ]]; then
      fail "${app}: the dev tenant gives no managed-identity token for X-IDENTITY-HEADER ${header}"
      continue
    fi
    held="$(printf '%s' "${graph_token}" | roles_of_token)" || {
      fail "${app}: the managed-identity token is not a JWT"
      continue
    }
    expected="$(expected_permissions "${app}" "${notif}" "${oob}")"
    compare_permissions "${app}" "${expected}" "${held}" "the roles claim of its Graph token"

    # TAP policy with the app's Graph token.
    status="$(bearer_curl "${graph_token}" -o /dev/null -w '%{http_code}' \
      "${tenant_url}/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass")" || status=000
    if [[ "${status}" == 200 ]]; then
      ok "${app}: its identity reads the TAP policy"
    else
      fail "${app}: its identity cannot read the TAP policy (HTTP ${status})"
    fi

    # Tables with the app's storage token.
    if ! storage_token="$(mi_token "${header}" "https://storage.azure.com/")" || [[ -z "${storage_token}" ]]; then
      fail "${app}: no storage token from the dev tenant"
      continue
    fi
    writable="$(expected_tables "${app}" write)"
    readable="$(expected_tables "${app}" read)"
    existing=""
    for tries in 1 2 3 4 5 6; do
      listing="$(bearer_curl "${storage_token}" "${table_headers[@]}" "${table_endpoint}/Tables")" || listing=""
      existing="$(json_get "[t['TableName'] for t in d.get('value', [])]" <<<"${listing}" 2>/dev/null || true)"
      # The handlers create their tables in the background just after they start.
      if [[ -z "$(comm -23 <(sort <<<"${writable}") <(sort <<<"${existing}"))" ]] || [[ "${tries}" -eq 6 ]]; then break; fi
      sleep 0.5
    done
    while IFS= read -r table; do
      [[ -n "${table}" ]] || continue
      if ! grep -qxF -- "${table}" <<<"${existing}"; then
        cannot_check "${app}: table ${table} is not in the dev Table service yet (locally each handler creates the tables it writes; in Azure the Bicep creates every table of infra/tables.json)"
        continue
      fi
      local row="${app}-$$-${RANDOM}"
      status="$(bearer_curl "${storage_token}" "${table_headers[@]}" -o /dev/null -w '%{http_code}' -X POST \
        -H "Content-Type: application/json" -H "Prefer: return-no-content" \
        --data-binary "{\"PartitionKey\":\"ephemgate-smoke\",\"RowKey\":\"${row}\"}" "${table_endpoint}/${table}")" || status=000
      if [[ "${status}" != 204 && "${status}" != 201 ]]; then
        fail "${app}: its identity cannot write table ${table} (insert answered HTTP ${status})"
        continue
      fi
      status="$(bearer_curl "${storage_token}" "${table_headers[@]}" -o /dev/null -w '%{http_code}' -X DELETE -H "If-Match: *" \
        "${table_endpoint}/${table}(PartitionKey='ephemgate-smoke',RowKey='${row}')")" || status=000
      if [[ "${status}" == 204 ]]; then
        ok "${app}: its identity writes table ${table} (test row inserted and deleted)"
      else
        fail "${app}: its identity inserted a test row into ${table} but could not delete it (HTTP ${status})"
      fi
    done <<<"${writable}"
    while IFS= read -r table; do
      [[ -n "${table}" ]] || continue
      status="$(bearer_curl "${storage_token}" "${table_headers[@]}" -o /dev/null -w '%{http_code}' "${table_endpoint}/${table}()?\$top=1")" || status=000
      if [[ "${status}" == 200 ]]; then
        ok "${app}: its identity reads table ${table}"
      elif grep -qxF -- "${table}" <<<"${existing}"; then
        fail "${app}: its identity cannot read table ${table} (HTTP ${status})"
      else
        cannot_check "${app}: table ${table} is not in the dev Table service yet"
      fi
    done <<<"${readable}"
  done
  cannot_check "table-scoped roles: the dev Table service accepts any storage token of the tenant, so locally 'may write' only shows the identity reaches the table; in Azure the roles come from infra/modules/identity-rbac.bicep (run this script with -g)"
  cannot_check "host storage (keys, package): the dev stack has none; its isolation is checked in Azure mode and by infra/tests"
}

# --- Azure mode --------------------------------------------------------------------------

# roles_over ASSIGNMENTS_JSON SCOPE [ancestors|descendants|both]: role names of the assignments
# (az role assignment list --all output) that apply at SCOPE (its own scope or an ancestor's),
# or, with both, also those on anything under SCOPE.
roles_over() {
  printf '%s' "$1" | python3 -c '
import json, sys
scope, how = sys.argv[1].lower().rstrip("/"), sys.argv[2]
names = set()
for a in json.load(sys.stdin):
    s = str(a.get("scope", "")).lower().rstrip("/")
    above = scope == s or scope.startswith(s + "/")
    below = s.startswith(scope + "/")
    if above or (how == "both" and below):
        names.add(a.get("roleDefinitionName") or a.get("roleDefinitionId", "?"))
print("\n".join(sorted(names)))
' "$2" "${3:-ancestors}"
}

# graph_get URL: a Graph GET as the signed-in operator, every page (values merged).
graph_get_all() {
  local url="$1" page merged="[]" next
  while [[ -n "${url}" ]]; do
    page="$(az rest --method get --url "${url}" --output json)" || return 1
    merged="$(printf '%s\n%s' "${merged}" "${page}" | python3 -c '
import json, sys
first, second = sys.stdin.read().split("\n", 1)
print(json.dumps(json.loads(first) + json.loads(second).get("value", [])))
')"
    next="$(json_get "d.get('@odata.nextLink')" <<<"${page}")"
    url="${next}"
  done
  printf '%s' "${merged}"
}

azure_checks() {
  [[ -n "${resource_group}" ]] || die "no resource group: pass -g RESOURCE_GROUP (or --local for ephemgate-dev)"
  command -v az >/dev/null 2>&1 || die "the Azure CLI (az) is not installed"
  if [[ -n "${subscription}" ]]; then
    az account set --subscription "${subscription}" >/dev/null || die "cannot select subscription ${subscription}"
  fi
  az account show --query user.name --output tsv >/dev/null 2>&1 || die "the Azure CLI is not signed in: run 'az login'"

  local outputs
  outputs="$(az deployment group show --resource-group "${resource_group}" --name "${deployment_name}" \
    --query properties.outputs --output json)" || die "cannot read the outputs of deployment ${deployment_name} in ${resource_group}"
  out() { json_get "d['$1']['value']" <<<"${outputs}"; }

  local notif oob
  notif="$([[ "$(json_get "d['graphGrantConditions']['value']['notificationSender']" <<<"${outputs}")" == true ]] && echo on || echo off)"
  oob="$([[ "$(json_get "d['graphGrantConditions']['value']['outOfBandDetection']" <<<"${outputs}")" == true ]] && echo on || echo off)"
  [[ -z "${notification_sender}" ]] || notif="${notification_sender}"
  [[ -z "${out_of_band}" ]] || oob="${out_of_band}"

  # Graph's app roles: id -> name.
  local graph_sp graph_sp_id role_names
  if graph_sp="$(az rest --method get --url "https://graph.microsoft.com/v1.0/servicePrincipals(appId='${graph_app_id}')?\$select=id,appRoles" --output json)"; then
    graph_sp_id="$(json_get "d['id']" <<<"${graph_sp}")"
    role_names="$(json_get "[r['id'] + ' ' + r['value'] for r in d['appRoles']]" <<<"${graph_sp}")"
  else
    graph_sp_id=""
    cannot_check "Graph grants: the signed-in operator cannot read the Microsoft Graph service principal"
  fi

  local data_account data_account_id tables_listing
  data_account="$(out storageAccountName)"
  data_account_id="$(az storage account show --name "${data_account}" --resource-group "${resource_group}" --query id --output tsv)" || data_account_id=""
  tables_listing=""
  if [[ -n "${data_account_id}" ]] && tables_listing="$(az rest --method get --url "${data_account_id}/tableServices/default/tables?api-version=2023-05-01" --output json)"; then
    local existing table
    existing="$(json_get "[t['name'] for t in d.get('value', [])]" <<<"${tables_listing}")"
    while IFS= read -r table; do
      [[ -n "${table}" ]] || continue
      if grep -qxF -- "${table}" <<<"${existing}"; then ok "table ${table} exists in ${data_account}"; else fail "table ${table} is missing from ${data_account}"; fi
    done < <(all_tables)
  else
    cannot_check "tables: cannot list the tables of the data account ${data_account} through Azure Resource Manager"
  fi

  local app url principal host_account other_host_account assignments held expected roles table
  for app in "${apps[@]}"; do
    if [[ "${app}" == selfservice ]]; then
      url="$(out selfServiceUrl)" principal="$(out selfServicePrincipalId)"
      host_account="$(out selfServiceHostStorageAccountName)" other_host_account="$(out helpdeskHostStorageAccountName)"
    else
      url="$(out helpdeskUrl)" principal="$(out helpdeskPrincipalId)"
      host_account="$(out helpdeskHostStorageAccountName)" other_host_account="$(out selfServiceHostStorageAccountName)"
    fi
    check_health "${app}" "${url%/}"

    # Graph permissions: the identity's service principal's app-role assignments on Graph.
    if [[ -n "${graph_sp_id}" ]]; then
      if assignments="$(graph_get_all "https://graph.microsoft.com/v1.0/servicePrincipals/${principal}/appRoleAssignments")"; then
        held="$(printf '%s\n%s' "${role_names}" "${assignments}" | python3 -c '
import json, sys
lines = sys.stdin.read().split("\n")
names = {}
while lines and not lines[0].startswith("["):
    line = lines.pop(0)
    if line:
        role_id, _, value = line.partition(" ")
        names[role_id] = value
assignments = json.loads("\n".join(lines))
graph = sys.argv[1]
print("\n".join(sorted(names.get(a["appRoleId"], "unknown app role " + a["appRoleId"]) for a in assignments if a.get("resourceId") == graph)))
' "${graph_sp_id}")"
        expected="$(expected_permissions "${app}" "${notif}" "${oob}")"
        compare_permissions "${app}" "${expected}" "${held}" "its service principal's appRoleAssignments"
      else
        cannot_check "${app}: Graph grants (cannot list the appRoleAssignments of service principal ${principal})"
      fi
    fi

    # Azure roles: every assignment of the identity in the subscription, read once.
    local role_assignments own_id other_id
    if ! role_assignments="$(az role assignment list --assignee "${principal}" --all --output json 2>/dev/null)"; then
      cannot_check "${app}: Azure role assignments (the operator cannot list them)"
      continue
    fi

    # Tables: the identity's role on each table it must write or read.
    if [[ -n "${data_account_id}" ]]; then
      while IFS= read -r table; do
        [[ -n "${table}" ]] || continue
        roles="$(roles_over "${role_assignments}" "${data_account_id}/tableServices/default/tables/${table}")"
        if grep -qxF "Storage Table Data Contributor" <<<"${roles}"; then ok "${app}: may write table ${table} (Storage Table Data Contributor)"; else fail "${app}: has no Storage Table Data Contributor on table ${table}"; fi
      done < <(expected_tables "${app}" write)
      while IFS= read -r table; do
        [[ -n "${table}" ]] || continue
        roles="$(roles_over "${role_assignments}" "${data_account_id}/tableServices/default/tables/${table}")"
        if grep -qxE "Storage Table Data (Reader|Contributor)" <<<"${roles}"; then ok "${app}: may read table ${table}"; else fail "${app}: has no Storage Table Data Reader on table ${table}"; fi
      done < <(expected_tables "${app}" read)
    fi

    # Host storage: Blob Data Owner on its own account, nothing at all on the other app's.
    own_id="$(az storage account show --name "${host_account}" --resource-group "${resource_group}" --query id --output tsv 2>/dev/null)" || own_id=""
    other_id="$(az storage account show --name "${other_host_account}" --resource-group "${resource_group}" --query id --output tsv 2>/dev/null)" || other_id=""
    if [[ -n "${own_id}" && -n "${other_id}" ]]; then
      roles="$(roles_over "${role_assignments}" "${own_id}")"
      if grep -qxF "Storage Blob Data Owner" <<<"${roles}"; then ok "${app}: Storage Blob Data Owner on its own host storage ${host_account}"; else fail "${app}: no Storage Blob Data Owner on its own host storage ${host_account} (its host cannot start; a new role can take up to 10 minutes to show)"; fi
      roles="$(roles_over "${role_assignments}" "${other_id}" both)"
      if [[ -z "${roles}" ]]; then ok "${app}: no role on the other app's host storage ${other_host_account}"; else fail "${app}: holds $(tr '\n' ',' <<<"${roles}" | sed 's/,$//') over the other app's host storage ${other_host_account}"; fi
    else
      cannot_check "${app}: host storage roles (cannot read the host storage accounts)"
    fi
  done

  # The TAP policy, as the operator (the identities' Policy.Read.AuthenticationMethod is above).
  local policy state
  if policy="$(az rest --method get --url "https://graph.microsoft.com/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass" --output json 2>/dev/null)"; then
    state="$(json_get "d.get('state')" <<<"${policy}")"
    ok "the TAP policy is readable (state ${state})"
    [[ "${state}" == enabled ]] || note "the Temporary Access Pass method is ${state} in this tenant: no pass can be issued until it is enabled"
  else
    cannot_check "the TAP policy as the operator (needs Policy.Read.AuthenticationMethod or an authentication policy role); each identity's Policy.Read.AuthenticationMethod grant is checked above"
  fi
  cannot_check "the identities' own tokens: outside Azure nobody can obtain a Function App's managed-identity token, so Graph grants were read from the service principals and table writes from role assignments, not tried"
  cannot_check "whether AuditLog.Read.All alone lets the helpdesk read directoryAudits (a generated Graph docs revision also names Directory.Read.All, which is deliberately not granted)"
}

if [[ "${mode}" == local ]]; then
  printf 'Smoke test of ephemgate-dev at %s\n' "${tenant_url}"
  local_checks
else
  printf 'Smoke test of deployment %s in %s\n' "${deployment_name}" "${resource_group}"
  azure_checks
fi

if [[ "${#not_checked[@]}" -gt 0 ]]; then
  printf '\nCould not check:\n'
  printf -- '- %s\n' "${not_checked[@]}"
fi
if [[ "${failures}" -gt 0 ]]; then
  printf '\nsmoke.sh: %s check(s) failed\n' "${failures}"
  exit 1
fi
printf '\nsmoke.sh: every check passed\n'
