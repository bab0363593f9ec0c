#!/usr/bin/env bash
# Deploy EphemGate for Swift: package both Function Apps, deploy infra/main.bicep with the
# Azure CLI, then deploy both zips. Idempotent: run it again to apply changes.
#
# Usage:
#   scripts/deploy.sh -g RESOURCE_GROUP [-l LOCATION] [-p PARAMETERS_FILE] [-s SUBSCRIPTION]
#                     [--skip-package] [--what-if]
#
# Environment equivalents: EPHEMGATE_RESOURCE_GROUP, EPHEMGATE_LOCATION,
# EPHEMGATE_PARAMETERS_FILE, EPHEMGATE_SUBSCRIPTION, EPHEMGATE_DIST_DIR (default: dist).
# Retries (bounded, doubling waits): EPHEMGATE_RETRY_FIRST_WAIT (seconds, default 15),
# EPHEMGATE_RETRY_MAX_WAIT (default 120), EPHEMGATE_DEPLOY_ATTEMPTS (default 4),
# EPHEMGATE_ZIP_ATTEMPTS (default 8).
#
# No secret passes through this script: it signs in with your existing `az login` session,
# passes only the parameters file (names, ids, numbers) and uploads the zips with Microsoft
# Entra authentication (basic-auth publishing is disabled on both apps).

set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

resource_group="${EPHEMGATE_RESOURCE_GROUP:-}"
location="${EPHEMGATE_LOCATION:-}"
parameters_file="${EPHEMGATE_PARAMETERS_FILE:-${repo_root}/infra/main.parameters.json}"
subscription="${EPHEMGATE_SUBSCRIPTION:-}"
dist_dir="${EPHEMGATE_DIST_DIR:-${repo_root}/dist}"
skip_package=false
what_if=false
deployment_name="ephemgate"

die() {
  printf 'deploy.sh: %s\n' "$*" >&2
  exit 1
}

