// Small DOM helpers both portals use: element building (text only, never HTML strings), the
// screen-reader announcer, messages for the API's error codes, the confirmation dialog and the
// masked TAP with Show, Copy and a countdown after which it is removed from the page.

import { t, has, formatDuration, formatClock, formatDate, formatTime, formatMinutes } from "./i18n.js";

/** Builds an element. `attributes`: properties for on*, className, hidden…; strings for the rest. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
    else if (name === "className") element.className = value;
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (name === "hidden" || name === "disabled" || name === "value" || name === "checked") element[name] = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Splits a translated sentence at its NUL placeholders and puts `nodes` there, in order. */
export function withNodes(text, ...nodes) {
  const parts = text.split("\u0000");
  const result = [];
  parts.forEach((part, index) => {
    if (part) result.push(part);
    if (index < parts.length - 1 && nodes[index]) result.push(nodes[index]);
  });
  return result;
}

export function clear(element) {
  element.replaceChildren();
  return element;
}

export function $(id) {
  return document.getElementById(id);
}

/**
 * Says `text` to screen readers through the page's polite live region. The region is emptied first,
 * so repeating the same text is announced again.
 */
export function announce(text) {
  const region = $("announcer");
  if (!region) return;
  region.textContent = "";
  window.setTimeout(() => {
    region.textContent = text;
  }, 50);
}

/**
 * The human sentence for an API error (SPEC 6.4), in the page's language. `context` picks wording per
 * portal; `context.issuing` says the failed request was an issuance ("Nothing was issued").
 */
export function errorText(error, context = {}) {
  const code = error && error.code ? error.code : "default";
  if (context.issuing && isOutcomeUnknown(error)) return t("error.outcome_unknown");
  if (code === "upstream_refused" && error.requestId) return `${t("error.upstream_refused")} ${t("error.requestId", { id: error.requestId })}`;
  if (code === "rate_limited") {
    const key = context.rateLimitedKey || "error.rate_limited";
    if (error.retryAfter === null || error.retryAfter === undefined) return t(`${key}_nowait`);
    return t(key, { wait: formatDuration(error.retryAfter), time: formatTime(new Date(Date.now() + error.retryAfter * 1000)) });
  }
  if (code === "issuance_in_progress") {
    if (error.retryAfter === null || error.retryAfter === undefined) return t("error.issuance_in_progress_nowait");
    return t("error.issuance_in_progress", { wait: formatDuration(error.retryAfter), time: formatTime(new Date(Date.now() + error.retryAfter * 1000)) });
  }
  if (code === "auth_context_required" && error.stepUpLoop) return t("error.auth_context_loop");
  if (code === "tap_active" && context.tapActiveKey) return t(context.tapActiveKey);
  if (code === "invalid_request" || code === "invalid_query") return t(`error.${code}`, { detail: error.serverMessage || code });
  if (code === "target_not_eligible") return t("error.target_not_eligible", { reason: error.reason || "" }).replace(/\s+/g, " ");
  const issuing = context.issuing ? "_issuing" : "";
  if (has(`error.${code}${issuing}`)) return t(`error.${code}${issuing}`);
  if (has(`error.${code}`)) return t(`error.${code}`);
  return t(`error.default${issuing}`, { status: error && error.status ? error.status : "?" });
}

/**
 * True when an issuance ended without telling us whether a pass was created (SPEC 6.4
 * `outcome_unknown`): the API said so, the Functions host answered 502 or 504 itself (the handler
 * died or timed out mid-request), or the network failed after the request left. The portal then says
 * so and reloads the user's TAP status instead of claiming that nothing was issued.
 */
export function isOutcomeUnknown(error) {
  if (!error) return false;
  if (error.code === "outcome_unknown") return true;
  if (error.code === "upstream_refused") return false;
  return error.status === 0 || error.status === 502 || error.status === 504;
}

/**
 * Shows an error in `container` (role="alert" there), with an optional action button (for example
 * "Revoke TAP" after `tap_active`). Returns the message element.
 */
export function showError(container, error, { context = {}, action = null } = {}) {
  const message = h("div", { className: "message error", dataset: { code: error.code || "" } },
    h("p", {}, errorText(error, context)));
  if (action) message.append(h("p", {}, h("button", { type: "button", className: "secondary", onclick: action.onClick }, action.label)));
  clear(container).append(message);
  return message;
}

