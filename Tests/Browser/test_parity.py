"""Issue 14 in a real browser: one test per High and Medium item (the helpdesk at Entra parity and
the portals without traps). They run on their own stack (a pass is shown for 30 seconds, the agent
limit is high enough for the many issuances here)."""

import json
import re

import pytest
from playwright.sync_api import expect

from flows import open_user, revoke_for
from harness import HANNAH, LENA, SAM, start_stack

DAVE = "aaaaaaaa-0000-4000-8000-000000000011"
QUINN = "aaaaaaaa-0000-4000-8000-000000000013"
LI_WEI = "aaaaaaaa-0000-4000-8000-000000000021"
EMMA = "aaaaaaaa-0000-4000-8000-000000000024"
OLGA = "aaaaaaaa-0000-4000-8000-000000000029"


@pytest.fixture(scope="module")
def parity_stack(binaries):
    running = start_stack("parity", binaries, both={"TAP_DISPLAY_TIMEOUT_SECONDS": "30"},
                          helpdesk={"RATE_LIMIT_PER_AGENT_PER_HOUR": "200"})
    yield running
    running.stop()


def confirm_issue(page, expect_text: str | None = None):
    page.locator("#user-card").get_by_role("button", name="Issue TAP").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    if expect_text:
        expect(dialog).to_contain_text(expect_text)
    dialog.get_by_role("button", name="Issue TAP").click()
    expect(dialog).to_have_count(0)


def test_item1_a_second_click_cannot_wipe_the_pass(parity_stack, portals):
    revoke_for(parity_stack, LENA)
    portal = portals(parity_stack, "helpdesk")
    page = portal.sign_in("Hannah Agent")
    open_user(page, "lena", "Lena User")
    confirm_issue(page)
    tap_card = page.get_by_test_id("tap-card")
    expect(tap_card).to_be_visible()
    button = page.locator("#user-card").get_by_role("button", name="Issue TAP")
    expect(button).to_be_disabled()
    expect(page.locator("#generate-hint")).to_contain_text("The pass is shown below")
    button.click(force=True)  # a click on the disabled button changes nothing
    expect(tap_card).to_be_visible()
    assert not [url for url in portal.requests if "/api/generate-tap/" in url][1:], "no second issuance request"
    # Removed from the screen: still disabled while the user has an active pass.
    tap_card.get_by_role("button", name="Remove from page").click()
    expect(button).to_be_disabled()
    expect(page.locator("#generate-hint")).to_contain_text("already has an active pass")

    # Self-service too.
    me = portals(parity_stack, "selfservice")
    revoke_for(parity_stack, SAM)
    own = me.sign_in("Sam User")
    own.get_by_role("button", name="Generate TAP").click()
    own.get_by_role("dialog").get_by_role("button", name="Generate TAP").click()
    expect(own.get_by_test_id("tap-card")).to_be_visible()
    expect(own.get_by_role("button", name="Generate TAP")).to_be_disabled()
    revoke_for(parity_stack, SAM)


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_item2_the_issued_pass_is_in_view_and_focused(parity_stack, portals, viewport):
    revoke_for(parity_stack, EMMA)
    portal = portals(parity_stack, "helpdesk", viewport=viewport, is_mobile=viewport["width"] < 500)
    page = portal.sign_in("Hannah Agent")
    open_user(page, "emma", "Emma Johnson")
    confirm_issue(page)
    heading = page.locator("#tap-heading")
    expect(heading).to_be_focused()
    expect(heading).to_be_in_viewport()
    expect(page.locator("#tap-value")).to_be_in_viewport()
    expect(heading).to_have_attribute("aria-describedby", "tap-countdown")
    expect(page.locator("#announcer")).not_to_contain_text("was issued")  # heard once: by focus, not again by the live region
    portal.shot("pass-in-view")
    revoke_for(parity_stack, EMMA)


def test_item3_a_new_search_closes_the_previous_card(parity_stack, portals):
    portal = portals(parity_stack, "helpdesk")
    page = portal.sign_in("Hannah Agent")
    expect(page.get_by_label("Find a user")).to_be_focused()  # focus on the search after sign-in (Low)
    open_user(page, "olga", "Olga Petrova")
    page.get_by_label("Find a user").fill("kenji")
    expect(page.locator("#results")).to_contain_text("Kenji Tanaka")
    expect(page.locator("#user-card .user-card")).to_have_count(0)
    expect(page.locator("#user-card").get_by_role("button", name="Issue TAP")).to_have_count(0)