usage() {
  sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

retry_first_wait="${EPHEMGATE_RETRY_FIRST_WAIT:-15}"
retry_max_wait="${EPHEMGATE_RETRY_MAX_WAIT:-120}"
deploy_attempts="${EPHEMGATE_DEPLOY_ATTEMPTS:-4}"
zip_attempts="${EPHEMGATE_ZIP_ATTEMPTS:-8}"
for number in "${retry_first_wait}" "${retry_max_wait}" "${deploy_attempts}" "${zip_attempts}"; do
  [[ "${number}" =~ ^[0-9]+$ ]] || die "retry settings must be whole numbers, got '${number}'"
done

# retry ATTEMPTS PATTERN WAITING_FOR -- COMMAND...
# Runs COMMAND; when it fails and its output matches the extended regular expression PATTERN
# (empty: any failure), says what it is waiting for and runs it again after a doubling wait
# (EPHEMGATE_RETRY_FIRST_WAIT, capped at EPHEMGATE_RETRY_MAX_WAIT), at most ATTEMPTS times in
# all. The command's output is shown every time; a failure that does not match, or the last
# one, ends the script.
retry() {
  local attempts="$1" pattern="$2" waiting_for="$3"
  shift 4
  local attempt=1 wait="${retry_first_wait}" output status
  while true; do
    status=0
    output="$("$@" 2>&1)" || status=$?
    if [[ -n "${output}" ]]; then
      printf '%s\n' "${output}"
    fi
    if [[ "${status}" -eq 0 ]]; then
      return 0
    fi
    if [[ -n "${pattern}" ]] && ! grep -Eq -- "${pattern}" <<<"${output}"; then
      die "'$1 $2 $3' failed (exit ${status}); not a known transient error, so not retried"
    fi
    if [[ "${attempt}" -ge "${attempts}" ]]; then
      die "'$1 $2 $3' still failing after ${attempts} attempts: gave up waiting for ${waiting_for}"
    fi
    printf 'deploy.sh: waiting %s s for %s, then trying again (attempt %s of %s)\n' \
      "${wait}" "${waiting_for}" "$((attempt + 1))" "${attempts}" >&2
    sleep "${wait}"
    attempt=$((attempt + 1))
    wait=$((wait * 2))
    if [[ "${wait}" -gt "${retry_max_wait}" ]]; then
      wait="${retry_max_wait}"
    fi
  done
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    -g | --resource-group)
      [[ $# -ge 2 ]] || die "$1 needs a value"
      resource_group="$2"
      shift 2
      ;;
    -l | --location)
      [[ $# -ge 2 ]] || die "$1 needs a value"
      location="$2"
      shift 2
      ;;
    -p | --parameters)
      [[ $# -ge 2 ]] || die "$1 needs a value"
      parameters_file="$2"
      shift 2
      ;;
    -s | --subscription)
      [[ $# -ge 2 ]] || die "$1 needs a value"
      subscription="$2"
      shift 2
      ;;
    --skip-package)
      skip_package=true
      shift
      ;;
    --what-if)
      what_if=true
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

[[ -n "${resource_group}" ]] || die "no resource group: pass -g RESOURCE_GROUP or set EPHEMGATE_RESOURCE_GROUP"
[[ -f "${parameters_file}" ]] || die "parameters file not found: ${parameters_file}"

command -v az >/dev/null 2>&1 || die "the Azure CLI (az) is not installed: https://learn.microsoft.com/cli/azure/install-azure-cli"

if [[ -n "${subscription}" ]]; then
  az account set --subscription "${subscription}" >/dev/null || die "cannot select subscription ${subscription}"
fi

if ! signed_in_as="$(az account show --query user.name --output tsv 2>/dev/null)"; then
  die "the Azure CLI is not signed in: run 'az login' (and 'az account set --subscription ...')"
fi
printf 'Signed in as %s, subscription %s\n' "${signed_in_as}" "$(az account show --query name --output tsv)"

# The Microsoft Graph Bicep extension and fail() need a current Bicep; az installs and
# upgrades its own copy.
az bicep install --only-show-errors >/dev/null 2>&1 || true
az bicep upgrade --only-show-errors >/dev/null 2>&1 || true

# 1. Package (release binaries + function folders + portal files -> dist/*.zip).
if [[ "${skip_package}" == false ]]; then
  [[ -x "${repo_root}/scripts/package.sh" ]] || die "scripts/package.sh is missing or not executable"
  "${repo_root}/scripts/package.sh"
fi
for app in selfservice helpdesk; do
  [[ -f "${dist_dir}/${app}.zip" ]] || die "missing ${dist_dir}/${app}.zip: run scripts/package.sh first"
done
if command -v python3 >/dev/null 2>&1; then
  python3 "${repo_root}/infra/tests/check_package.py" "${dist_dir}" "${repo_root}" || die "package check failed"
fi

# 2. Resource group (idempotent).
if [[ "$(az group exists --name "${resource_group}")" != "true" ]]; then
  [[ -n "${location}" ]] || die "resource group ${resource_group} does not exist: pass -l LOCATION to create it"
  az group create --name "${resource_group}" --location "${location}" --output none
fi

deploy_args=(
  --resource-group "${resource_group}"
  --name "${deployment_name}"
  --template-file "${repo_root}/infra/main.bicep"
  --parameters "@${parameters_file}"
)
if [[ -n "${location}" ]]; then
  deploy_args+=(--parameters "location=${location}")
fi

if [[ "${what_if}" == true ]]; then
  printf 'deploy.sh: what-if previews the Azure resources only; it cannot preview the Microsoft Graph\n'
  printf 'resources (app registrations, service principals, app-role grants, consent): Azure/bicep#17743.\n'
  az deployment group what-if "${deploy_args[@]}"
  exit 0
fi

# 3. Infrastructure (Azure resources and Entra objects) in one deployment. On a first run the
#    Graph extension can refuse an app-role grant to a managed identity created moments earlier
#    ("Not a valid reference update", microsoftgraph/msgraph-bicep-types#193) although the same
#    deployment succeeds when run again; Azure RBAC can likewise not see a new identity yet
#    (PrincipalNotFound). Only those errors are retried; the deployment is idempotent.
printf 'Deploying infra/main.bicep to %s ...\n' "${resource_group}"
retry "${deploy_attempts}" 'Not a valid reference update|PrincipalNotFound' \
  "Entra to replicate the new managed identities (the Graph app-role grant or role assignment did not see them yet)" -- \
  az deployment group create "${deploy_args[@]}" --output none

output() {
  az deployment group show --resource-group "${resource_group}" --name "${deployment_name}" \
    --query "properties.outputs.$1.value" --output tsv
}

selfservice_app="$(output selfServiceFunctionAppName)"
helpdesk_app="$(output helpdeskFunctionAppName)"
[[ -n "${selfservice_app}" && -n "${helpdesk_app}" ]] || die "deployment outputs are missing the Function App names"

# 4. Code: one zip per Function App (zip deploy through the app's deployment endpoint,
#    Entra-authenticated; on Flex the package lands in the app's blob container). On Flex the
#    platform writes the package with the app's OWN identity, whose Storage Blob Data Owner role
#    was assigned seconds ago and can take minutes to apply (up to about 10 minutes), so a first
#    upload can fail with 403. The package was checked above, so any failure is retried within
#    the bound; the same zip deployed again changes nothing.
for pair in "selfservice:${selfservice_app}" "helpdesk:${helpdesk_app}"; do
  app="${pair%%:*}"
  site="${pair#*:}"
  printf 'Deploying %s.zip to %s ...\n' "${app}" "${site}"
  retry "${zip_attempts}" '' \
    "the Storage Blob Data Owner role of ${site}'s managed identity on its host storage to take effect" -- \
    az functionapp deployment source config-zip \
    --resource-group "${resource_group}" \
    --name "${site}" \
    --src "${dist_dir}/${app}.zip" \
    --output none
done

printf '\nSelf-service portal: %s\n' "$(output selfServiceUrl)"
printf 'Helpdesk portal:     %s\n' "$(output helpdeskUrl)"
printf 'Graph permissions (self-service): %s\n' "$(output selfServiceGraphPermissions | tr '\n' ' ')"
printf 'Graph permissions (helpdesk):     %s\n' "$(output helpdeskGraphPermissions | tr '\n' ' ')"
printf '\nCheck the deployment once: scripts/smoke.sh -g %s\n' "${resource_group}"
