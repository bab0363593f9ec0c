"""scripts/deploy.sh: syntax, shellcheck, and its behaviour against a stand-in `az` that
records every call (no Azure here)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from test_check_package import FUNCTIONS, _write_repo, _write_zip

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "deploy.sh"

FAKE_AZ = r"""#!/usr/bin/env bash
printf '%s\n' "$*" >> "${AZ_LOG}"
# fail_first KIND N MESSAGE: the first N calls of this kind fail with MESSAGE on stderr.
fail_first() {
  local counter="${AZ_LOG}.$1" n
  n="$(cat "${counter}" 2>/dev/null || echo 0)"
  echo "$((n + 1))" > "${counter}"
  if [[ "${n}" -lt "$2" ]]; then
    printf 'ERROR: %s\n' "$3" >&2
    exit 1
  fi
}
case "$*" in
  "deployment group create"*) fail_first deploy "${AZ_FAIL_DEPLOY:-0}" "${AZ_DEPLOY_ERROR:-{\"code\": \"BadRequest\", \"message\": \"Not a valid reference update. Graph client request id: 370e13eb.\"}}" ;;
  "functionapp deployment source config-zip"*) fail_first zip "${AZ_FAIL_ZIP:-0}" "Operation returned an invalid status code 'Forbidden' (403): AuthorizationPermissionMismatch" ;;
  "account show --query user.name --output tsv") [[ "${AZ_SIGNED_IN:-1}" == 1 ]] || exit 1; echo "admin@contoso.com" ;;
  "account show --query name --output tsv") echo "Contoso" ;;
  "group exists"*) echo "${AZ_GROUP_EXISTS:-true}" ;;
  *"properties.outputs.selfServiceFunctionAppName.value"*) echo "ephemgate-selfservice-abc123" ;;
  *"properties.outputs.helpdeskFunctionAppName.value"*) echo "ephemgate-helpdesk-abc123" ;;
  *"properties.outputs."*) echo "value" ;;
