// The helpdesk audit-log tab (Helpdesk.TapAdmin and Helpdesk.TapViewer): filters (days, portal,
// action, agent, target), "load more" with the API's continuationToken, CSV export of what is
// loaded. API: GET /api/audit-log (SPEC 6.3).

import { t, formatDate, formatMinutes } from "./i18n.js";
import { $, h, clear, showError } from "./ui.js";
import { denialText, personText } from "./helpdesk-audit-text.js";

const AUDIT_PAGE_SIZE = 50;

let api;

const audit = { entries: [], continuationToken: null, filters: null, loading: false, loaded: false };
/** Counts loads: a new first page (other filters) supersedes whatever load is still running. */
let generation = 0;

function readFilters() {
  const value = (id) => $(id).value.trim();
  return { days: value("filter-days") || "7", portal: value("filter-portal"), action: value("filter-action"), agent: value("filter-agent"), target: value("filter-target"), ticketId: value("filter-ticket") };
}

function periodText(days) {
  return t(`audit.days${days}`) === `audit.days${days}` ? `${days}` : t(`audit.days${days}`);
}

function auditDetails(entry) {
  const parts = [];
  if (entry.tapLifetimeMinutes) {
    parts.push(t("audit.lifetime", { lifetime: formatMinutes(Number(entry.tapLifetimeMinutes)) }) + (entry.tapIsUsableOnce ? `, ${t("audit.once")}` : ""));
  }
  if (entry.ticketId) parts.push(t("audit.ticket", { id: entry.ticketId }));
  if (entry.reason) parts.push(t("audit.reason", { text: entry.reason }));
  if (entry.denialReason) parts.push(t("audit.denial", { text: denialText(entry.denialReason) }));
  if (entry.handoverId) parts.push(t("audit.handover", { id: entry.handoverId, recipient: entry.recipientUPN || "–", approver: entry.approverUPN || "–" }));
  return parts.join(" · ");
}

/** A UPN that may break after its "@" on narrow screens. */
function breakable(text) {
  const value = String(text || "");
  const at = value.indexOf("@");
  return at < 0 ? [value] : [value.slice(0, at), h("wbr"), value.slice(at)];
}

/** A person cell: the display name first (when the row has one), then the UPN or id in small type. */
function who(name, upn, id) {
  const second = upn || id;
  if (!name) return breakable(second);
  return [h("span", { className: "who-name" }, name), h("br"), h("span", { className: "muted" }, ...breakable(second))];
}

function actionText(action) {
  const key = `audit.action.${action}`;
  return t(key) === key ? action : t(key);
}

function portalText(portal) {
  const key = `audit.portal.${portal}`;
  return t(key) === key ? String(portal || "") : t(key);
}

function auditRow(entry) {
  const action = String(entry.action || "");
  const actionKey = `audit.action.${action}`;
  const portalKey = `audit.portal.${entry.portal}`;
  const cell = (labelKey, className, ...content) => h("td", { className, dataset: { label: t(labelKey) } }, ...content);
  return h("tr", { dataset: { id: entry.id || "", action } },
    cell("audit.col.when", "when", h("time", { datetime: entry.occurredAt || "" }, formatDate(entry.occurredAt, { seconds: true }))),
    cell("audit.col.action", "", h("span", { className: `badge ${action}` }, t(actionKey) === actionKey ? action : t(actionKey))),
    cell("audit.col.portal", "", t(portalKey) === portalKey ? String(entry.portal || "") : t(portalKey)),
    cell("audit.col.agent", "who", ...who(entry.agentName, entry.agentUPN, entry.agentId)),
    cell("audit.col.target", "who", ...who(entry.targetName, entry.targetUPN, entry.targetId)),
    cell("audit.col.details", "", auditDetails(entry)),
    cell("audit.col.client", "", entry.clientIp || ""));
}

function auditStatus() {
  const period = periodText(audit.filters.days);
  const n = audit.entries.length;
  $("audit-status").textContent = n === 0 ? t("audit.empty", { period })
    : audit.continuationToken ? t(n === 1 ? "audit.loadedMoreOne" : "audit.loadedMore", { n, period })
      : t(n === 1 ? "audit.loadedOne" : "audit.loaded", { n, period });
}

