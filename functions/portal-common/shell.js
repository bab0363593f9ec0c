// What both portals do before their own content: translate the page, read GET /api/config, finish a
// sign-in coming back from the authorize page, show the signed-out view or the signed-in user (from
// GET /api/me) with "Sign out", then hand over to the portal's own `render`.

import { Auth } from "./auth.js";
import { createApi } from "./api.js";
import { t, translatePage } from "./i18n.js";
import { $, showError, showInfo } from "./ui.js";

async function loadConfig() {
  const response = await fetch("/api/config", { headers: { Accept: "application/json" }, cache: "no-store", credentials: "omit" });
  if (!response.ok) throw new Error(`config ${response.status}`);
  const config = await response.json();
  if (!config || typeof config.authority !== "string" || typeof config.clientId !== "string" || !Array.isArray(config.scopes)) {
    throw new Error("config incomplete");
  }
  return config;
}

function done() {
  const loading = $("loading");
  if (loading) loading.hidden = true;
}

function showSignedOut(auth, notice) {
  done();
  if (auth.signedOut && !notice.hasChildNodes()) showInfo(notice, t("auth.signedOut"));
  $("signed-out").hidden = false;
  const button = $("sign-in");
  button.addEventListener("click", () => {
    button.disabled = true;
    showInfo(notice, t("auth.redirecting"));
    auth.signIn();
  });
  button.focus();
}

/** Starts the portal; `render({ config, api, me, auth, notice })` builds the signed-in content. */
export async function startPortal({ render }) {
  translatePage();
  const notice = $("notice");
  let config;
  try {
    config = await loadConfig();
  } catch {
    done();
    showInfo(notice, t("auth.configFailed"), "error");
    return;
  }
  const auth = new Auth(config);
  const api = createApi(auth);

  const completed = await auth.completeRedirect();
  if (completed && !completed.ok) {
    const detail = completed.error === "network" ? t("error.network") : completed.detail || completed.error;
    showInfo(notice, completed.error === "state" ? t("auth.stateMismatch") : t("auth.failed", { detail }), "error");
  }
  if (!auth.accessToken()) {
    showSignedOut(auth, notice);
    return;
  }

  let me;
  try {
    me = await api.get("/api/me");
  } catch (error) {
    done();
    if (error.redirecting) showInfo(notice, t(error.code === "auth_context_required" ? "error.auth_context_required" : "auth.redirecting"));
    else showError(notice, error);
    return;
  }
  auth.loginHint = me.upn || null;
  $("account-name").textContent = t("auth.signedInAs", { name: me.displayName || me.upn || me.id });
  $("account").hidden = false;
  $("sign-out").addEventListener("click", () => {
    auth.signOut();
    // A fresh page: nothing of the session (least of all a TAP on display) survives in memory.
    location.replace("/");
  });
  if (completed && completed.ok && completed.stepUp) showInfo(notice, t("auth.stepUpDone"));
  done();
  $("app").hidden = false;
  await render({ config, api, me, auth, notice });
}
