// A user's recent passes and what became of them (SPEC 7.7): the helpdesk user card's history
// (GET /api/users/{id}/history) and the self-service "Your recent passes" (GET /api/my-history).
// Each pass: when it was created, who issued it (or, out of band, who created it outside
// EphemGate), from which portal, and its fate. Text only, never HTML strings; never a secret.

import { addMessages, t, formatDate } from "./i18n.js";
import { h, clear, showError } from "./ui.js";

addMessages({
  en: {
    "history.title": "Recent Temporary Access Passes",
    "history.myTitle": "Your recent passes",
    "history.none": "No pass issued through EphemGate yet.",
    "history.loading": "Loading the history…",
    "history.created": "Created",
    "history.expires": "Expires",
    "history.issuedBy": "Issued by",
    "history.receivedBy": "received by {who}",
    "history.portal": "Portal",
    "history.fate": "Fate",
    "history.portal.selfservice": "Self-service",
    "history.portal.helpdesk": "Helpdesk",
    "history.portal.external": "Outside EphemGate",
    "history.state.ISSUED": "Issued, in force",
    "history.state.USED": "Used to sign in",
    "history.state.EXPIRED": "Expired",
    "history.state.REMOVED": "Removed elsewhere",
    "history.state.AUTO_REVOKED": "Auto-revoked after a passkey",
    "history.state.REVOKED": "Revoked",
    "history.state.OUT_OF_BAND": "Created outside EphemGate",
    "history.you": "you, via self-service",
  },
  de: {
    "history.title": "Letzte befristete Zugriffspässe",
    "history.myTitle": "Ihre letzten Zugriffspässe",
    "history.none": "Über EphemGate wurde noch kein Pass ausgestellt.",
    "history.loading": "Verlauf wird geladen…",
    "history.created": "Erstellt",
    "history.expires": "Läuft ab",
    "history.issuedBy": "Ausgestellt von",
    "history.receivedBy": "übergeben an {who}",
    "history.portal": "Portal",
    "history.fate": "Verbleib",
    "history.portal.selfservice": "Self-Service",
    "history.portal.helpdesk": "Helpdesk",
    "history.portal.external": "Außerhalb von EphemGate",
    "history.state.ISSUED": "Ausgestellt, gültig",
    "history.state.USED": "Zur Anmeldung verwendet",
    "history.state.EXPIRED": "Abgelaufen",
    "history.state.REMOVED": "Anderswo entfernt",
    "history.state.AUTO_REVOKED": "Nach Passkey automatisch widerrufen",
    "history.state.REVOKED": "Widerrufen",
    "history.state.OUT_OF_BAND": "Außerhalb von EphemGate erstellt",
    "history.you": "Sie selbst, über Self-Service",
  },
});

const STATE_BADGE = { ISSUED: "SUCCESS", USED: "SUCCESS", EXPIRED: "PENDING", REMOVED: "PENDING", AUTO_REVOKED: "REVOKED", REVOKED: "REVOKED", OUT_OF_BAND: "ERROR" };

function label(prefix, value) {
  const key = `${prefix}.${value}`;
  const text = t(key);
  return text === key ? String(value || "") : text;
}

/** Renders `passes` into `container` (a table, or a sentence when there are none). */
export function renderHistory(container, passes, { title, self = false }) {
  clear(container);
  const heading = h("h2", {}, title);
  if (!passes.length) {
    container.append(heading, h("p", { className: "muted" }, t("history.none")));
    return;
  }
  const cell = (labelKey, ...content) => h("td", { dataset: { label: t(labelKey) } }, ...content);
  const rows = passes.map((pass) => h("tr", { dataset: { state: pass.state, methodId: pass.methodId } },
    cell("history.created", h("time", { datetime: pass.createdDateTime || "" }, formatDate(pass.createdDateTime))),
    cell("history.expires", pass.expiresDateTime ? formatDate(pass.expiresDateTime) : ""),
    cell("history.issuedBy", (self && pass.portal === "selfservice" && !pass.receivedBy ? t("history.you") : String(pass.issuedBy || pass.issuedById || ""))
      + (pass.receivedBy ? ", " + t("history.receivedBy", { who: String(pass.receivedBy) }) : "")),
    cell("history.portal", label("history.portal", pass.portal)),
    cell("history.fate", h("span", { className: `badge ${STATE_BADGE[pass.state] || ""}`, title: pass.detail || "" }, label("history.state", pass.state)))));
  container.append(heading, h("div", { className: "table-wrap" }, h("table", { className: "audit history" },
    h("thead", {}, h("tr", {}, ...["history.created", "history.expires", "history.issuedBy", "history.portal", "history.fate"]
      .map((key) => h("th", { scope: "col" }, t(key))))),
    h("tbody", {}, ...rows))));
}

/** Loads `path` and renders it; a failure is shown in the container. Returns the passes. */
export async function loadHistory(api, path, container, options) {
  clear(container).append(h("p", { className: "muted", role: "status" }, t("history.loading")));
  try {
    const body = await api.get(path);
    const passes = Array.isArray(body && body.passes) ? body.passes : [];
    renderHistory(container, passes, options);
    return passes;
  } catch (error) {
    clear(container);
    showError(container, error);
    return [];
  }
}
