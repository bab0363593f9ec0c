// The helpdesk "Issue a TAP" tab (Helpdesk.TapAdmin): search as you type (debounced, at least 2
// characters, newest answer wins), the user card with TAP status, issue with an optional reason
// (≤ 500) and ticket (≤ 64) after a confirmation, the masked TAP with its countdown, revoke.
// API: GET /api/search-user, PUT /api/generate-tap/{id}, GET and DELETE /api/users/{id}/tap.

import { t, formatMinutes, formatDuration, formatDate } from "./i18n.js";
import { $, h, clear, showError, showInfo, confirmDialog, showTap, loadTapStatus, isOutcomeUnknown } from "./ui.js";
import { icon } from "./icons.js";

const SELECTED_KEY = "ephemgate.helpdesk.selected";
const SEARCH_DELAY_MS = 300;

let api;
let config;
let setRoute;
/** The signed-in agent (`GET /api/me`): their own account is never offered for issuing. */
let me = null;

let searchSequence = 0;
let searchTimer = null;
let selectedUser = null;
let display = null;
/** True while a TAP is being issued: the card stays until its answer is shown. */
let issuing = false;

function rememberSelected(user) {
  selectedUser = user;
  if (user) sessionStorage.setItem(SELECTED_KEY, JSON.stringify({
    id: user.id, upn: user.upn, displayName: user.displayName, mail: user.mail, jobTitle: user.jobTitle,
    department: user.department, accountEnabled: user.accountEnabled, userType: user.userType, externalGuest: user.externalGuest,
  }));
  else sessionStorage.removeItem(SELECTED_KEY);
}

function scheduleSearch() {
  window.clearTimeout(searchTimer);
  const query = $("search").value.trim();
  const status = $("search-status");
  // Results of an earlier query are never left clickable under a new one.
  searchSequence += 1;
  clear($("results"));
  clear($("search-message"));
  closeCard();
  if (query.length < 2) {
    status.textContent = query.length === 0 ? "" : t("helpdesk.searchShort");
    return;
  }
  status.textContent = t("helpdesk.searching");
  searchTimer = window.setTimeout(() => runSearch(query), SEARCH_DELAY_MS);
}

async function runSearch(query) {
  const sequence = ++searchSequence;
  const status = $("search-status");
  const results = $("results");
  try {
    const body = await api.get(`/api/search-user?q=${encodeURIComponent(query)}`);
    if (sequence !== searchSequence) return; // a newer search is under way
    const users = Array.isArray(body && body.users) ? body.users : [];
    clear(results);
    for (const user of users) {
      const detail = [user.upn, [user.jobTitle, user.department].filter(Boolean).join(", ")].filter(Boolean).join(" · ");
      const button = h("button", { type: "button", "aria-current": selectedUser && selectedUser.id === user.id ? "true" : "false", dataset: { userId: user.id } },
        icon("user"),
        h("span", {},
          h("span", { className: "result-name" }, user.displayName || user.upn, ...badges(user)),
          h("span", { className: "result-detail" }, detail)));
      button.addEventListener("click", () => openUser(user, { focus: true }));
      results.append(h("li", {}, button));
    }
    const text = users.length === 0 ? t("helpdesk.foundNone", { q: query })
      : users.length === 1 ? t("helpdesk.foundOne") : t("helpdesk.found", { n: users.length });
    status.textContent = text;
  } catch (error) {
    if (sequence !== searchSequence) return;
    clear(results);
    status.textContent = "";
    // Next to the search, not in the user card: a TAP on display there stays.
    if (!error.redirecting) showError($("search-message"), error);
  }
}

/**
 * Issue 14: searching someone new closes the previous user's card, unless a pass is on screen or
 * being issued there (no request or search ever removes a pass before its countdown).
 */
function closeCard() {
  if (issuing || display) return;
  if (!$("user-card").querySelector(".user-card")) return;
  clear($("user-card"));
  rememberSelected(null);
  setRoute("#/issue");
}

/**
 * Why no pass can be issued for this user, known before any request (issue 14): a disabled
 * account, a guest from another organisation (Graph refuses them a pass), or the agent's own
 * account (SPEC 6.4 `self_target`). Null when nothing is known against it.
 */
function blocker(user) {
  if (me && user.id === me.id) return "self";
  if (user.accountEnabled === false) return "disabled";
  if (user.externalGuest === true || (typeof user.upn === "string" && user.upn.toUpperCase().includes("#EXT#"))) return "guest";
  return null;
}

