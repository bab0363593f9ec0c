"""Steps the browser tests share: generate or issue a TAP through the confirmation dialog, open a
user from the helpdesk search, revoke a TAP through the API to start from a known state."""

import re

from playwright.sync_api import expect

from harness import HANNAH


def generate(page):
    page.get_by_role("button", name="Generate TAP").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("It is shown on this page for 10 seconds")
    dialog.get_by_role("button", name="Generate TAP").click()
    expect(dialog).to_be_hidden()


def issue(page, reason: str | None = None, ticket: str | None = None):
    card = page.locator("#user-card")
    if reason is not None:
        card.get_by_label("Reason").fill(reason)
    if ticket is not None:
        card.get_by_label("Ticket number").fill(ticket)
    card.get_by_role("button", name="Issue TAP").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Issue TAP").click()
    expect(dialog).to_have_count(0)


def open_user(page, query: str, name: str):
    page.get_by_label("Find a user").fill(query)
    result = page.locator("#results").get_by_role("button", name=re.compile(name))
    result.click()
    expect(page.locator("#user-card h2")).to_contain_text(name)


def revoke_for(stack, user_id: str):
    token = stack.dev_token({"app": "helpdesk", "oid": HANNAH})
    stack.api("helpdesk", "DELETE", f"/api/users/{user_id}/tap", token)