def test_item4_search_finds_surnames_and_words_of_the_name(parity_stack, portals):
    portal = portals(parity_stack, "helpdesk")
    page = portal.sign_in("Hannah Agent")
    search = page.get_by_label("Find a user")
    for query, name in (("Wei", "Li Wei"), ("O'Brien", "Seán O'Brien"), ("Müller", "Jürgen Müller"), ("Farsi", "Mohammed Al-Farsi")):
        search.fill(query)
        expect(page.locator("#search-status")).to_have_text("1 user found.")
        expect(page.locator("#results")).to_contain_text(name)


def test_item5_options_as_in_entra(parity_stack, portals):
    revoke_for(parity_stack, LI_WEI)
    portal = portals(parity_stack, "helpdesk")
    page = portal.sign_in("Hannah Agent")
    open_user(page, "li.wei", "Li Wei")
    card = page.locator("#user-card")
    lifetime = card.get_by_label("Lifetime in minutes")
    expect(lifetime).to_have_attribute("min", "60")
    expect(lifetime).to_have_attribute("max", "480")
    expect(card).to_contain_text("From 60 minutes to 8 hours")
    once = card.get_by_label("Usable for one sign-in only")
    expect(once).to_be_checked()
    expect(once).to_be_disabled()  # TAP_ALLOW_MULTI_USE is false by default
    # Outside the range: refused in the form, before any request.
    lifetime.fill("9999")
    card.get_by_role("button", name="Issue TAP").click()
    expect(card.locator("#issue-message")).to_contain_text("Choose a lifetime from 60 to 480 minutes.")
    expect(page.get_by_role("dialog")).to_have_count(0)
    # A new hire's first day: 90 minutes, starting in 3 days.
    lifetime.fill("90")
    start = page.evaluate("""() => { const d = new Date(Date.now() + 3 * 86400000); d.setSeconds(0, 0);
        return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16); }""")
    card.get_by_label("Start (optional)").fill(start)
    confirm_issue(page, expect_text="Valid for 90 minutes, for one sign-in.")
    tap_card = page.get_by_test_id("tap-card")
    expect(tap_card).to_contain_text("90 minutes")
    expect(card.locator("#user-tap-status")).to_contain_text("it is not valid yet")
    issued = [url for url in portal.requests if "/api/generate-tap/" in url]
    assert issued == [f"{parity_stack.helpdesk}/api/generate-tap/{LI_WEI}"]
    token = parity_stack.dev_token({"app": "helpdesk", "oid": HANNAH})
    status, _, body = parity_stack.api("helpdesk", "GET", f"/api/users/{LI_WEI}/tap", token)
    assert status == 200 and body["tap"]["lifetimeInMinutes"] == 90 and body["tap"]["methodUsabilityReason"] == "NotYetValid", body
    revoke_for(parity_stack, LI_WEI)


def test_item6_why_no_pass_is_said_up_front(parity_stack, portals):
    portal = portals(parity_stack, "helpdesk")
    page = portal.sign_in("Hannah Agent")
    search = page.get_by_label("Find a user")
    for query, name, badge, sentence in (
            ("alex", "Alex", "external guest", "guest from another organisation"),
            ("dave", "Dave", "disabled", "this account is disabled"),
            ("hannah.agent", "Hannah Agent", "you", "This is your own account")):
        search.fill(query)
        result = page.locator("#results").get_by_role("button", name=re.compile(name))
        expect(result).to_contain_text(badge)
        result.click()
        card = page.locator("#user-card")
        expect(card.get_by_test_id("cannot-issue")).to_contain_text(sentence)
        expect(card.get_by_role("button", name="Issue TAP")).to_be_hidden()
    assert not [url for url in portal.requests if "/api/generate-tap/" in url]


def test_item7_audit_log_speaks_german_and_names_people(parity_stack, portals):
    token = parity_stack.dev_token({"app": "helpdesk", "oid": HANNAH})
    status, _, _ = parity_stack.api("helpdesk", "PUT", f"/api/generate-tap/{HANNAH}", token)
    assert status == 403
    portal = portals(parity_stack, "helpdesk", locale="de-DE")
    page = portal.sign_in("Hannah Agent", sign_in_label="Anmelden", signed_in_text="Angemeldet als Hannah Agent")
    page.get_by_role("tab", name="Überwachungsprotokoll").click()
    rows = page.locator("#audit-rows tr")
    row = rows.filter(has_text="Ein Agent wollte sich selbst einen Pass ausstellen.").first
    expect(row).to_be_visible()
    expect(row).not_to_contain_text("self_target")
    expect(row.locator("td.who").first).to_contain_text("Hannah Agent")
    portal.shot("audit-de")


