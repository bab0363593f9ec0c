"""Issue 16 in a real browser: the helpdesk "Protected accounts" tab (TapAdmin and TapViewer) with
its CSV export, the user card's pass history, the self-service "Your recent passes", and the new
message catalogs in English and German."""

import re
from pathlib import Path

from playwright.sync_api import expect

from flows import generate, issue, open_user, revoke_for
from harness import LENA, SAM, http

REPO = Path(__file__).resolve().parents[2]
CATALOGS = [REPO / "functions/portal-common/pass-history.js", REPO / "functions/helpdesk/portal/helpdesk-protected.js"]


def catalog_keys(text: str, language: str) -> set[str]:
    block = re.search(rf"^  {language}: {{\n(.*?)^  }},", text, re.S | re.M)
    assert block, f"no {language} block"
    return set(re.findall(r'^\s+"([a-zA-Z][\w.]*)":', block.group(1), re.M))


def test_the_new_messages_exist_in_english_and_german():
    for path in CATALOGS:
        text = path.read_text(encoding="utf-8")
        english, german = catalog_keys(text, "en"), catalog_keys(text, "de")
        assert len(english) >= 15, path
        assert english == german, f"{path.name}: only English {sorted(english - german)}, only German {sorted(german - english)}"


def test_viewer_reads_the_protected_accounts_and_exports_them(stack, portals):
    portal = portals(stack, "helpdesk")
    page = portal.sign_in("Victor Viewer", path="/#/protected")
    page.get_by_role("tab", name="Protected accounts").click()
    expect(page.locator("#protected-status")).to_have_text(re.compile(r"^\d+ protected accounts; \d+ of them are still inside the tenant's TAP policy\.$"))
    rows = page.locator("#protected-rows tr")
    expect(rows.first).to_be_visible()
    # Grace holds Global Administrator in the demo directory: listed with that reason.
    grace = page.locator("#protected-rows tr", has_text="grace")
    expect(grace).to_contain_text("Global Administrator")
    assert not page.locator("#protected-rows tr", has_text="lena.user@").count()
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    text = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    assert text.startswith("id,userPrincipalName,displayName,includedByTapPolicy,reasons\r\n")
    assert "Global Administrator" in text
    portal.shot("protected-accounts")
    portal.check_clean()


def test_the_user_card_shows_the_users_passes_and_their_fate(stack, portals):
    revoke_for(stack, SAM)
    portal = portals(stack, "helpdesk")
    page = portal.sign_in("Hannah Agent")
    open_user(page, "sam", "Sam User")
    history = page.locator("#user-history")
    expect(history.get_by_role("heading", name="Recent Temporary Access Passes")).to_be_visible()
    issue(page, reason="History check")
    expect(page.get_by_test_id("tap-removed")).to_be_visible(timeout=20_000)
    page.locator("#user-card").get_by_role("button", name="Revoke TAP").click()
    page.get_by_role("dialog").get_by_role("button", name="Revoke TAP").click()
    # Reopen the user: the history now holds the pass we revoked.
    page.goto(stack.helpdesk + "/#/audit")
    page.goto(stack.helpdesk + f"/#/issue/{SAM}")
    page.reload()
    expect(page.locator("#user-history tr[data-state='REVOKED']").first).to_be_visible()
    expect(page.locator("#user-history")).to_contain_text("hannah.agent@contoso.example")
    portal.shot("user-history")
    portal.check_clean()


def test_self_service_shows_the_users_recent_passes(stack, portals):
    revoke_for(stack, LENA)
    portal = portals(stack, "selfservice")
    page = portal.sign_in("Lena User")
    generate(page)
    expect(page.get_by_test_id("tap-removed")).to_be_visible(timeout=20_000)
    page.reload()
    recent = page.locator("#my-history")
    expect(recent.get_by_role("heading", name="Your recent passes")).to_be_visible()
    expect(recent.locator("tr[data-state]").first).to_be_visible()
    expect(recent).to_contain_text("you, via self-service")
    portal.shot("my-history")
    portal.check_clean()