export function showInfo(container, text, kind = "info") {
  const message = h("div", { className: `message ${kind}` }, h("p", {}, text));
  clear(container).append(message);
  return message;
}

/**
 * A modal confirmation (native <dialog>: focus is trapped, Escape cancels). Resolves true on confirm.
 * Focus opens on the safe choice (Cancel), so Enter never confirms by accident, and returns to the
 * opener (or `returnFocus` when the opener is gone or disabled by then).
 */
export function confirmDialog({ title, body, confirmLabel, cancelLabel = t("common.cancel"), danger = false, returnFocus = null }) {
  return new Promise((resolve) => {
    const opener = document.activeElement;
    const titleId = `dialog-title-${Math.random().toString(36).slice(2)}`;
    const confirmButton = h("button", { type: "submit", value: "confirm", className: danger ? "danger" : "primary" }, confirmLabel);
    const cancelButton = h("button", { type: "submit", value: "cancel", className: "secondary" }, cancelLabel);
    const dialog = h("dialog", { className: "confirm", "aria-labelledby": titleId },
      h("form", { method: "dialog" },
        h("h2", { id: titleId }, title),
        ...(Array.isArray(body) ? body : [body]).map((line) => h("p", {}, line)),
        h("div", { className: "actions" },
          cancelButton,
          confirmButton)));
    dialog.addEventListener("close", () => {
      dialog.remove();
      const usable = opener && typeof opener.focus === "function" && opener.isConnected && !opener.disabled && !opener.hidden;
      const target = usable ? opener : returnFocus;
      if (target && typeof target.focus === "function") target.focus();
      resolve(dialog.returnValue === "confirm");
    });
    document.body.append(dialog);
    dialog.showModal();
    cancelButton.focus();
  });
}

/**
 * Shows a freshly issued TAP in `container`: masked, with Show/Hide and Copy, its validity, and a
 * countdown of `seconds` after which the value is removed from the page (and from this closure).
 * The value never goes into an attribute, the URL, storage or the console. `announcement` opens the
 * one sentence screen readers hear at the start (with the time left). Returns `{ remove }`.
 */
