#!/usr/bin/env python3
"""Writes the README's screenshots of both portals (docs/screenshots/) from a fresh local stack with
the built-in demo directory.

Usage: python3 Tests/Browser/readme_screenshots.py [--bin-dir DIR]

Each portal is signed in with a token from the dev tenant's /dev/token put where the portal keeps
it (this tab's sessionStorage), so the pictures do not depend on the authorize page; the browser
tests cover the real sign-in.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import HANNAH, LENA, REPO, bin_dir, start_stack  # noqa: E402

OUT = REPO / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def signed_in_page(browser, stack, app: str, user: str, **options):
    token = stack.dev_token({"app": app, "oid": user})
    context = browser.new_context(locale=options.pop("locale", "en-US"), timezone_id="Europe/Berlin", **options)
    stored = json.dumps({"accessToken": token, "expiresAt": int(time.time() * 1000) + 3_600_000})
    context.add_init_script(f"sessionStorage.setItem('ephemgate.token', {json.dumps(stored)});")
    page = context.new_page()
    page.goto((stack.selfservice if app == "selfservice" else stack.helpdesk) + "/")
    expect(page.locator("#account-name")).to_be_visible()
    return context, page


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--bin-dir", type=Path, default=None)
    args = parser.parse_args()
    binaries = args.bin_dir or bin_dir()
    OUT.mkdir(parents=True, exist_ok=True)
    stack = start_stack("screenshots", binaries)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            desktop = {"viewport": {"width": 1100, "height": 760}}

            # Self-service: Lena's methods and a fresh TAP, masked, with its countdown.
            context, page = signed_in_page(browser, stack, "selfservice", LENA, **desktop)
            expect(page.locator("#methods li").first).to_be_visible()
            page.get_by_role("button", name="Generate TAP").click()
            page.get_by_role("dialog").get_by_role("button", name="Generate TAP").click()
            expect(page.get_by_test_id("tap-card")).to_be_visible()
            page.mouse.move(0, 0)
            page.screenshot(path=str(OUT / "selfservice.png"), full_page=True)
            page.get_by_role("button", name="Remove from page").click()
            page.get_by_role("button", name="Revoke TAP").click()
            page.get_by_role("dialog").get_by_role("button", name="Revoke TAP").click()
            expect(page.locator("#tap-status")).to_have_text("No Temporary Access Pass is active.")
            context.close()

            # Helpdesk: Hannah finds Li Wei by surname and issues a 4-hour TAP with a ticket.
            context, page = signed_in_page(browser, stack, "helpdesk", HANNAH, **desktop)
            page.get_by_label("Find a user").fill("Wei")
            page.locator("#results").get_by_role("button").first.click()
            page.get_by_label("Lifetime in minutes").fill("240")
            page.get_by_label("Reason").fill("New phone, identity confirmed by video call")
            page.get_by_label("Ticket number").fill("INC-20417")
            page.locator("#user-card").get_by_role("button", name="Issue TAP").click()
            page.get_by_role("dialog").get_by_role("button", name="Issue TAP").click()
            expect(page.get_by_test_id("tap-card")).to_be_visible()
            page.mouse.move(0, 0)
            page.screenshot(path=str(OUT / "helpdesk-issue.png"), full_page=True)
            page.get_by_role("button", name="Remove from page").click()

            # Two refusals for the audit log, then the audit tab.
            page.get_by_label("Find a user").fill("grace")
            page.locator("#results").get_by_role("button").first.click()
            page.locator("#user-card").get_by_role("button", name="Issue TAP").click()
            page.get_by_role("dialog").get_by_role("button", name="Issue TAP").click()
            expect(page.locator("#issue-message")).to_contain_text("protected")
            page.get_by_role("tab", name="Audit log").click()
            expect(page.locator("#audit-rows tr").first).to_be_visible()
            page.mouse.move(0, 0)
            page.screenshot(path=str(OUT / "helpdesk-audit.png"), full_page=True)
            context.close()

            # A phone-sized screen in dark mode, in German.
            context, page = signed_in_page(browser, stack, "selfservice", LENA, viewport={"width": 360, "height": 740},
                                           color_scheme="dark", locale="de-DE")
            expect(page.locator("#methods li").first).to_be_visible()
            page.screenshot(path=str(OUT / "selfservice-mobile-dark-de.png"), full_page=True)
            context.close()
            browser.close()
    finally:
        stack.stop()
    for path in sorted(OUT.glob("*.png")):
        print(f"{path.relative_to(REPO)}  {path.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
