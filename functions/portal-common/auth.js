// Sign-in: OAuth 2.0 authorization code with PKCE (S256) and `state`, against the `authority` from
// GET /api/config (Entra in Azure, the dev tenant locally). The access token lives in this tab's
// sessionStorage only (gone when the tab closes); the PKCE verifier and state live there only from
// the redirect to the return. The redirect URI is the portal's root; the view the user was on is
// kept with the state and restored after sign-in. Nothing here is ever written to the console.

const TOKEN_KEY = "ephemgate.token";
const PENDING_KEY = "ephemgate.signin";
const SIGNED_OUT_KEY = "ephemgate.signedOut";
const STEP_UP_KEY = "ephemgate.stepUp";
/** A sign-in started more than this long ago is not completed (the authorize page's code lives 2 minutes anyway). */
const PENDING_LIFETIME_MS = 15 * 60 * 1000;

function base64url(bytes) {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomString(byteCount = 32) {
  return base64url(crypto.getRandomValues(new Uint8Array(byteCount)));
}

async function s256(verifier) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

function readJSON(key) {
  try {
    const text = sessionStorage.getItem(key);
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/** The claims of a `WWW-Authenticate: Bearer … claims="<base64 JSON>"` challenge, as a JSON string, or null. */
export function claimsFromChallenge(header) {
  if (!header) return null;
  const match = /claims="([^"]*)"/i.exec(header);
  if (!match) return null;
  try {
    const json = atob(match[1]);
    JSON.parse(json);
    return json;
  } catch {
    return null;
  }
}

export class Auth {
  constructor(config) {
    this.config = config;
    this.authority = String(config.authority).replace(/\/+$/, "");
    this.redirectUri = `${location.origin}/`;
    this.loginHint = null;
  }

  get authorizeEndpoint() {
    return `${this.authority}/oauth2/v2.0/authorize`;
  }

  get tokenEndpoint() {
    return `${this.authority}/oauth2/v2.0/token`;
  }

  /** The access token, or null when there is none or it expires within a minute. */
  accessToken() {
    const stored = readJSON(TOKEN_KEY);
    if (!stored || typeof stored.accessToken !== "string" || !(stored.expiresAt > Date.now() + 60_000)) return null;
    return stored.accessToken;
  }

  /** Whether the user signed out in this tab (the next sign-in then offers the account choice). */
  get signedOut() {
    return sessionStorage.getItem(SIGNED_OUT_KEY) === "1";
  }

  /**
   * Goes to the authorize page. `returnTo` is the view (hash) to come back to; `claims` the JSON of a
   * claims challenge (Conditional Access authentication context), requested on this sign-in.
   */
  async signIn({ returnTo = location.hash, claims = null } = {}) {
    const verifier = randomString(32);
    const state = randomString(24);
    const challenge = await s256(verifier);
    sessionStorage.setItem(PENDING_KEY, JSON.stringify({ state, verifier, returnTo, claims, startedAt: Date.now() }));
    const parameters = new URLSearchParams({
      client_id: this.config.clientId,
      response_type: "code",
      redirect_uri: this.redirectUri,
      response_mode: "query",
      scope: this.config.scopes.join(" "),
      state,
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
    if (claims) parameters.set("claims", claims);
    if (this.signedOut) parameters.set("prompt", "select_account");
    else if (this.loginHint) parameters.set("login_hint", this.loginHint);
    location.assign(`${this.authorizeEndpoint}?${parameters}`);
    // The page is being replaced; callers wait here instead of going on with a stale state.
    return new Promise(() => {});
  }

  /**
   * Completes a sign-in when the page is the redirect back from the authorize page (`?code=…&state=…`
   * or `?error=…`). Returns null when it is not, else `{ ok: true, stepUp }` or `{ ok: false, error }`.
   * The query is removed from the address bar at once, and the user is returned to their view.
   */
  async completeRedirect() {
    const query = new URLSearchParams(location.search);
    if (!query.has("code") && !query.has("error") && !query.has("state")) return null;
    const pending = readJSON(PENDING_KEY);
    sessionStorage.removeItem(PENDING_KEY);
    const returnTo = pending && typeof pending.returnTo === "string" && pending.returnTo.startsWith("#") ? pending.returnTo : "";
    history.replaceState(null, "", `/${returnTo}`);
    if (!pending || !pending.state || query.get("state") !== pending.state || !(Date.now() - pending.startedAt < PENDING_LIFETIME_MS)) {
      return { ok: false, error: "state" };
    }
    if (query.has("error")) {
      return { ok: false, error: "authorize", detail: query.get("error_description") || query.get("error") };
    }
    const body = new URLSearchParams({
      grant_type: "authorization_code",
      client_id: this.config.clientId,
      code: query.get("code"),
      redirect_uri: this.redirectUri,
      code_verifier: pending.verifier,
      scope: this.config.scopes.join(" "),
    });
    let response;
    try {
      response = await fetch(this.tokenEndpoint, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body,
        credentials: "omit",
        cache: "no-store",
      });
    } catch {
      return { ok: false, error: "network" };
    }
    let json = null;
    try {
      json = await response.json();
    } catch {
      json = null;
    }
    if (!response.ok || !json || typeof json.access_token !== "string") {
      return { ok: false, error: "token", detail: (json && (json.error_description || json.error)) || `HTTP ${response.status}` };
    }
    const lifetime = Number(json.expires_in) > 0 ? Number(json.expires_in) : 3600;
    sessionStorage.setItem(TOKEN_KEY, JSON.stringify({ accessToken: json.access_token, expiresAt: Date.now() + lifetime * 1000 }));
    sessionStorage.removeItem(SIGNED_OUT_KEY);
    if (pending.claims) sessionStorage.setItem(STEP_UP_KEY, pending.claims);
    else sessionStorage.removeItem(STEP_UP_KEY);
    return { ok: true, stepUp: Boolean(pending.claims) };
  }

  /**
   * Whether a 401 claims challenge can be answered by signing in again with its claims: not when
   * they cannot be read, nor when this tab's token already came from a sign-in with exactly these
   * claims (that would loop).
   */
  canStepUp(claims) {
    return Boolean(claims) && sessionStorage.getItem(STEP_UP_KEY) !== claims;
  }

  forgetToken() {
    sessionStorage.removeItem(TOKEN_KEY);
  }

  /**
   * Forgets the token and everything else the portal kept in this tab (e.g. the helpdesk's selected
   * user). The tenant's own session is not ended (other apps stay signed in).
   */
  signOut() {
    for (const key of Object.keys(sessionStorage)) {
      if (key.startsWith("ephemgate.")) sessionStorage.removeItem(key);
    }
    sessionStorage.setItem(SIGNED_OUT_KEY, "1");
  }
}