def test_item8_audit_filters_ignore_case_and_take_prefixes_and_tickets(parity_stack, portals):
    revoke_for(parity_stack, OLGA)
    token = parity_stack.dev_token({"app": "helpdesk", "oid": HANNAH})
    status, _, _ = parity_stack.api("helpdesk", "PUT", f"/api/generate-tap/{OLGA}", token, {"ticketId": "PAR-8"})
    assert status == 200
    revoke_for(parity_stack, OLGA)
    portal = portals(parity_stack, "helpdesk")
    page = portal.sign_in("Hannah Agent")
    page.get_by_role("tab", name="Audit log").click()
    for field, value in (("Agent", "HANNAH.AGENT@"), ("Target user", "olga p")):
        page.get_by_label(field).fill(value)
    page.get_by_label("Ticket").fill("PAR-8")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#audit-status")).to_have_text("1 entry loaded (Last 7 days).")
    expect(page.locator("#audit-rows tr").first).to_contain_text("Olga Petrova")
    last = [url for url in portal.requests if "/api/audit-log?" in url][-1]
    assert "ticketId=PAR-8" in last and "agent=HANNAH.AGENT%40" in last, last


def test_item9_dialogs_open_on_the_safe_choice_and_give_focus_back(parity_stack, portals):
    revoke_for(parity_stack, LENA)
    token = parity_stack.dev_token({"app": "helpdesk", "oid": HANNAH})
    assert parity_stack.api("helpdesk", "PUT", f"/api/generate-tap/{LENA}", token)[0] == 200
    portal = portals(parity_stack, "helpdesk")
    page = portal.sign_in("Hannah Agent")
    open_user(page, "lena", "Lena User")
    revoke = page.locator("#user-card").get_by_role("button", name="Revoke TAP")
    revoke.click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Enter")  # Enter takes the safe choice
    expect(dialog).to_have_count(0)
    expect(revoke).to_be_focused()
    expect(page.locator("#user-tap-status")).to_contain_text("A Temporary Access Pass is active")
    revoke.click()
    dialog.get_by_role("button", name="Revoke TAP").click()
    expect(page.locator("#issue-message")).to_contain_text("The Temporary Access Pass was revoked.")
    expect(page.locator("#user-tap-status")).to_have_text("No Temporary Access Pass is active.")
    # The opener (Revoke) is gone with the pass: focus goes to the user's heading, never <body>.
    expect(page.locator("#user-heading")).to_be_focused()


def test_item10_refusals_say_what_to_do_and_revocation_keeps_a_reason(parity_stack, portals):
    portal = portals(parity_stack, "helpdesk")
    page = portal.sign_in("Hannah Agent")
    open_user(page, "quinn", "Quinn")
    confirm_issue(page)
    message = page.locator("#issue-message")
    expect(message).to_contain_text("This account cannot get a Temporary Access Pass.")
    expect(message).to_contain_text("Ask an administrator to check the account")
    assert "(" not in message.inner_text()
    # Revocation with a reason and ticket from the form.
    revoke_for(parity_stack, SAM)
    token = parity_stack.dev_token({"app": "helpdesk", "oid": HANNAH})
    assert parity_stack.api("helpdesk", "PUT", f"/api/generate-tap/{SAM}", token)[0] == 200
    open_user(page, "sam.user", "Sam User")
    card = page.locator("#user-card")
    card.get_by_label("Reason").fill("Device returned")
    card.get_by_label("Ticket number").fill("REV-10")
    card.get_by_role("button", name="Revoke TAP").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("stored with the revocation")
    dialog.get_by_role("button", name="Revoke TAP").click()
    expect(card.locator("#issue-message")).to_contain_text("The Temporary Access Pass was revoked.")
    status, _, body = parity_stack.api("helpdesk", "GET", "/api/audit-log?ticketId=REV-10", token)
    assert status == 200 and [(e["action"], e.get("reason")) for e in body["entries"]] == [("REVOKED", "Device returned")], json.dumps(body)
