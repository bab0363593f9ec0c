"""The helpdesk audit-log tab in a real browser: filters, "load more" paging with the API's
continuationToken, and CSV export of what is loaded. The rows are written straight into the dev
Table service (SPEC 7.4 columns) with Microsoft's azure-data-tables client, so the test knows
exactly which rows exist."""

import csv
import io
import json
import re
import uuid
from datetime import datetime, timedelta, timezone

from azure.core.credentials import AzureNamedKeyCredential
from azure.data.tables import TableServiceClient
from playwright.sync_api import expect

from harness import LENA, SAM, http

ACCOUNT = "devstoreaccount1"
DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
AGENT = f"audit.seed.{uuid.uuid4().hex[:8]}@contoso.example"
FORMULA = '=HYPERLINK("http://example.invalid","click")'


def row(portal: str, action: str, occurred: datetime, target_id: str, target_upn: str, agent: str = AGENT, **extra) -> dict:
    micros = int(occurred.timestamp() * 1_000_000)
    correlation = str(uuid.uuid4())
    entity = {
        "PartitionKey": occurred.strftime("%Y-%m-%d"),
        "RowKey": f"{(2**63 - 1) - micros:019d}_{correlation}",
        "Portal": portal, "Action": action, "AgentUPN": agent, "AgentId": str(uuid.UUID(int=7)),
        "TargetUPN": target_upn, "TargetId": target_id, "CorrelationId": correlation, "OccurredAt": occurred,
        "ClientIp": "203.0.113.7", "UserAgent": "browser-test",
    }
    entity.update(extra)
    return entity


def seed(stack, agent: str = AGENT) -> None:
    """60 helpdesk rows (every 4th DENIED, the rest SUCCESS; targets alternate Lena and Sam) and
    5 self-service rows, one second apart, newest first; the newest carries a formula as reason."""
    service = TableServiceClient(endpoint=stack.table_endpoint, credential=AzureNamedKeyCredential(ACCOUNT, DEV_KEY))
    now = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(seconds=5)
    helpdesk = service.create_table_if_not_exists("TapAuditHelpdesk")
    for index in range(60):
        target = (LENA, "lena.user@contoso.example") if index % 2 == 0 else (SAM, "sam.user@contoso.example")
        extra = {"TapLifetimeMinutes": 120, "TapIsUsableOnce": True, "TicketId": f"T-{index}"}
        if index % 4 == 0:
            extra = {"DenialReason": "target_privileged", "TicketId": f"T-{index}"}
        if index == 0:
            extra["Reason"] = FORMULA
        helpdesk.create_entity(row("helpdesk", "DENIED" if index % 4 == 0 else "SUCCESS", now - timedelta(seconds=index), *target, agent, **extra))
    selfservice = service.create_table_if_not_exists("TapAuditSelfService")
    for index in range(5):
        selfservice.create_entity(row("selfservice", "SUCCESS", now - timedelta(seconds=index, milliseconds=500), LENA, "lena.user@contoso.example",
                                      agent, TapLifetimeMinutes=60, TapIsUsableOnce=True))


