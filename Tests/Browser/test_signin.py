"""Sign-in through the dev tenant's authorize page: authorization code + PKCE S256 + state, return to
the view the user was on, sign-out, refused forged answers, and the claims-challenge step-up."""

import base64
import hashlib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from harness import start_stack


def test_sign_in_with_pkce_returns_signed_in_and_signs_out(stack, portals):
    portal = portals(stack, "selfservice")
    page = portal.open("/")
    expect(page.get_by_role("heading", name="Sign in to continue")).to_be_visible()
    portal.shot("signed-out")

    with page.expect_request(re.compile(r".*/oauth2/v2\.0/authorize\?.*")) as authorize:
        page.get_by_role("button", name="Sign in", exact=True).click()
    query = {key: values[0] for key, values in parse_qs(urlsplit(authorize.value.url).query).items()}
    assert query["response_type"] == "code"
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43
    assert len(query["state"]) >= 22
    assert query["redirect_uri"] == stack.selfservice + "/"
    assert query["scope"].endswith("/Access")
    expect(page.get_by_role("heading", name="Sign in to selfservice")).to_be_visible()
    portal.shot("authorize-page")

    # The verifier sent with the code must hash to the challenge sent to the authorize page (S256).
    with page.expect_request(re.compile(r".*/oauth2/v2\.0/token$")) as token_request:
        page.get_by_role("button", name="Lena User").click()
    form = {key: values[0] for key, values in parse_qs(token_request.value.post_data or "").items()}
    assert form["grant_type"] == "authorization_code"
    digest = base64.urlsafe_b64encode(hashlib.sha256(form["code_verifier"].encode()).digest()).rstrip(b"=").decode()
    assert digest == query["code_challenge"]

    expect(page.locator("#account-name")).to_have_text("Signed in as Lena User")
    assert page.url == stack.selfservice + "/", "the code and state are removed from the address"
    storage = portal.storage_text()
    assert "verifier" not in storage and form["code"] not in storage
    token = portal.token()
    assert token.count(".") == 2
    portal.shot("signed-in")

    # A reload keeps the session of this tab without another trip to the tenant.
    requests_before = len(portal.requests)
    page.reload()
    expect(page.locator("#account-name")).to_have_text("Signed in as Lena User")
    assert not any("/oauth2/" in url for url in portal.requests[requests_before:])

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out of this portal.")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    assert portal.token() == ""
    portal.check_clean(secrets=(token,))


def test_sign_in_returns_to_the_view_the_user_was_on(stack, portals):
    portal = portals(stack, "helpdesk")
    page = portal.sign_in("Hannah Agent", path="/#/audit")
    assert urlsplit(page.url).fragment == "/audit"
    expect(page.get_by_role("tab", name="Audit log")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#panel-audit")).to_be_visible()
    expect(page.locator("#panel-issue")).to_be_hidden()
    portal.check_clean(secrets=(portal.token(),))


def test_a_forged_or_replayed_answer_is_refused(stack, portals):
    portal = portals(stack, "selfservice")
    page = portal.open("/?code=forged-code&state=forged-state")
    expect(page.get_by_text("the answer did not belong to this browser tab")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    assert page.url == stack.selfservice + "/"
    assert not any(url.endswith("/oauth2/v2.0/token") for url in portal.requests), "no code exchange for an unknown state"
    portal.check_clean()


def test_an_error_from_the_authorize_page_is_shown(stack, portals):
    portal = portals(stack, "selfservice")
    page = portal.open("/")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(re.compile(r".*/oauth2/v2\.0/authorize\?.*"))
    # The tenant answers a bad choice with error=access_denied at the redirect URI, with the state.
    state = parse_qs(urlsplit(page.url).query)["state"][0]
    portal.open(f"/?error=access_denied&error_description=The+user+cancelled&state={state}")
    expect(page.get_by_text("Sign-in did not complete: The user cancelled")).to_be_visible()
    portal.check_clean()


def test_german_browser_gets_german(stack, portals):
    portal = portals(stack, "selfservice", locale="de-DE")
    page = portal.sign_in("Lena User", sign_in_label="Anmelden", signed_in_text="Angemeldet als Lena User")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", name="Ihre Anmeldemethoden")).to_be_visible()
    expect(page.get_by_role("button", name="Pass erstellen")).to_be_visible()
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()
    portal.shot("german")
    portal.check_clean()


@pytest.fixture(scope="module")
def step_up_stack(binaries):
    running = start_stack("step-up", binaries, both={"ENTRA_REQUIRED_AUTH_CONTEXT": "c1"})
    yield running
    running.stop()


def test_claims_challenge_signs_in_again_with_the_requested_claims(step_up_stack, portals):
    portal = portals(step_up_stack, "helpdesk")
    page = portal.open("/")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("button", name="Hannah Agent").click()
    # GET /api/me answers 401 auth_context_required; the portal signs in again with the claims.
    page.wait_for_url(re.compile(r".*/oauth2/v2\.0/authorize\?.*claims=.*"))
    claims = parse_qs(urlsplit(page.url).query)["claims"][0]
    assert '"acrs"' in claims and '"c1"' in claims
    expect(page.get_by_text("This sign-in satisfies the authentication context c1.")).to_be_visible()
    portal.shot("step-up-authorize")
    page.get_by_role("button", name="Hannah Agent").click()
    expect(page.locator("#account-name")).to_have_text("Signed in as Hannah Agent")
    expect(page.get_by_text("You signed in again with a stronger method.")).to_be_visible()
    expect(page.get_by_role("tab", name="Audit log")).to_be_visible()
    portal.check_clean(secrets=(portal.token(),))
