"""Handovers (SPEC 7.6) in a real browser: Hannah sends a pass for Sam to his manager Lena from the
user card (keyboard only), Lena sees it waiting in the self-service portal and picks it up, the
pass is shown only to her; the helpdesk Handovers tab lists it as picked up, and the German
self-service page words it in German."""

import re

from playwright.sync_api import expect

from flows import open_user, revoke_for
from harness import HANNAH, SAM


def test_send_to_manager_and_pick_up_in_self_service(stack, portals):
    revoke_for(stack, SAM)
    helpdesk = portals(stack, "helpdesk")
    page = helpdesk.sign_in("Hannah Agent")
    open_user(page, "sam", "Sam User")
    card = page.locator("#user-card")
    card.get_by_label("Reason").fill("Lost phone, called from the office line")
    send = card.get_by_role("button", name="Send to manager")
    expect(send).to_be_visible()
    expect(card.get_by_role("button", name="Issue TAP")).to_be_visible()
    send.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Send a Temporary Access Pass for Sam User to their manager?")
    # The dialog opens on the safe choice (issue 14); the agent moves to the confirming button.
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    dialog.get_by_role("button", name="Send to manager").focus()
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)
    expect(card.locator("#issue-message")).to_contain_text("Request created for Sam User: requested")
    expect(page.get_by_test_id("tap-card")).to_have_count(0)
    helpdesk.shot("sent-to-manager")

    # Lena, Sam's manager, picks it up in self-service.
    selfservice = portals(stack, "selfservice")
    lena = selfservice.sign_in("Lena User")
    waiting = lena.locator("#handovers")
    expect(waiting.get_by_role("heading", name="A pass for Sam User is waiting for you")).to_be_visible()
    expect(waiting).to_contain_text("Requested by hannah.agent@contoso.example")
    expect(waiting).to_contain_text("Reason: Lost phone, called from the office line")
    selfservice.shot("waiting")
    pick = waiting.get_by_role("button", name="Pick up pass for Sam User")
    pick.focus()
    lena.keyboard.press("Enter")
    lena.get_by_role("dialog").get_by_role("button", name="Pick up pass for Sam User").press("Enter")
    tap_card = waiting.get_by_test_id("tap-card")
    expect(tap_card).to_contain_text("Temporary Access Pass for Sam User")
    tap_card.get_by_role("button", name="Show").click()
    tap = tap_card.locator("code.tap-value").inner_text().strip()
    assert re.match(r"^\S{8,48}$", tap)
    selfservice.shot("picked-up")

    # The helpdesk never saw it; its Handovers tab says who picked it up.
    page.get_by_role("tab", name="Handovers").click()
    ended = page.locator("#handovers-ended")
    expect(ended.locator("li", has_text="Sam User").first).to_contain_text("Picked up by lena.user@contoso.example")
    assert tap not in page.content()
    helpdesk.shot("handovers-tab")
    # The audit tab lists the handover's rows, filterable by the new actions, naming the recipient.
    page.get_by_role("tab", name="Audit log").click()
    page.get_by_label("Action").select_option("REQUESTED")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#audit-rows tr", has_text="Handover requested").first).to_contain_text("recipient lena.user@contoso.example")
    helpdesk.check_clean()
    selfservice.check_clean(secrets=(tap,))
    revoke_for(stack, SAM)


def test_manager_sees_german_words_and_the_agent_can_cancel(stack, portals):
    revoke_for(stack, SAM)
    token = stack.dev_token({"app": "helpdesk", "oid": HANNAH})
    status, _, created = stack.api("helpdesk", "POST", "/api/handovers", token, {"userId": SAM, "deliverTo": "manager"})
    assert status == 201, created
    portal = portals(stack, "selfservice", locale="de-DE")
    page = portal.sign_in("Lena User", sign_in_label="Anmelden", signed_in_text="Angemeldet als Lena User")
    expect(page.locator("#handovers").get_by_role("heading", name="Ein Pass für Sam User wartet auf Sie")).to_be_visible()
    portal.shot("german")

    helpdesk = portals(stack, "helpdesk")
    desk = helpdesk.sign_in("Hannah Agent", path="/#/handovers")
    item = desk.locator("#handovers-pickup li", has_text="Sam User").first
    item.get_by_role("button", name="Cancel request").click()
    desk.get_by_role("dialog").get_by_role("button", name="Cancel request").click()
    expect(desk.locator("#handovers-ended li", has_text="Sam User").first).to_contain_text("cancelled")
    status, _, listed = stack.api("selfservice", "GET", "/api/handovers", stack.dev_token({"app": "selfservice", "oid": "aaaaaaaa-0000-4000-8000-000000000003"}))
    assert status == 200 and listed["handovers"] == [], listed
    helpdesk.check_clean()