esac
exit 0
"""


def test_bash_syntax():
    subprocess.run(["bash", "-n", str(SCRIPT)], check=True)


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck not installed (apt-get install shellcheck)")
def test_shellcheck_clean():
    result = subprocess.run(["shellcheck", "-x", str(SCRIPT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_strict_mode_and_no_secret_handling():
    text = SCRIPT.read_text()
    assert "set -euo pipefail" in text
    for forbidden in ("publish-profile", "list-publishing", "keys list", "connection-string", "appsettings set", "--password", "client-secret"):
        assert forbidden not in text, forbidden


@pytest.fixture
def sandbox(tmp_path):
    """A copy of the repository layout the script needs, with packaged zips and a fake az."""
    repo = _write_repo(tmp_path / "repo")
    shutil.copytree(REPO / "infra", repo / "infra", ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    (repo / "scripts").mkdir()
    shutil.copy2(SCRIPT, repo / "scripts" / "deploy.sh")
    for app in FUNCTIONS:
        _write_zip(repo / "dist", app)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    az = bin_dir / "az"
    az.write_text(FAKE_AZ)
    az.chmod(az.stat().st_mode | stat.S_IXUSR)
    # A stand-in `sleep` that records how long the script would wait, so the backoff is checked
    # at its real values without waiting.
    sleep = bin_dir / "sleep"
    sleep.write_text('#!/usr/bin/env bash\nprintf \'%s\\n\' "$*" >> "${SLEEP_LOG}"\n')
    sleep.chmod(sleep.stat().st_mode | stat.S_IXUSR)
    log = tmp_path / "az.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EPHEMGATE_", "AZ_FAIL"))}
    env.update(PATH=f"{bin_dir}:{os.environ['PATH']}", AZ_LOG=str(log), SLEEP_LOG=str(tmp_path / "sleep.log"))
    return repo, env, log


def _deploy(repo: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(repo / "scripts" / "deploy.sh"), *args], env=env, capture_output=True, text=True)


def test_fails_clearly_without_az(tmp_path):
    path = "/usr/bin:/bin"
    if shutil.which("az", path=path):
        pytest.skip("az is installed here")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EPHEMGATE_")}
    env["PATH"] = path
    result = subprocess.run(["bash", str(SCRIPT), "-g", "rg"], env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "Azure CLI (az) is not installed" in result.stderr


def test_fails_clearly_when_not_signed_in(sandbox):
    repo, env, log = sandbox
    result = _deploy(repo, {**env, "AZ_SIGNED_IN": "0"}, "-g", "rg", "--skip-package")
    assert result.returncode != 0
    assert "az login" in result.stderr
    assert "deployment group create" not in log.read_text()


def test_requires_a_resource_group(sandbox):
    repo, env, _ = sandbox
    result = _deploy(repo, env, "--skip-package")
    assert result.returncode != 0
    assert "resource group" in result.stderr


def test_missing_group_needs_a_location(sandbox):
    repo, env, log = sandbox
    result = _deploy(repo, {**env, "AZ_GROUP_EXISTS": "false"}, "-g", "rg", "--skip-package")
    assert result.returncode != 0
    assert "-l LOCATION" in result.stderr
    assert "deployment group create" not in log.read_text()


def test_deploys_bicep_then_both_zips_and_is_repeatable(sandbox):
    repo, env, log = sandbox
    for _ in range(2):
        result = _deploy(repo, env, "-g", "rg-ephemgate", "--skip-package")
        assert result.returncode == 0, result.stderr
    calls = log.read_text().splitlines()
    creates = [c for c in calls if c.startswith("deployment group create")]
    assert len(creates) == 2 and creates[0] == creates[1]
    assert f"--template-file {repo}/infra/main.bicep" in creates[0]
    assert f"--parameters @{repo}/infra/main.parameters.json" in creates[0]
    assert "--name ephemgate" in creates[0] and "--resource-group rg-ephemgate" in creates[0]
    zips = [c for c in calls if c.startswith("functionapp deployment source config-zip")]
    assert len(zips) == 4
    assert any("--name ephemgate-selfservice-abc123" in c and c.endswith(f"--src {repo}/dist/selfservice.zip --output none") for c in zips)
    assert any("--name ephemgate-helpdesk-abc123" in c and c.endswith(f"--src {repo}/dist/helpdesk.zip --output none") for c in zips)
    # The infrastructure is deployed before the code.
    assert calls.index(creates[0]) < calls.index(zips[0])
    assert not any(c.startswith("group create") for c in calls)
    for call in calls:
        for forbidden in ("keys", "publish-profile", "publishing-credentials", "connection-string", "appsettings"):
            assert forbidden not in call, call


def test_refuses_a_broken_package(sandbox):
    repo, env, log = sandbox
    _write_zip(repo / "dist", "helpdesk", handler_mode=0o644)
    result = _deploy(repo, env, "-g", "rg", "--skip-package")
    assert result.returncode != 0
    assert "package check failed" in result.stderr
    assert "deployment group create" not in log.read_text()


def _waits(env: dict) -> list[int]:
    path = Path(env["SLEEP_LOG"])
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def test_retries_the_graph_reference_error_then_deploys(sandbox):
    """msgraph-bicep-types#193: the first deployment's app-role grant to a new managed identity
    fails once with "Not a valid reference update"; the script says what it waits for, runs the
    same deployment again, and only then deploys the code."""
    repo, env, log = sandbox
    result = _deploy(repo, {**env, "AZ_FAIL_DEPLOY": "2"}, "-g", "rg", "--skip-package")
    assert result.returncode == 0, result.stderr
    calls = log.read_text().splitlines()
    creates = [c for c in calls if c.startswith("deployment group create")]
    assert len(creates) == 3 and len(set(creates)) == 1
    assert "Not a valid reference update" in result.stdout + result.stderr
    assert result.stderr.count("deploy.sh: waiting") == 2
    assert "for Entra to replicate the new managed identities" in result.stderr
    assert _waits(env) == [15, 30]
    zips = [i for i, c in enumerate(calls) if c.startswith("functionapp deployment source config-zip")]
    assert len(zips) == 2 and zips[0] > calls.index(creates[-1])


def test_retries_the_zip_deploy_until_the_storage_role_applies(sandbox):
    """On Flex the package is written with the app's own identity: a first upload can get 403
    until its new role applies. The script waits with a doubling, capped delay."""
    repo, env, log = sandbox
    result = _deploy(repo, {**env, "AZ_FAIL_ZIP": "5"}, "-g", "rg", "--skip-package")
    assert result.returncode == 0, result.stderr
    zips = [c for c in log.read_text().splitlines() if c.startswith("functionapp deployment source config-zip")]
    # five failures and a success for the first app, one call for the second
    assert len(zips) == 7
    assert sum("selfservice.zip" in c for c in zips) == 6 and sum("helpdesk.zip" in c for c in zips) == 1
    assert "Storage Blob Data Owner role of ephemgate-selfservice-abc123's managed identity" in result.stderr
    assert _waits(env) == [15, 30, 60, 120, 120]


def test_retries_are_bounded(sandbox):
    repo, env, log = sandbox
    result = _deploy(repo, {**env, "AZ_FAIL_ZIP": "100", "EPHEMGATE_ZIP_ATTEMPTS": "3"}, "-g", "rg", "--skip-package")
    assert result.returncode != 0
    zips = [c for c in log.read_text().splitlines() if c.startswith("functionapp deployment source config-zip")]
    assert len(zips) == 3
    assert "still failing after 3 attempts" in result.stderr
    assert _waits(env) == [15, 30]
    # The default bound: 8 attempts, at most 15+30+60+120*4 = 585 s of waiting.
    result = _deploy(repo, {**env, "AZ_FAIL_DEPLOY": "100"}, "-g", "rg", "--skip-package")
    assert result.returncode != 0
    creates = [c for c in log.read_text().splitlines() if c.startswith("deployment group create")]
    assert len(creates) == 4 + 1  # four attempts here, one from the first run above
    assert "gave up waiting for Entra to replicate" in result.stderr


def test_an_unknown_deployment_error_is_not_retried(sandbox):
    repo, env, log = sandbox
    error = '{"code": "InvalidTemplate", "message": "Deployment template validation failed."}'
    result = _deploy(repo, {**env, "AZ_FAIL_DEPLOY": "1", "AZ_DEPLOY_ERROR": error}, "-g", "rg", "--skip-package")
    assert result.returncode != 0
    assert "InvalidTemplate" in result.stdout + result.stderr
    assert "not a known transient error" in result.stderr
    calls = log.read_text().splitlines()
    assert sum(c.startswith("deployment group create") for c in calls) == 1
    assert not any(c.startswith("functionapp deployment") for c in calls)
    assert _waits(env) == []


def test_a_second_run_after_retries_repeats_the_same_calls(sandbox):
    """Retries never change what is deployed: a clean second run issues exactly the calls of a
    clean first run (same deployment name, template, parameters and zips)."""
    repo, env, log = sandbox
    assert _deploy(repo, {**env, "AZ_FAIL_DEPLOY": "1", "AZ_FAIL_ZIP": "1"}, "-g", "rg", "--skip-package").returncode == 0
    first = [c for c in log.read_text().splitlines()]
    log.write_text("")
    assert _deploy(repo, env, "-g", "rg", "--skip-package").returncode == 0
    second = log.read_text().splitlines()
    assert sorted(set(first)) == sorted(set(second))
    assert len(second) == len(first) - 2


def test_what_if_says_it_cannot_preview_graph_resources(sandbox):
    repo, env, log = sandbox
    result = _deploy(repo, env, "-g", "rg", "--skip-package", "--what-if")
    assert result.returncode == 0
    assert "cannot preview the Microsoft Graph" in result.stdout
    calls = log.read_text().splitlines()
    assert any(c.startswith("deployment group what-if") for c in calls)
    assert not any(c.startswith(("deployment group create", "functionapp")) for c in calls)
