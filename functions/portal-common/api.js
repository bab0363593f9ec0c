// Calls to the portal's own API (same origin): bearer token, JSON in and out, and every error as an
// ApiError carrying the SPEC's `code`, the `Retry-After` seconds and, for a claims challenge, the
// requested claims. A 401 starts a new sign-in (with the claims when the API asked for them), so the
// user comes back to the view they were on.

import { claimsFromChallenge } from "./auth.js";

export class ApiError extends Error {
  constructor({ status, code, serverMessage = "", retryAfter = null, reason = null, claims = null, requestId = null }) {
    super(code);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.serverMessage = serverMessage;
    this.retryAfter = retryAfter;
    this.reason = reason;
    this.claims = claims;
    /** Graph's request id of an `upstream_refused` answer, to quote to an administrator. */
    this.requestId = requestId;
    /** True when the page is leaving for the sign-in page: show the message, do nothing else. */
    this.redirecting = false;
    /** True when a step-up sign-in would loop. */
    this.stepUpLoop = false;
  }
}

/** `Retry-After` as seconds from now (delta-seconds or an HTTP date), or null. */
export function parseRetryAfter(value) {
  if (!value) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, Math.round((date - Date.now()) / 1000));
}

export function createApi(auth) {
  async function request(method, path, body) {
    const token = auth.accessToken();
    if (!token) {
      const error = new ApiError({ status: 401, code: "invalid_token" });
      error.redirecting = true;
      auth.signIn();
      throw error;
    }
    const headers = { Accept: "application/json", Authorization: `Bearer ${token}` };
    const init = { method, headers, cache: "no-store", credentials: "omit", redirect: "error" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch {
      throw new ApiError({ status: 0, code: "network" });
    }
    let json = null;
    if (response.status !== 204) {
      try {
        json = await response.json();
      } catch {
        json = null;
      }
    }
    if (response.ok) return json;
    const error = new ApiError({
      status: response.status,
      code: (json && typeof json.code === "string" && json.code) || `http_${response.status}`,
      serverMessage: (json && typeof json.error === "string" && json.error) || "",
      retryAfter: parseRetryAfter(response.headers.get("Retry-After")),
      reason: (json && typeof json.reason === "string" && json.reason) || null,
      requestId: (json && typeof json.requestId === "string" && json.requestId) || null,
      claims: response.status === 401 ? claimsFromChallenge(response.headers.get("WWW-Authenticate")) : null,
    });
    if (response.status === 401) {
      if (error.code === "auth_context_required" && !auth.canStepUp(error.claims)) {
        error.stepUpLoop = true;
      } else {
        error.redirecting = true;
        auth.forgetToken();
        auth.signIn({ claims: error.code === "auth_context_required" ? error.claims : null });
      }
    }
    throw error;
  }

  return {
    get: (path) => request("GET", path),
    put: (path, body) => request("PUT", path, body),
    post: (path, body) => request("POST", path, body),
    del: (path, body) => request("DELETE", path, body),
  };
}
