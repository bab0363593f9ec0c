// The helpdesk "Protected accounts" tab (Helpdesk.TapAdmin and Helpdesk.TapViewer): every account
// the guard refuses and why, whether the tenant's TAP policy still includes it, the policy's
// scope and bounds, paged ("Load more") and exportable as CSV (every page).
// API: GET /api/protected-accounts (SPEC 6.3, 7.7).

import { addMessages, t, formatMinutes } from "./i18n.js";
import { $, h, clear, showError } from "./ui.js";

addMessages({
  en: {
    "protected.tab": "Protected accounts",
    "protected.intro": "Accounts EphemGate never issues a Temporary Access Pass for, and why.",
    "protected.loading": "Reading the tenant's roles, groups and units…",
    "protected.count": "{n} protected accounts; {included} of them are still inside the tenant's TAP policy.",
    "protected.col.user": "User",
    "protected.col.reasons": "Why protected",
    "protected.col.policy": "TAP policy",
    "protected.included": "included",
    "protected.excluded": "outside",
    "protected.more": "Load more",
    "protected.export": "Export CSV",
    "protected.policy": "TAP policy: {state}, lifetime {min}–{max} (default {def}){once}.",
    "protected.policyOnce": ", one-time use only",
    "protected.policyScope": "Included: {include}. Excluded: {exclude}.",
    "protected.none": "none",
    "protected.state.enabled": "enabled",
    "protected.state.disabled": "disabled",
  },
  de: {
    "protected.tab": "Geschützte Konten",
    "protected.intro": "Konten, für die EphemGate nie einen befristeten Zugriffspass ausstellt, und warum.",
    "protected.loading": "Rollen, Gruppen und Verwaltungseinheiten des Mandanten werden gelesen…",
    "protected.count": "{n} geschützte Konten; {included} davon liegen noch in der TAP-Richtlinie des Mandanten.",
    "protected.col.user": "Benutzer",
    "protected.col.reasons": "Warum geschützt",
    "protected.col.policy": "TAP-Richtlinie",
    "protected.included": "eingeschlossen",
    "protected.excluded": "außerhalb",
    "protected.more": "Mehr laden",
    "protected.export": "Als CSV exportieren",
    "protected.policy": "TAP-Richtlinie: {state}, Gültigkeit {min}–{max} (Standard {def}){once}.",
    "protected.policyOnce": ", nur einmal verwendbar",
    "protected.policyScope": "Eingeschlossen: {include}. Ausgeschlossen: {exclude}.",
    "protected.none": "keine",
    "protected.state.enabled": "aktiviert",
    "protected.state.disabled": "deaktiviert",
  },
});

const PAGE = 200;
const state = { accounts: [], token: null, body: null, loaded: false, loading: false };
let api;

function targets(list) {
  return list && list.length ? list.map((item) => item.displayName || item.id).join(", ") : t("protected.none");
}

function row(account) {
  const cell = (key, ...content) => h("td", { dataset: { label: t(key) } }, ...content);
  return h("tr", { dataset: { id: account.id } },
    cell("protected.col.user", h("strong", {}, account.displayName || ""), h("br"), account.userPrincipalName || account.id),
    cell("protected.col.reasons", h("ul", { className: "reasons" }, ...(account.reasons || []).map((reason) => h("li", {}, reason)))),
    cell("protected.col.policy", h("span", { className: `badge ${account.includedByTapPolicy ? "RATE_LIMITED" : "SUCCESS"}` },
      t(account.includedByTapPolicy ? "protected.included" : "protected.excluded"))));
}

function render(panel) {
  const body = state.body;
  const policy = body.policy || {};
  const summary = h("div", { className: "card" },
    h("p", {}, t("protected.intro")),
    h("p", { role: "status", id: "protected-status" }, t("protected.count", { n: body.total, included: body.includedByTapPolicy })),
    h("p", {}, t("protected.policy", {
      state: t(`protected.state.${policy.state}`), min: formatMinutes(policy.minimumLifetimeInMinutes), max: formatMinutes(policy.maximumLifetimeInMinutes),
      def: formatMinutes(policy.defaultLifetimeInMinutes), once: policy.isUsableOnce ? t("protected.policyOnce") : "",
    }), " ", t("protected.policyScope", { include: targets(policy.includeTargets), exclude: targets(policy.excludeTargets) })),
    body.includedByTapPolicy > 0 ? h("p", { className: "muted" }, body.advice || "") : null);
  const more = h("button", { type: "button", className: "secondary", id: "protected-more", hidden: !state.token, onclick: () => load({ more: true }) }, t("protected.more"));
  const exportButton = h("button", { type: "button", className: "secondary", id: "protected-export", onclick: exportCSV }, t("protected.export"));
  const table = h("div", { className: "card" }, h("div", { className: "table-wrap" }, h("table", { className: "audit", id: "protected-table" },
    h("thead", {}, h("tr", {}, ...["protected.col.user", "protected.col.reasons", "protected.col.policy"].map((key) => h("th", { scope: "col" }, t(key))))),
    h("tbody", { id: "protected-rows" }, ...state.accounts.map(row)))),
    h("div", { className: "actions" }, more, exportButton));
  clear(panel).append(h("h1", { className: "visually-hidden" }, t("protected.tab")), summary, table);
}

async function load({ more = false } = {}) {
  const panel = $("panel-protected");
  if (state.loading) return;
  state.loading = true;
  if (!more) clear(panel).append(h("p", { className: "muted", role: "status" }, t("protected.loading")));
  try {
    const query = `top=${PAGE}` + (more && state.token ? `&continuationToken=${encodeURIComponent(state.token)}` : "");
    const body = await api.get(`/api/protected-accounts?${query}`);
    state.accounts = more ? state.accounts.concat(body.accounts || []) : body.accounts || [];
    state.token = body.continuationToken || null;
    state.body = body;
    state.loaded = true;
    render(panel);
  } catch (error) {
    if (!more) clear(panel);
    const box = h("div", { role: "alert" });
    panel.append(box);
    showError(box, error);
  } finally {
    state.loading = false;
  }
}

function csvCell(value) {
  let text = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

async function exportCSV() {
  // Every page, not only those shown.
  while (state.token) {
    const body = await api.get(`/api/protected-accounts?top=1000&continuationToken=${encodeURIComponent(state.token)}`);
    state.accounts = state.accounts.concat(body.accounts || []);
    state.token = body.continuationToken || null;
  }
  render($("panel-protected"));
  const lines = ["id,userPrincipalName,displayName,includedByTapPolicy,reasons"];
  for (const account of state.accounts) {
    lines.push([account.id, account.userPrincipalName, account.displayName, account.includedByTapPolicy, (account.reasons || []).join("; ")].map(csvCell).join(","));
  }
  const blob = new Blob([`\uFEFF${lines.join("\r\n")}\r\n`], { type: "text/csv;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: `ephemgate-protected-accounts-${new Date().toISOString().slice(0, 10)}.csv`, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Wires the tab; returns `onShow`, which loads the report the first time the tab is shown. */
export function setUpProtectedTab(context) {
  ({ api } = context);
  return () => {
    if (!state.loaded) load();
  };
}