function badges(user) {
  const why = blocker(user);
  if (!why) return [];
  return [" ", h("span", { className: `badge ${why === "disabled" ? "disabled" : "blocked"}` }, t(`helpdesk.badge.${why}`))];
}

function moveInResults(event) {
  const buttons = [...$("results").querySelectorAll("button")];
  if (buttons.length === 0) return;
  const index = buttons.indexOf(document.activeElement);
  let next = null;
  if (event.key === "ArrowDown") next = index < 0 ? 0 : Math.min(buttons.length - 1, index + 1);
  else if (event.key === "ArrowUp") next = index <= 0 ? -1 : index - 1;
  else return;
  event.preventDefault();
  if (next === -1) $("search").focus();
  else buttons[next].focus();
}

function field(labelKey, value) {
  if (value === null || value === undefined || value === "") return [];
  return [h("dt", {}, t(labelKey)), h("dd", {}, String(value))];
}

function openUser(user, { focus = false } = {}) {
  const open = $("user-card").querySelector(".user-card");
  if (open && open.dataset.userId === user.id) {
    // Already open: keep the card (and a TAP on display).
    if (focus) $("user-heading").focus();
    return;
  }
  if (issuing) {
    // The TAP being issued is shown in this card; switching now would lose it.
    $("search-status").textContent = t("helpdesk.waitIssuing");
    return;
  }
  if (display) display.remove();
  display = null;
  rememberSelected(user);
  setRoute(`#/issue/${user.id}`);
  for (const button of $("results").querySelectorAll("button")) {
    button.setAttribute("aria-current", String(button.dataset.userId === user.id));
  }
  const name = user.displayName || user.upn || user.id;
  const status = h("p", { id: "user-tap-status", role: "status", "aria-busy": "true" });
  const reason = h("textarea", { id: "reason", maxlength: "500", "aria-describedby": "reason-hint reason-counter" });
  const reasonCounter = h("div", { className: "counter", id: "reason-counter" }, t("helpdesk.counter", { n: 0, max: 500 }));
  const ticket = h("input", { type: "text", id: "ticket", maxlength: "64", autocomplete: "off", spellcheck: "false", "aria-describedby": "ticket-hint" });
  const generateButton = h("button", { type: "submit", className: "primary", id: "generate" }, t("helpdesk.generate"));
  const revokeButton = h("button", { type: "button", className: "danger", id: "revoke", hidden: true }, t("tap.revoke"));
  const message = h("div", { id: "issue-message", role: "alert" });
  const tapArea = h("div", { id: "tap-display" });
  const heading = h("h2", { id: "user-heading", tabindex: "-1" }, name, ...badges(user));
  const why = blocker(user);
  const cannot = why ? h("p", { className: "message warning", id: "cannot-issue", dataset: { testid: "cannot-issue" } }, t(`helpdesk.cannot.${why}`)) : null;
  if (why) {
    generateButton.hidden = true;
    generateButton.disabled = true;
  }
  const generateHint = h("p", { className: "hint", id: "generate-hint" });
  generateButton.setAttribute("aria-describedby", "generate-hint");
  let currentTap = null;
  // Issue 14: "Issue TAP" is disabled while a pass is shown or the user has an active one.
  function updateGenerate() {
    if (why) return;
    const active = currentTap && (currentTap.isUsable === true || currentTap.methodUsabilityReason === "NotYetValid");
    generateButton.disabled = issuing || display !== null || Boolean(active);
    generateHint.textContent = display !== null ? t("helpdesk.generateShown") : active ? t("helpdesk.generateActive") : "";
  }
  const options = issueOptions();

  reason.addEventListener("input", () => {
    reasonCounter.textContent = t("helpdesk.counter", { n: reason.value.length, max: 500 });
  });

  const form = h("form", { id: "issue-form", novalidate: true },
    h("div", { className: "field" },
      h("label", { for: "reason" }, t("helpdesk.reason")),
      h("span", { className: "hint", id: "reason-hint" }, t("helpdesk.reasonHint")),
      reason, reasonCounter),
    h("div", { className: "field" },
      h("label", { for: "ticket" }, t("helpdesk.ticket")),
      h("span", { className: "hint", id: "ticket-hint" }, t("helpdesk.ticketHint")),
      ticket),
    ...options.fields,
    h("div", { className: "actions" }, generateButton, revokeButton),
    generateHint);

  async function refreshStatus() {
    const tap = await loadTapStatus(api, `/api/users/${encodeURIComponent(user.id)}/tap`, status, revokeButton);
    if (tap !== undefined) currentTap = tap;
    if (why === "self") revokeButton.hidden = true;
    updateGenerate();
    return tap;
  }

  function notes() {
    const body = {};
    const reasonText = reason.value.trim();
    const ticketText = ticket.value.trim();
    if (reasonText) body.reason = reasonText.slice(0, 500);
    if (ticketText) body.ticketId = ticketText.slice(0, 64);
    return body;
  }

  async function revoke() {
    const body = notes();
    const confirmed = await confirmDialog({
      title: t("helpdesk.revokeTitle", { name }),
      body: [t("helpdesk.revokeBody"), body.reason || body.ticketId ? t("helpdesk.revokeNotes") : t("helpdesk.revokeNoNotes")],
      confirmLabel: t("tap.revoke"), danger: true, returnFocus: heading,
    });
    if (!confirmed) return;
    revokeButton.disabled = true;
    try {
      await api.del(`/api/users/${encodeURIComponent(user.id)}/tap`, Object.keys(body).length ? body : undefined);
      if (display) display.remove();
      display = null;
      clear(tapArea);
      showInfo(message, t("tap.revoked"), "success");
    } catch (error) {
      showError(message, error);
    } finally {
      revokeButton.disabled = false;
      await refreshStatus();
      // Issue 14: focus is never left on <body> after a confirmed dialog.
      if (revokeButton.hidden || document.activeElement === document.body) heading.focus();
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (generateButton.disabled || why) return;
    const chosen = options.read();
    if (chosen.error) {
      showInfo(message, chosen.error, "error");
      return;
    }
    const body = { ...notes(), ...chosen.body };
    const confirmed = await confirmDialog({
      title: t("helpdesk.confirmTitle", { name }),
      body: [
        t("helpdesk.confirmWho", { upn: user.upn || user.id }),
        t("helpdesk.confirmLifetime", {
          lifetime: formatMinutes(chosen.lifetime),
          usage: chosen.once ? t("helpdesk.confirmOnce") : t("helpdesk.confirmMany"),
        }),
        chosen.start ? t("helpdesk.confirmStart", { start: formatDate(chosen.start) }) : t("helpdesk.confirmNow"),
        t("helpdesk.confirmDisplay", { time: formatDuration(config.displayTimeoutSeconds) }),
      ],
      confirmLabel: t("helpdesk.generate"),
      returnFocus: heading,
    });
    if (!confirmed) return;
    generateButton.disabled = true;
    issuing = true;
    clear(message);
    if (display) display.remove();
    display = null;
    try {
      const issued = await api.put(`/api/generate-tap/${encodeURIComponent(user.id)}`, Object.keys(body).length ? body : undefined);
      const targetName = (issued.targetUser && (issued.targetUser.displayName || issued.targetUser.upn)) || name;
      display = showTap(tapArea, issued, {
        seconds: issued.displayTimeoutSeconds || config.displayTimeoutSeconds,
        heading: t("helpdesk.tapFor", { name: targetName }),
        extra: h("p", { className: "muted" }, issued.notificationSent ? t("helpdesk.notified") : t("helpdesk.notNotified")),
        onRemoved: () => { display = null; updateGenerate(); },
        announcement: t("helpdesk.issued", { name: targetName }),
        focus: true,
      });
      reason.value = "";
      ticket.value = "";
      reasonCounter.textContent = t("helpdesk.counter", { n: 0, max: 500 });
      refreshStatus();
    } catch (error) {
      showError(message, error, {
        context: { issuing: true, tapActiveKey: "helpdesk.tapActive", rateLimitedKey: "helpdesk.rate_limited" },
        action: error.code === "tap_active" ? { label: t("tap.revoke"), onClick: revoke } : null,
      });
      if (isOutcomeUnknown(error)) refreshStatus();
    } finally {
      issuing = false;
      updateGenerate();
      if (document.activeElement === document.body || document.activeElement === generateButton && generateButton.disabled) {
        (generateButton.disabled ? heading : generateButton).focus();
      }
    }
  });
  revokeButton.addEventListener("click", revoke);

  const card = h("section", { className: "card user-card", "aria-labelledby": "user-heading", dataset: { userId: user.id } },
    heading,
    h("dl", {},
      field("helpdesk.upn", user.upn),
      field("helpdesk.mail", user.mail),
      field("helpdesk.jobTitle", user.jobTitle),
      field("helpdesk.department", user.department),
      field("helpdesk.account", user.accountEnabled === false ? t("helpdesk.disabled") : user.accountEnabled === true ? t("helpdesk.enabled") : null),
      field("helpdesk.userType", user.userType === "Guest" ? t("helpdesk.guest") : user.userType === "Member" ? t("helpdesk.member") : null),
      field("helpdesk.objectId", user.id)),
    cannot,
    status,
    form,
    message,
    tapArea);
  clear($("user-card")).append(card);
  if (focus) heading.focus();
  refreshStatus();
}