export function showTap(container, issued, { seconds, heading = t("tap.title"), extra = null, onRemoved = null, announcement = "", focus = false }) {
  let value = issued.temporaryAccessPass;
  const total = Math.max(1, Number(seconds) || 60);
  const deadline = Date.now() + total * 1000;
  let shown = false;
  let timer = null;
  let lastAnnounced = null;

  const code = h("code", { className: "tap-value masked", id: "tap-value" }, t("tap.masked"));
  // The button's label says what it does (Show, Hide), so it carries no aria-pressed as well.
  const showButton = h("button", { type: "button", className: "secondary", "aria-controls": "tap-value" }, t("tap.show"));
  const copyButton = h("button", { type: "button", className: "secondary" }, t("tap.copy"));
  const removeButton = h("button", { type: "button", className: "link" }, t("tap.removeNow"));
  const clock = h("span", { className: "clock" }, formatClock(total));
  const countdown = h("p", { className: "countdown", role: "timer", id: "tap-countdown" }, ...withNodes(t("tap.countdown", { time: "\u0000" }), clock));
  const progress = h("progress", { max: String(total), value: String(total), "aria-hidden": "true" });
  const copyStatus = h("p", { className: "copy-status", role: "status" });
  const start = issued.startDateTime ? new Date(issued.startDateTime) : new Date();
  const end = issued.expiresDateTime ? new Date(issued.expiresDateTime)
    : new Date(start.getTime() + (Number(issued.lifetimeInMinutes) || 0) * 60_000);
  const details = h("p", { className: "tap-details" }, t("tap.details", {
    start: formatDate(start), end: formatDate(end), lifetime: formatMinutes(Number(issued.lifetimeInMinutes) || 0),
    usage: issued.isUsableOnce ? t("tap.usableOnce") : t("tap.usableMany"),
  }));
  const card = h("section", { className: "tap-card", "aria-labelledby": "tap-heading", dataset: { testid: "tap-card" } },
    h("h3", { id: "tap-heading", tabindex: "-1", "aria-describedby": focus ? "tap-countdown" : null }, heading),
    h("div", { className: "tap-row" }, h("span", { className: "visually-hidden" }, t("tap.valueLabel")), code,
      h("div", { className: "tap-buttons" }, showButton, copyButton)),
    copyStatus,
    details,
    extra,
    countdown,
    progress,
    h("p", {}, removeButton));

  showButton.addEventListener("click", () => {
    if (value === null) return;
    shown = !shown;
    code.textContent = shown ? value : t("tap.masked");
    code.classList.toggle("masked", !shown);
    showButton.textContent = shown ? t("tap.hide") : t("tap.show");
  });
  copyButton.addEventListener("click", async () => {
    if (value === null) return;
    try {
      await navigator.clipboard.writeText(value);
      copyStatus.textContent = t("tap.copied");
    } catch {
      copyStatus.textContent = t("tap.copyFailed");
    }
  });

  function remove({ announceIt = true } = {}) {
    if (timer !== null) window.clearInterval(timer);
    timer = null;
    value = null;
    code.textContent = "";
    card.remove();
    document.removeEventListener("visibilitychange", tick);
    window.removeEventListener("beforeunload", warnBeforeLeaving);
    if (announceIt) {
      const note = showInfo(container, t("tap.removed"));
      note.dataset.testid = "tap-removed";
      announce(t("tap.removed"));
    }
    if (onRemoved) onRemoved();
  }
  removeButton.addEventListener("click", () => remove());

  function milestone(left) {
    // Announce at the start, at every whole minute, at 30 and 10 seconds: not every second.
    if (left === total) return true;
    if (left >= 60) return left % 60 === 0;
    return left === 30 || left === 10;
  }

  function tick() {
    const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    if (left <= 0) {
      remove();
      return;
    }
    clock.textContent = formatClock(left);
    progress.value = left;
    if (milestone(left) && lastAnnounced !== left) {
      const opening = lastAnnounced === null && announcement ? `${announcement} ` : "";
      lastAnnounced = left;
      announce(opening + t("tap.announceLeft", { time: formatDuration(left) }));
    }
  }

  // Issue 14: reloading or closing the page while the pass is shown asks first (it cannot be shown again).
  function warnBeforeLeaving(event) {
    event.preventDefault();
    event.returnValue = "";
  }

  clear(container).append(card);
  timer = window.setInterval(tick, 250);
  document.addEventListener("visibilitychange", tick);
  window.addEventListener("beforeunload", warnBeforeLeaving);
  if (focus) {
    // Issue 14: the pass is brought into view and its heading focused. Focus reads the heading with
    // the countdown (aria-describedby), so the opening announcement is left out: heard once.
    card.scrollIntoView({ block: "center" });
    card.querySelector("#tap-heading").focus({ preventScroll: true });
    lastAnnounced = total;
  }
  tick();
  return { remove: () => remove({ announceIt: false }) };
}

/**
 * Reads a TAP status (`GET /api/my-tap` or `/api/users/{id}/tap`) into the `status` element (busy
 * while it loads) and shows `revokeButton` only while a TAP exists. Resolves to the TAP state (null:
 * none; undefined: the status could not be read).
 */
export async function loadTapStatus(api, path, status, revokeButton) {
  status.setAttribute("aria-busy", "true");
  try {
    const body = await api.get(path);
    const tap = body ? body.tap : null;
    status.textContent = tapStatusText(tap);
    revokeButton.hidden = !tap;
    return tap;
  } catch (error) {
    if (!error.redirecting) status.textContent = error.code === "user_not_found" ? t("error.user_not_found") : t("tap.statusFailed");
    return undefined;
  } finally {
    status.setAttribute("aria-busy", "false");
  }
}

/** A sentence describing a TAP status from GET /api/my-tap or /api/users/{id}/tap (never the secret). */
function tapStatusText(tap) {
  if (!tap) return t("tap.statusNone");
  const start = tap.startDateTime ? new Date(tap.startDateTime) : null;
  const end = start ? new Date(start.getTime() + (Number(tap.lifetimeInMinutes) || 0) * 60_000) : null;
  let text = t("tap.statusActive", { created: formatDate(tap.createdDateTime), start: formatDate(start), end: formatDate(end) });
  if (tap.isUsable === true) text += ` ${t("tap.statusUsable")}`;
  else if (tap.isUsable === false) {
    const reasonKey = `tap.reason.${tap.methodUsabilityReason}`;
    text += ` ${t("tap.statusNotUsable", { reason: has(reasonKey) ? t(reasonKey) : String(tap.methodUsabilityReason || "?") })}`;
  }
  return text;
}
