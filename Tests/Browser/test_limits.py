"""Rate limits as a person sees them: the message says when to try again, from `Retry-After`.
Runs its own stack with limits of one TAP (per agent per hour, per user per day)."""

import re
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from flows import generate, issue, open_user
from harness import start_stack


@pytest.fixture(scope="module")
def limited_stack(binaries):
    running = start_stack("limited", binaries, selfservice={"SELF_SERVICE_LIMIT_PER_DAY": "1"},
                          helpdesk={"RATE_LIMIT_PER_AGENT_PER_HOUR": "1"}, both={"TAP_DISPLAY_TIMEOUT_SECONDS": "10"})
    yield running
    running.stop()


# Issue 14: the message gives the day and the time zone too ("… on Mon, 30 Nov, 02:35 UTC"),
# in the browser's locale (12- or 24-hour clock).
RETRY_AT = r", on (?P<day>[^\d]*\d{1,2}[^\d]*?),? (?P<hour>\d{1,2}):(?P<minute>\d\d)\s*(?P<half>AM|PM)? (?P<zone>UTC|GMT)"


def retry_time(text: str, unit_pattern: str) -> tuple[int, datetime]:
    match = re.search(r"You can try again in (\d+) " + unit_pattern + RETRY_AT, text)
    assert match, text
    now = datetime.now(timezone.utc)
    hour = int(match.group("hour")) % 12 + (12 if match.group("half") == "PM" else 0) if match.group("half") else int(match.group("hour"))
    at = now.replace(hour=hour, minute=int(match.group("minute")), second=0, microsecond=0)
    if at < now - timedelta(minutes=5):
        at += timedelta(days=1)
    return int(match.group(1)), at


def test_helpdesk_rate_limit_says_when_to_retry(limited_stack, portals):
    portal = portals(limited_stack, "helpdesk")  # the context's time zone is UTC
    page = portal.sign_in("Hannah Agent")
    open_user(page, "lena", "Lena User")
    issue(page)
    expect(page.get_by_test_id("tap-card")).to_be_visible()
    page.get_by_role("button", name="Remove from page").click()

    open_user(page, "sam", "Sam User")
    with page.expect_response(re.compile(r".*/api/generate-tap/.*")) as answer:
        issue(page)
    assert answer.value.status == 429
    retry_after = int(answer.value.headers["retry-after"])
    assert 3500 <= retry_after <= 3600
    message = page.locator("#issue-message")
    expect(message).to_contain_text("You have issued the most Temporary Access Passes allowed in one hour. You can try again in")
    minutes, at = retry_time(message.inner_text(), "minutes")
    assert minutes == (retry_after + 59) // 60
    expected = datetime.now(timezone.utc) + timedelta(seconds=retry_after)
    assert abs((at - expected).total_seconds()) <= 120, (at, expected)
    expect(message.locator("[data-code=rate_limited]")).to_have_count(1)
    expect(page.get_by_test_id("tap-card")).to_have_count(0)
    portal.shot("rate-limited")
    portal.check_clean(secrets=(portal.token(),))


def test_self_service_limit_says_when_to_retry(limited_stack, portals):
    portal = portals(limited_stack, "selfservice")
    page = portal.sign_in("Sam User")
    generate(page)
    expect(page.get_by_test_id("tap-card")).to_be_visible()
    page.get_by_role("button", name="Remove from page").click()
    page.get_by_role("button", name="Revoke TAP").click()
    page.get_by_role("dialog").get_by_role("button", name="Revoke TAP").click()
    expect(page.locator("#tap-status")).to_have_text("No Temporary Access Pass is active.")

    generate(page)
    message = page.locator("#tap-message")
    expect(message).to_contain_text("You have created the most Temporary Access Passes allowed in 24 hours. You can try again in")
    # Playwright hands the pattern to the browser: JavaScript has no (?P<name>…) groups.
    expect(message).to_contain_text(re.compile(r"You can try again in (24 hours|\d+ h \d+ min)" + re.sub(r"\?P<\w+>", "", RETRY_AT)))
    expect(page.get_by_test_id("tap-card")).to_have_count(0)
    portal.shot("rate-limited")
    portal.check_clean(secrets=(portal.token(),))