/**
 * The per-request options (issue 14, SPEC 6.3) as in Entra's "Add authentication method →
 * Temporary Access Pass": lifetime within the range `/api/config` reports from the cached tenant
 * policy and TAP_MAX_LIFETIME_MINUTES, one-time use (changeable only where allowed), and an
 * optional start up to 30 days ahead. Without a known range only the configured values are used.
 */
function issueOptions() {
  const range = config.tapOptions || null;
  const fields = [];
  const lifetime = h("input", { type: "number", id: "lifetime", inputmode: "numeric", "aria-describedby": "lifetime-hint" });
  const once = h("input", { type: "checkbox", id: "once" });
  const start = h("input", { type: "datetime-local", id: "start", "aria-describedby": "start-hint" });
  if (range) {
    lifetime.min = String(range.minLifetimeMinutes);
    lifetime.max = String(range.maxLifetimeMinutes);
    lifetime.value = String(Math.min(Math.max(config.tapLifetimeMinutes, range.minLifetimeMinutes), range.maxLifetimeMinutes));
    once.checked = config.tapIsUsableOnce || !range.multiUseAllowed;
    once.disabled = !range.multiUseAllowed;
    const local = (date) => new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    start.min = local(new Date());
    start.max = local(new Date(Date.now() + range.maxStartDaysAhead * 86_400_000));
    fields.push(
      h("div", { className: "field" },
        h("label", { for: "lifetime" }, t("helpdesk.lifetime")),
        h("span", { className: "hint", id: "lifetime-hint" }, t("helpdesk.lifetimeHint", {
          min: formatMinutes(range.minLifetimeMinutes), max: formatMinutes(range.maxLifetimeMinutes),
        })),
        lifetime),
      h("div", { className: "field checkbox" },
        h("label", { for: "once" }, once, " ", t("helpdesk.once")),
        range.multiUseAllowed ? null : h("span", { className: "hint" }, t("helpdesk.onceForced"))),
      h("div", { className: "field" },
        h("label", { for: "start" }, t("helpdesk.start")),
        h("span", { className: "hint", id: "start-hint" }, t("helpdesk.startHint", { days: range.maxStartDaysAhead })),
        start));
  }
  function read() {
    if (!range) return { body: {}, lifetime: config.tapLifetimeMinutes, once: config.tapIsUsableOnce, start: null };
    const minutes = Number(lifetime.value);
    if (!Number.isInteger(minutes) || minutes < range.minLifetimeMinutes || minutes > range.maxLifetimeMinutes) {
      lifetime.focus();
      return { error: t("helpdesk.lifetimeInvalid", { min: range.minLifetimeMinutes, max: range.maxLifetimeMinutes }) };
    }
    const body = { lifetimeInMinutes: minutes, isUsableOnce: once.checked };
    let begins = null;
    if (start.value) {
      begins = new Date(start.value);
      const ahead = begins.getTime() - Date.now();
      if (Number.isNaN(begins.getTime()) || ahead < -5 * 60_000 || ahead > range.maxStartDaysAhead * 86_400_000) {
        start.focus();
        return { error: t("helpdesk.startInvalid", { days: range.maxStartDaysAhead }) };
      }
      body.startDateTime = begins.toISOString();
    }
    return { body, lifetime: minutes, once: once.checked, start: begins };
  }
  return { fields, read };
}

/** The route of the tab: the selected user's card, if any. */
export function issueHash() {
  return selectedUser ? `#/issue/${selectedUser.id}` : "#/issue";
}

/** `context`: `{ api, config, setRoute, userId }` (userId: the user in the address, restored when known). */
export function setUpIssueTab(context) {
  ({ api, config, setRoute } = context);
  me = context.me || null;
  const { userId } = context;
  const search = $("search");
  search.addEventListener("input", scheduleSearch);
  search.addEventListener("keydown", moveInResults);
  $("results").addEventListener("keydown", moveInResults);
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    window.clearTimeout(searchTimer);
    const query = search.value.trim();
    if (query.length >= 2) runSearch(query);
    else $("search-status").textContent = t("helpdesk.searchShort");
  });
  if (userId) {
    try {
      const saved = JSON.parse(sessionStorage.getItem(SELECTED_KEY) || "null");
      if (saved && saved.id === userId) openUser(saved);
    } catch {
      sessionStorage.removeItem(SELECTED_KEY);
    }
  }
}