async function loadAudit({ more = false } = {}) {
  if (more && audit.loading) return;
  const mine = ++generation;
  audit.loading = true;
  const moreButton = $("audit-more");
  const status = $("audit-status");
  const message = $("audit-message");
  if (!more) {
    audit.filters = readFilters();
    audit.entries = [];
    audit.continuationToken = null;
    clear($("audit-rows"));
  }
  moreButton.disabled = true;
  $("audit-table").setAttribute("aria-busy", "true");
  status.textContent = t("audit.loading");
  clear(message);
  const query = new URLSearchParams({ days: audit.filters.days, top: String(AUDIT_PAGE_SIZE) });
  for (const name of ["portal", "action", "agent", "target", "ticketId"]) if (audit.filters[name]) query.set(name, audit.filters[name]);
  if (more && audit.continuationToken) query.set("continuationToken", audit.continuationToken);
  try {
    // URLSearchParams writes a space as "+"; the API decodes percent-escapes only, so send %20
    // (a literal "+" is already %2B).
    const body = await api.get(`/api/audit-log?${String(query).replace(/\+/g, "%20")}`);
    if (mine !== generation) return;
    const entries = Array.isArray(body && body.entries) ? body.entries : [];
    const firstNew = audit.entries.length;
    audit.entries.push(...entries);
    audit.continuationToken = (body && typeof body.continuationToken === "string" && body.continuationToken) || null;
    $("audit-rows").append(...entries.map(auditRow));
    auditStatus();
    if (more && entries.length) {
      // Keyboard users continue at the first new row.
      const row = $("audit-rows").children[firstNew];
      if (row) row.querySelector("td").setAttribute("tabindex", "-1");
      if (row) row.querySelector("td").focus();
    }
  } catch (error) {
    if (mine !== generation) return;
    status.textContent = "";
    if (!error.redirecting) showError(message, error);
  } finally {
    if (mine === generation) finishLoad();
  }
}

/** The controls after the newest load ended, however it ended. */
function finishLoad() {
  const moreButton = $("audit-more");
  audit.loading = false;
  audit.loaded = true;
  moreButton.hidden = !audit.continuationToken;
  moreButton.disabled = false;
  $("audit-export").disabled = audit.entries.length === 0;
  $("audit-table").setAttribute("aria-busy", "false");
}

// Issue 14: the export starts with the screen's columns, as the screen shows them (in the portal's
// language); the stored values follow for machines.
const SCREEN_COLUMNS = [
  ["audit.col.when", (entry) => formatDate(entry.occurredAt, { seconds: true })],
  ["audit.col.action", (entry) => actionText(String(entry.action || ""))],
  ["audit.col.portal", (entry) => portalText(entry.portal)],
  ["audit.col.agent", (entry) => personText(entry.agentName, entry.agentUPN, entry.agentId)],
  ["audit.col.target", (entry) => personText(entry.targetName, entry.targetUPN, entry.targetId)],
  ["audit.col.details", (entry) => auditDetails(entry)],
  ["audit.col.client", (entry) => entry.clientIp || ""],
];

const CSV_COLUMNS = ["occurredAt", "portal", "action", "agentUPN", "agentId", "targetUPN", "targetId", "denialReason",
  "tapLifetimeMinutes", "tapIsUsableOnce", "reason", "ticketId", "clientIp", "userAgent", "correlationId", "id", "agentName", "targetName"];

function csvCell(value) {
  let text = value === null || value === undefined ? "" : String(value);
  // A cell a spreadsheet would run as a formula is kept as text.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function exportCSV() {
  const lines = [[...SCREEN_COLUMNS.map(([key]) => csvCell(t(key))), ...CSV_COLUMNS].join(",")];
  for (const entry of audit.entries) {
    lines.push([...SCREEN_COLUMNS.map(([, value]) => csvCell(value(entry))), ...CSV_COLUMNS.map((column) => csvCell(entry[column]))].join(","));
  }
  const blob = new Blob([`\uFEFF${lines.join("\r\n")}\r\n`], { type: "text/csv;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  const stamp = new Date().toISOString().slice(0, 10);
  const link = h("a", { href: url, download: `ephemgate-audit-${stamp}.csv`, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Wires the tab; returns `onShow`, which loads the first page the first time the tab is shown. */
export function setUpAuditTab(context) {
  ({ api } = context);
  const form = $("audit-filters");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    loadAudit();
  });
  form.addEventListener("reset", () => window.setTimeout(() => loadAudit(), 0));
  $("audit-more").addEventListener("click", () => loadAudit({ more: true }));
  $("audit-export").addEventListener("click", exportCSV);
  return () => {
    if (!audit.loaded) loadAudit();
  };
}
