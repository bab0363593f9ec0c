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
case "$*" in
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
    log = tmp_path / "az.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("EPHEMGATE_")}
    env.update(PATH=f"{bin_dir}:{os.environ['PATH']}", AZ_LOG=str(log))
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
