"""Fixtures of the browser tests: the local stack, Debian's Chromium driven by Playwright, and a
`Portal` per test that records what the browser did (console, page errors, CSP violations, every
request) so each test can prove the page stayed within its policy."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from harness import ARTIFACTS, Stack, bin_dir, start_stack

# The Playwright browser download does not work here: the tests drive Debian's chromium.
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"

DEFAULT_TIMEOUT_MS = 15_000
expect.set_options(timeout=DEFAULT_TIMEOUT_MS)

# Records Content-Security-Policy violations in every document, the authorize page's too.
CSP_WATCH = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__ephemgateCsp && window.__ephemgateCsp(`${event.effectiveDirective} blocked ${event.blockedURI} on ${document.location.origin}`);
});
"""


@pytest.fixture(scope="session", autouse=True)
def fresh_artifacts():
    """Screenshots and stack logs of this run only (test-artifacts/ is git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in list(ARTIFACTS.glob("*.png")) + list(ARTIFACTS.glob("*.log")):
        old.unlink()


@pytest.fixture(scope="session")
def binaries() -> Path:
    return bin_dir()


@pytest.fixture(scope="session")
def stack(binaries):
    """The main stack: both apps show a TAP for 10 seconds (the smallest allowed), other settings default."""
    running = start_stack("main", binaries, both={"TAP_DISPLAY_TIMEOUT_SECONDS": "10"})
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser() -> Browser:
    if not Path(CHROMIUM).exists():
        message = f"Debian's chromium is not installed at {CHROMIUM} (scripts/setup.sh installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield launched
        launched.close()


class Portal:
    """One browser context on one portal, with everything the browser did recorded."""

    def __init__(self, browser: Browser, stack: Stack, app: str, name: str, **context_options):
        self.stack = stack
        self.app = app
        self.base = stack.selfservice if app == "selfservice" else stack.helpdesk
        self.name = name
        self.console: list[str] = []
        self.errors: list[str] = []
        self.csp: list[str] = []
        self.requests: list[str] = []
        self.shots = 0
        options = {"viewport": {"width": 1280, "height": 800}, "locale": "en-US", "timezone_id": "UTC"}
        options.update(context_options)
        self.context = browser.new_context(**options)
        self.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=self.base)
        self.context.expose_binding("__ephemgateCsp", lambda _source, text: self.csp.append(text))
        self.context.add_init_script(CSP_WATCH)
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.page: Page = self.context.new_page()
        self.page.set_default_timeout(DEFAULT_TIMEOUT_MS)
        self.page.on("console", lambda message: self.console.append(f"{message.type}: {message.text}"))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def open(self, path: str = "/") -> Page:
        self.page.goto(self.base + path)
        return self.page

    def sign_in(self, display_name: str, path: str = "/", sign_in_label: str = "Sign in", signed_in_text: str | None = None) -> Page:
        """Signs in through the dev tenant's authorize page, picking the demo user by name."""
        page = self.open(path)
        page.get_by_role("button", name=sign_in_label, exact=True).click()
        page.wait_for_url(re.compile(re.escape(self.stack.authority) + r"/oauth2/v2\.0/authorize\?"))
        page.get_by_role("button", name=display_name).click()
        try:
            page.wait_for_url(re.compile("^" + re.escape(self.base) + r"/(#.*)?$"))
        except PlaywrightTimeoutError:
            blocked = self.csp + [line for line in self.console if "Content Security Policy" in line]
            raise AssertionError(f"the authorize page did not return to {self.base}/ (at {page.url}); "
                                 f"CSP violations: {blocked or 'none'}") from None
        expect(page.locator("#account-name")).to_have_text(signed_in_text or f"Signed in as {display_name}")
        return page

    def shot(self, label: str) -> Path:
        """Saves a screenshot as a test artifact (test-artifacts/browser/)."""
        self.shots += 1
        path = ARTIFACTS / f"{self.name}-{self.shots:02d}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def foreign_requests(self) -> list[str]:
        allowed = {urlsplit(self.base)[:2], urlsplit(self.stack.authority)[:2]}
        foreign = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob"):
                inner = urlsplit(parts.path) if parts.scheme == "blob" else None
                if inner is None or inner[:2] in allowed:
                    continue
            if parts[:2] not in allowed:
                foreign.append(url)
        return foreign

    def check_clean(self, secrets: tuple[str, ...] = ()) -> None:
        """No CSP violation, no uncaught error, no request to any origin but the app and the
        authority, and no secret (TAP, token) in a console message or a request URL."""
        csp_console = [line for line in self.console if "Content Security Policy" in line or "Content-Security-Policy" in line]
        assert not self.csp and not csp_console, f"CSP violations: {self.csp + csp_console}"
        assert not self.errors, f"uncaught page errors: {self.errors}"
        assert not self.foreign_requests(), f"requests to other origins: {self.foreign_requests()}"
        for secret in secrets:
            assert secret, "empty secret"
            assert not any(secret in line for line in self.console), "a secret reached the console"
            assert not any(secret in url for url in self.requests), "a secret reached a URL"

    def storage_text(self) -> str:
        return self.page.evaluate("() => JSON.stringify([Object.entries(sessionStorage), Object.entries(localStorage), location.href])")

    def token(self) -> str:
        return self.page.evaluate("() => JSON.parse(sessionStorage.getItem('ephemgate.token') || '{}').accessToken || ''")

    def close(self) -> None:
        try:
            self.shot("final")
        except Exception:  # noqa: BLE001 - a closed page has nothing to show
            pass
        self.context.close()


@pytest.fixture
def portals(browser, request):
    """`portals(stack, app, **context options)` opens a recorded browser context; all are closed
    (after a final screenshot) when the test ends."""
    opened: list[Portal] = []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def open_portal(stack: Stack, app: str, **options) -> Portal:
        test = f"{request.node.module.__name__.removeprefix('test_')}-{request.node.name.removeprefix('test_')}"
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", test)[:90] + (f"-{len(opened)}" if opened else "")
        portal = Portal(browser, stack, app, name, **options)
        opened.append(portal)
        return portal

    yield open_portal
    for portal in opened:
        portal.close()
