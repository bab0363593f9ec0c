"""infra/README.md stays in step with graph-permissions.json and says what the checks cannot do.

`python3 infra/tests/test_docs.py` prints the permission table to paste into the README."""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bicep_model import INFRA, graph_permissions  # noqa: E402

README = INFRA / "README.md"
START, END = "<!-- graph-permissions:start -->", "<!-- graph-permissions:end -->"


GRANTED = {
    "always": "always",
    "notificationSender": "only when `notificationSender` is set and `grantMailSendInEntra` is true",
    "outOfBandDetection": "only when `outOfBandDetection` (`OUT_OF_BAND_DETECTION`) is true",
}


def render_permission_table() -> str:
    rows = ["| Graph application permission | apps | granted | Graph calls that need it | least privilege checked against |", "| --- | --- | --- | --- | --- |"]
    for p in graph_permissions()["permissions"]:
        granted = GRANTED[p["condition"]]
        calls = "<br>".join(f"`{c.split(' (')[0]}`" + (f" ({c.split(' (', 1)[1]}" if " (" in c else "") for c in p["calls"])
        source = p.get("source", "").replace("|", "/")
        rows.append(f"| `{p['name']}` | {', '.join(p['apps'])} | {granted} | {calls} | {source} |")
    return "\n".join(rows)


def _readme() -> str:
    return README.read_text()


def test_permission_table_matches_graph_permissions_json():
    text = _readme()
    assert START in text and END in text
    table = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert table == render_permission_table(), "regenerate with: python3 infra/tests/test_docs.py"


def test_readme_covers_the_required_topics():
    text = _readme()
    for needle in (
        "az bicep build",
        "tree-sitter-bicep",
        "pycep-parser",
        "Conditional Access",
        "New-ManagementRoleAssignment",
        "grantMailSendInEntra",
        "union",
        "scripts/deploy.sh",
        "config-zip",
        "custom",
        "dotnet-isolated",
        "BLOCKED_PRIVILEGED",
        "OUT_OF_BAND",
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
        # issue 17: sources followed and limits stated
        "functions-reference.md",
        "azure-functions-flex-consumption-samples",
        "excludedTypes",
        "msgraph-bicep-types#193",
        "Azure/bicep#17743",
        "P1 or P2",
        "nested groups are not honoured",
        "scripts/smoke.sh",
        "appRoleAssignments",
        "UserAuthMethod-TAP.ReadWrite.All",
        "Upgrading from the single-account layout",
    ):
        assert needle in text, needle
    for table in ("TapAuditSelfService", "TapAuditHelpdesk", "TapRateLimits", "TapLedger", "TapHandovers"):
        assert table in text


def test_every_rbac_role_is_documented():
    text = _readme()
    for role in ("Storage Blob Data Owner", "Storage Table Data Contributor", "Storage Table Data Reader", "Monitoring Metrics Publisher"):
        assert re.search(re.escape(role), text), role


if __name__ == "__main__":
    print(render_permission_table())