def apply(page, **filters):
    for label, value in filters.items():
        control = page.get_by_label(label, exact=True)
        if control.evaluate("element => element.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    page.get_by_role("button", name="Apply filters").click()


def row_ids(page) -> list[str]:
    return page.locator("#audit-rows tr").evaluate_all("rows => rows.map(row => row.dataset.id)")


def test_filters_paging_and_csv_export(stack, portals):
    seed(stack)
    portal = portals(stack, "helpdesk")
    page = portal.sign_in("Victor Viewer")
    status = page.locator("#audit-status")
    rows = page.locator("#audit-rows tr")

    apply(page, Agent=AGENT)
    expect(status).to_have_text("50 entries loaded (Last 7 days); more are available.")
    expect(rows).to_have_count(50)
    more = page.get_by_role("button", name="Load more")
    expect(more).to_be_visible()
    portal.shot("first-page")
    more.click()
    expect(status).to_have_text("65 entries loaded (Last 7 days).")
    expect(rows).to_have_count(65)
    expect(more).to_be_hidden()
    ids = row_ids(page)
    assert len(set(ids)) == 65 and ids == sorted(ids), "each row once, newest first"
    paged = [url for url in portal.requests if "/api/audit-log?" in url and "continuationToken=" in url]
    assert len(paged) == 1 and f"agent={AGENT.replace('@', '%40')}" in paged[0]
    portal.shot("all-pages")

    apply(page, Action="DENIED")
    expect(status).to_have_text("15 entries loaded (Last 7 days).")
    expect(rows.filter(has_text="Denied")).to_have_count(15)
    expect(rows.first).to_contain_text("target_privileged")

    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    assert re.fullmatch(r"ephemgate-audit-\d{4}-\d{2}-\d{2}\.csv", download.value.suggested_filename)
    text = open(download.value.path(), encoding="utf-8-sig").read()
    records = list(csv.DictReader(io.StringIO(text)))
    assert len(records) == 15
    assert {record["action"] for record in records} == {"DENIED"}
    assert {record["agentUPN"] for record in records} == {AGENT}
    assert records[0]["reason"] == "'" + FORMULA, "a formula is exported as text"
    assert records[0]["ticketId"] == "T-0"

    apply(page, Action="", Portal="selfservice")
    expect(status).to_have_text("5 entries loaded (Last 7 days).")
    expect(rows.filter(has_text="Self-service")).to_have_count(5)

    apply(page, Portal="helpdesk", **{"Target user": "sam.user@contoso.example"})
    expect(status).to_have_text("30 entries loaded (Last 7 days).")
    expect(rows.filter(has_text="sam.user@contoso.example")).to_have_count(30)

    apply(page, Period="1", **{"Target user": ""})
    expect(status).to_have_text("50 entries loaded (Last 24 hours); more are available.")
    last = [url for url in portal.requests if "/api/audit-log?" in url][-1]
    assert "days=1" in last and "portal=helpdesk" in last and "target=" not in last

    page.get_by_role("button", name="Reset").click()
    expect(page.get_by_label("Agent", exact=True)).to_have_value("")
    expect(status).to_have_text(re.compile(r"entries loaded \(Last 7 days\)"))
    portal.check_clean(secrets=(portal.token(),))


def test_a_bad_filter_gets_a_readable_message(stack, portals):
    portal = portals(stack, "helpdesk")
    page = portal.sign_in("Victor Viewer")
    expect(page.locator("#audit-status")).to_have_text(re.compile(r"entries loaded|No entries match"))
    apply(page, Agent="bad\u0001agent")  # control characters are refused: 400 invalid_query
    expect(page.locator("#audit-message")).to_contain_text("The filter was not accepted:")
    portal.check_clean()


def test_a_filter_applied_while_the_first_page_loads_wins(stack, portals):
    agent = f"audit.race.{uuid.uuid4().hex[:8]}@contoso.example"
    seed(stack, agent)
    # The first page's two Table reads are held back, so the filter is applied while it loads.
    status, _, body = http("POST", f"{stack.tenant}/dev/faults", json.dumps({"target": "table", "delayMs": 1500, "count": 2}).encode(),
                           {"Content-Type": "application/json"})
    assert status == 204, body
    try:
        portal = portals(stack, "helpdesk")
        page = portal.sign_in("Victor Viewer")
        expect(page.locator("#audit-status")).to_have_text("Loading the audit log…")
        apply(page, Agent=agent, Action="DENIED")
        expect(page.locator("#audit-status")).to_have_text("15 entries loaded (Last 7 days).")
        expect(page.locator("#audit-rows tr")).to_have_count(15)
        expect(page.locator("#audit-rows tr").filter(has_text=agent)).to_have_count(15)
        loads = [url for url in portal.requests if "/api/audit-log?" in url]
        assert len(loads) == 2 and "action=DENIED" in loads[1], loads
        portal.check_clean(secrets=(portal.token(),))
    finally:
        http("DELETE", f"{stack.tenant}/dev/faults")
