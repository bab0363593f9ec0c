// Self-service: passes waiting for the signed-in user as a target's manager (SPEC 6.2, 7.6).
// GET /api/handovers lists them; "Pick up" asks for confirmation, then PUT
// /api/handovers/{id}/tap creates the pass now and shows it here only, with the display countdown.
// The card is built here and placed after the page heading, so selfservice.js only calls setUp.

import { addMessages, t, formatDate, formatDuration } from "./i18n.js";
import { $, h, clear, showError, confirmDialog, showTap, isOutcomeUnknown } from "./ui.js";

addMessages({
  en: {
    "handover.waitingTitle": "Passes waiting for you",
    "handover.waitingIntro": "As their manager, you can pick up a Temporary Access Pass the helpdesk requested for someone in your team, and hand it to them in person.",
    "handover.waitingFor": "A pass for {name} is waiting for you",
    "handover.requestedBy": "Requested by {agent} on {when}.",
    "handover.reasonLine": "Reason: {reason}",
    "handover.expiresLine": "Can be picked up until {when}.",
    "handover.awaitingApproval": "Waiting for a second helpdesk agent's approval.",
    "handover.pickUp": "Pick up pass for {name}",
    "handover.confirmTitle": "Pick up the Temporary Access Pass for {name}?",
    "handover.confirmBody": "The pass is created now and shown only here, for {time}. Give it to {name} in person or over a channel you trust.",
    "handover.tapFor": "Temporary Access Pass for {name}",
    "handover.pickedUp": "The Temporary Access Pass for {name} is shown below.",
    "handover.none": "Nothing is waiting for you.",
    "error.not_recipient": "This pass is not waiting for you: only the user's current manager can pick it up.",
    "error.handover_closed": "This request has ended: it was picked up, cancelled, rejected or has expired.",
    "error.approval_pending": "This request still waits for a second helpdesk agent's approval.",
    "error.handover_not_found": "This request no longer exists.",
  },
  de: {
    "handover.waitingTitle": "Pässe, die auf Sie warten",
    "handover.waitingIntro": "Als Vorgesetzte(r) können Sie einen befristeten Zugriffspass abholen, den der Helpdesk für jemanden in Ihrem Team angefordert hat, und ihn persönlich übergeben.",
    "handover.waitingFor": "Ein Pass für {name} wartet auf Sie",
    "handover.requestedBy": "Angefordert von {agent} am {when}.",
    "handover.reasonLine": "Begründung: {reason}",
    "handover.expiresLine": "Abholbar bis {when}.",
    "handover.awaitingApproval": "Wartet auf die Freigabe durch einen zweiten Helpdesk-Mitarbeiter.",
    "handover.pickUp": "Pass für {name} abholen",
    "handover.confirmTitle": "Befristeten Zugriffspass für {name} abholen?",
    "handover.confirmBody": "Der Pass wird jetzt erstellt und nur hier angezeigt, {time} lang. Geben Sie ihn {name} persönlich oder über einen vertrauenswürdigen Weg.",
    "handover.tapFor": "Befristeter Zugriffspass für {name}",
    "handover.pickedUp": "Der befristete Zugriffspass für {name} wird unten angezeigt.",
    "handover.none": "Nichts wartet auf Sie.",
    "error.not_recipient": "Dieser Pass wartet nicht auf Sie: Nur die aktuelle Führungskraft der Person kann ihn abholen.",
    "error.handover_closed": "Diese Anfrage ist beendet: abgeholt, storniert, abgelehnt oder abgelaufen.",
    "error.approval_pending": "Diese Anfrage wartet noch auf die Freigabe durch einen zweiten Helpdesk-Mitarbeiter.",
    "error.handover_not_found": "Diese Anfrage existiert nicht mehr.",
  },
});

let api;
let config;
let section;
let display = null;

function nameOf(handover) {
  const target = handover.targetUser || {};
  return target.displayName || target.upn || target.id;
}

async function pickUp(handover, message, tapArea, button) {
  const name = nameOf(handover);
  const confirmed = await confirmDialog({
    title: t("handover.confirmTitle", { name }),
    body: t("handover.confirmBody", { name, time: formatDuration(config.displayTimeoutSeconds) }),
    confirmLabel: t("handover.pickUp", { name }),
  });
  if (!confirmed) return;
  button.disabled = true;
  clear(message);
  try {
    const issued = await api.put(`/api/handovers/${encodeURIComponent(handover.id)}/tap`);
    if (display) display.remove();
    display = showTap(tapArea, issued, {
      seconds: issued.displayTimeoutSeconds || config.displayTimeoutSeconds,
      heading: t("handover.tapFor", { name }),
      onRemoved: () => { display = null; },
      announcement: t("handover.pickedUp", { name }),
    });
    button.remove();
  } catch (error) {
    button.disabled = false;
    showError(message, error, { context: { issuing: true } });
    if (!isOutcomeUnknown(error) && error.code !== "issuance_in_progress") button.disabled = true;
  }
}

function item(handover) {
  const name = nameOf(handover);
  const message = h("div", { role: "alert" });
  const tapArea = h("div", {});
  const headingId = `handover-${handover.id}`;
  const button = h("button", { type: "button", className: "primary", dataset: { handoverId: handover.id } }, t("handover.pickUp", { name }));
  button.addEventListener("click", () => pickUp(handover, message, tapArea, button));
  const pending = handover.approvalRequired && handover.state === "REQUESTED";
  if (pending) button.disabled = true;
  return h("li", { className: "handover", "aria-labelledby": headingId },
    h("h3", { id: headingId }, t("handover.waitingFor", { name })),
    h("p", {}, t("handover.requestedBy", { agent: (handover.requester && handover.requester.upn) || "", when: formatDate(handover.createdDateTime) })),
    handover.reason ? h("p", {}, t("handover.reasonLine", { reason: handover.reason })) : null,
    h("p", { className: "muted" }, pending ? t("handover.awaitingApproval") : t("handover.expiresLine", { when: formatDate(handover.expiresDateTime) })),
    h("div", { className: "actions" }, button),
    message,
    tapArea);
}

async function load() {
  const list = section.querySelector("ul");
  const status = section.querySelector("[role=status]");
  try {
    const body = await api.get("/api/handovers");
    const handovers = Array.isArray(body && body.handovers) ? body.handovers : [];
    clear(list);
    // Shown only when something waits: most users are nobody's manager.
    section.hidden = handovers.length === 0;
    status.textContent = handovers.length === 0 ? t("handover.none") : "";
    for (const handover of handovers) list.append(item(handover));
  } catch (error) {
    if (error.redirecting) return;
    section.hidden = false;
    showError(section.querySelector("[role=alert]"), error);
  }
}

/** `context`: `{ api, config }` of the signed-in portal. */
export function setUpHandovers(context) {
  ({ api, config } = context);
  section = h("section", { className: "card", id: "handovers", "aria-labelledby": "handovers-title", hidden: true },
    h("h2", { id: "handovers-title" }, t("handover.waitingTitle")),
    h("p", {}, t("handover.waitingIntro")),
    h("p", { role: "status", className: "muted" }),
    h("div", { role: "alert" }),
    h("ul", { className: "handovers" }));
  const heading = $("app").querySelector("h1");
  heading.after(section);
  return load();
}
