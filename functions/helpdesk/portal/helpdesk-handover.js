// Helpdesk handovers (SPEC 6.3, 7.6). Two parts, kept out of helpdesk-issue.js:
//  - beside "Issue TAP" on the user card: "Send to manager" (POST /api/handovers, deliverTo manager)
//    and, where APPROVAL_REQUIRED is not "never", "Request approval" (deliverTo agent); "Issue TAP"
//    is removed where HELPDESK_DIRECT_ISSUE is false. The reason and ticket fields of the card are used.
//  - the Handovers tab: waiting for approval (approve, reject with a reason), waiting for pick-up
//    (the requester picks up their own agent handover, or cancels), and ended. A picked-up pass is
//    shown only in this tab, with the display countdown.

import { addMessages, t, formatDate, formatDuration } from "./i18n.js";
import { $, h, clear, showError, showInfo, confirmDialog, showTap, isOutcomeUnknown } from "./ui.js";

addMessages({
  en: {
    "helpdesk.tabHandovers": "Handovers",
    "handover.sendToManager": "Send to manager",
    "handover.requestApproval": "Request approval",
    "handover.sendTitle": "Send a Temporary Access Pass for {name} to their manager?",
    "handover.sendBody": "The manager gets an email and picks the pass up in the self-service portal. Nobody sees a pass before that, you neither.",
    "handover.approvalTitle": "Request approval for a Temporary Access Pass for {name}?",
    "handover.approvalBody": "A second helpdesk agent must approve. Then you pick the pass up in the Handovers tab.",
    "handover.created": "Request created for {name}: {state}. See the Handovers tab.",
    "handover.state.REQUESTED": "requested",
    "handover.state.APPROVED": "approved",
    "handover.state.ISSUED": "picked up",
    "handover.state.REJECTED": "rejected",
    "handover.state.CANCELLED": "cancelled",
    "handover.state.EXPIRED": "expired",
    "handover.awaitingApprovalTitle": "Waiting for approval",
    "handover.awaitingPickupTitle": "Waiting for pick-up",
    "handover.endedTitle": "Ended",
    "handover.empty": "None.",
    "handover.refresh": "Refresh",
    "handover.loading": "Loading handovers…",
    "handover.line": "{target}: to {recipient}, requested by {requester} on {when}",
    "handover.toManager": "manager {name}",
    "handover.toAgent": "agent {name}",
    "handover.reasonLine": "Reason: {reason}",
    "handover.expires": "Expires {when}.",
    "handover.approvedBy": "Approved by {name}.",
    "handover.rejectedBy": "Rejected by {name}: {reason}",
    "handover.pickedUpBy": "Picked up by {name} on {when}.",
    "handover.approve": "Approve",
    "handover.reject": "Reject",
    "handover.cancel": "Cancel request",
    "handover.pickUpOwn": "Pick up pass",
    "handover.approveTitle": "Approve the Temporary Access Pass for {name}?",
    "handover.approveBody": "Requested by {agent}. {recipient} can then pick it up.",
    "handover.rejectTitle": "Reject the request for {name}?",
    "handover.rejectReason": "Reason (required)",
    "handover.rejectNeedsReason": "A rejection needs a reason.",
    "handover.cancelTitle": "Cancel the request for {name}?",
    "handover.cancelBody": "No pass will be created for it.",
    "handover.keep": "Keep",
    "handover.pickUpTitle": "Pick up the Temporary Access Pass for {name}?",
    "handover.pickUpBody": "The pass is created now and shown here for {time}. Give it to the user over a verified channel only.",
    "handover.tapFor": "Temporary Access Pass for {name}",
    "handover.pickedUp": "The Temporary Access Pass for {name} is shown below.",
    "handover.done": "Done.",
    "error.same_agent": "A second agent must approve or reject this request: not the one who made it.",
    "error.not_recipient": "This pass is not for you: only its recipient can pick it up.",
    "error.not_requester": "Only the agent who made this request can cancel it.",
    "error.direct_issue_disabled": "Agents may not issue passes to themselves here: send the pass to the user's manager instead.",
    "error.approval_required": "This user needs a second agent's approval: use “Request approval” or “Send to manager”.",
    "error.approval_pending": "This request still waits for a second agent's approval.",
    "error.handover_closed": "This request has ended (picked up, rejected, cancelled or expired), or another action on it was quicker.",
    "error.handover_not_found": "This request does not exist.",
    "audit.action.REQUESTED": "Handover requested",
    "audit.action.APPROVED": "Handover approved",
    "audit.action.REJECTED": "Handover rejected",
    "audit.action.CANCELLED": "Handover cancelled",
    "audit.action.EXPIRED": "Handover expired",
    "audit.handover": "Handover {id}, recipient {recipient}, approver {approver}",
  },
  de: {
    "helpdesk.tabHandovers": "Übergaben",
    "handover.sendToManager": "An Führungskraft senden",
    "handover.requestApproval": "Freigabe anfordern",
    "handover.sendTitle": "Befristeten Zugriffspass für {name} an die Führungskraft senden?",
    "handover.sendBody": "Die Führungskraft erhält eine E-Mail und holt den Pass im Self-Service-Portal ab. Vorher sieht niemand einen Pass, auch Sie nicht.",
    "handover.approvalTitle": "Freigabe für einen befristeten Zugriffspass für {name} anfordern?",
    "handover.approvalBody": "Ein zweiter Helpdesk-Mitarbeiter muss zustimmen. Danach holen Sie den Pass im Tab „Übergaben“ ab.",
    "handover.created": "Anfrage für {name} erstellt: {state}. Siehe Tab „Übergaben“.",
    "handover.state.REQUESTED": "angefordert",
    "handover.state.APPROVED": "freigegeben",
    "handover.state.ISSUED": "abgeholt",
    "handover.state.REJECTED": "abgelehnt",
    "handover.state.CANCELLED": "storniert",
    "handover.state.EXPIRED": "abgelaufen",
    "handover.awaitingApprovalTitle": "Wartet auf Freigabe",
    "handover.awaitingPickupTitle": "Wartet auf Abholung",
    "handover.endedTitle": "Beendet",
    "handover.empty": "Keine.",
    "handover.refresh": "Aktualisieren",
    "handover.loading": "Übergaben werden geladen…",
    "handover.line": "{target}: an {recipient}, angefordert von {requester} am {when}",
    "handover.toManager": "Führungskraft {name}",
    "handover.toAgent": "Mitarbeiter {name}",
    "handover.reasonLine": "Begründung: {reason}",
    "handover.expires": "Läuft ab am {when}.",
    "handover.approvedBy": "Freigegeben von {name}.",
    "handover.rejectedBy": "Abgelehnt von {name}: {reason}",
    "handover.pickedUpBy": "Abgeholt von {name} am {when}.",
    "handover.approve": "Freigeben",
    "handover.reject": "Ablehnen",
    "handover.cancel": "Anfrage stornieren",
    "handover.pickUpOwn": "Pass abholen",
    "handover.approveTitle": "Befristeten Zugriffspass für {name} freigeben?",
    "handover.approveBody": "Angefordert von {agent}. Danach kann {recipient} ihn abholen.",
    "handover.rejectTitle": "Anfrage für {name} ablehnen?",
    "handover.rejectReason": "Begründung (erforderlich)",
    "handover.rejectNeedsReason": "Eine Ablehnung braucht eine Begründung.",
    "handover.cancelTitle": "Anfrage für {name} stornieren?",
    "handover.cancelBody": "Es wird kein Pass dafür erstellt.",
    "handover.keep": "Behalten",
    "handover.pickUpTitle": "Befristeten Zugriffspass für {name} abholen?",
    "handover.pickUpBody": "Der Pass wird jetzt erstellt und hier {time} lang angezeigt. Geben Sie ihn nur über einen geprüften Weg weiter.",
    "handover.tapFor": "Befristeter Zugriffspass für {name}",
    "handover.pickedUp": "Der befristete Zugriffspass für {name} wird unten angezeigt.",
    "handover.done": "Erledigt.",
    "error.same_agent": "Ein zweiter Mitarbeiter muss diese Anfrage freigeben oder ablehnen, nicht der, der sie gestellt hat.",
    "error.not_recipient": "Dieser Pass ist nicht für Sie: Nur der Empfänger kann ihn abholen.",
    "error.not_requester": "Nur der Mitarbeiter, der die Anfrage gestellt hat, kann sie stornieren.",
    "error.direct_issue_disabled": "Mitarbeiter dürfen sich hier keine Pässe ausstellen: Senden Sie den Pass an die Führungskraft.",
    "error.approval_required": "Für diese Person ist die Freigabe eines zweiten Mitarbeiters nötig: „Freigabe anfordern“ oder „An Führungskraft senden“.",
    "error.approval_pending": "Diese Anfrage wartet noch auf die Freigabe eines zweiten Mitarbeiters.",
    "error.handover_closed": "Diese Anfrage ist beendet (abgeholt, abgelehnt, storniert oder abgelaufen), oder eine andere Aktion war schneller.",
    "error.handover_not_found": "Diese Anfrage existiert nicht.",
    "audit.action.REQUESTED": "Übergabe angefordert",
    "audit.action.APPROVED": "Übergabe freigegeben",
    "audit.action.REJECTED": "Übergabe abgelehnt",
    "audit.action.CANCELLED": "Übergabe storniert",
    "audit.action.EXPIRED": "Übergabe abgelaufen",
    "audit.handover": "Übergabe {id}, Empfänger {recipient}, Freigabe {approver}",
  },
});

let api;
let config;
let me;
let display = null;

// MARK: the user card's buttons

function addButtons(card) {
  const actions = card.querySelector("#issue-form .actions");
  if (!actions || actions.querySelector("[data-handover]")) return;
  const userId = card.dataset.userId;
  const name = (card.querySelector("#user-heading") || {}).firstChild?.textContent || userId;
  const message = card.querySelector("#issue-message");
  const generate = card.querySelector("#generate");
  if (config.directIssue === false && generate) generate.remove();
  const send = async (deliverTo) => {
    const body = { userId, deliverTo };
    const reason = (card.querySelector("#reason") || {}).value?.trim();
    const ticket = (card.querySelector("#ticket") || {}).value?.trim();
    if (reason) body.reason = reason.slice(0, 500);
    if (ticket) body.ticketId = ticket.slice(0, 64);
    const toManager = deliverTo === "manager";
    const confirmed = await confirmDialog({
      title: t(toManager ? "handover.sendTitle" : "handover.approvalTitle", { name }),
      body: t(toManager ? "handover.sendBody" : "handover.approvalBody"),
      confirmLabel: t(toManager ? "handover.sendToManager" : "handover.requestApproval"),
    });
    if (!confirmed) return;
    for (const button of actions.querySelectorAll("button")) button.disabled = true;
    try {
      const created = await api.post("/api/handovers", body);
      showInfo(message, t("handover.created", { name, state: t(`handover.state.${created.state}`) }), "success");
    } catch (error) {
      showError(message, error);
    } finally {
      for (const button of actions.querySelectorAll("button")) button.disabled = false;
    }
  };
  const manager = h("button", { type: "button", className: "secondary", dataset: { handover: "manager" } }, t("handover.sendToManager"));
  manager.addEventListener("click", () => send("manager"));
  actions.append(manager);
  if (config.directIssue !== false && config.approvalRequired && config.approvalRequired !== "never") {
    const approval = h("button", { type: "button", className: "secondary", dataset: { handover: "agent" } }, t("handover.requestApproval"));
    approval.addEventListener("click", () => send("agent"));
    actions.append(approval);
  }
}

/** Adds "Send to manager" / "Request approval" to every user card helpdesk-issue.js opens. */
export function setUpHandoverButtons(context) {
  ({ api, config, me } = context);
  const container = $("user-card");
  const observer = new MutationObserver(() => {
    const card = container.querySelector(".user-card");
    if (card) addButtons(card);
  });
  observer.observe(container, { childList: true, subtree: true });
}

// MARK: the Handovers tab

function person(p) {
  return (p && (p.displayName || p.upn || p.id)) || "";
}

async function act(run, message, done) {
  try {
    await run();
    showInfo(message, t("handover.done"), "success");
    await done();
  } catch (error) {
    showError(message, error, { context: { issuing: false } });
  }
}

function reasonDialog(name) {
  const textarea = h("textarea", { id: "reject-reason", maxlength: "500", required: true });
  const field = h("span", { className: "field" }, h("label", { for: "reject-reason" }, t("handover.rejectReason")), textarea);
  return { textarea, promise: confirmDialog({ title: t("handover.rejectTitle", { name }), body: [field], confirmLabel: t("handover.reject"), danger: true }) };
}

function entry(handover, { isAdmin, reload, panelMessage }) {
  const name = person(handover.targetUser);
  const mine = me && handover.requester && handover.requester.id === me.id;
  const recipient = handover.deliverTo === "manager"
    ? t("handover.toManager", { name: person(handover.recipient) }) : t("handover.toAgent", { name: person(handover.recipient) });
  const message = h("div", { role: "alert" });
  const tapArea = h("div", {});
  const buttons = [];
  const id = encodeURIComponent(handover.id);
  const open = handover.state === "REQUESTED" || handover.state === "APPROVED";
  const awaitingApproval = handover.state === "REQUESTED" && handover.approvalRequired;
  if (isAdmin && awaitingApproval && !mine) {
    const approve = h("button", { type: "button", className: "primary" }, t("handover.approve"));
    approve.addEventListener("click", async () => {
      const confirmed = await confirmDialog({
        title: t("handover.approveTitle", { name }),
        body: t("handover.approveBody", { agent: person(handover.requester), recipient: person(handover.recipient) }),
        confirmLabel: t("handover.approve"),
      });
      if (confirmed) await act(() => api.post(`/api/handovers/${id}/approve`), panelMessage, reload);
    });
    const reject = h("button", { type: "button", className: "danger" }, t("handover.reject"));
    reject.addEventListener("click", async () => {
      const { textarea, promise } = reasonDialog(name);
      if (!(await promise)) return;
      const reason = textarea.value.trim();
      if (!reason) { showInfo(message, t("handover.rejectNeedsReason"), "error"); return; }
      await act(() => api.post(`/api/handovers/${id}/reject`, { reason }), panelMessage, reload);
    });
    buttons.push(approve, reject);
  }
  if (isAdmin && mine && open && handover.deliverTo === "agent" && !awaitingApproval) {
    const pick = h("button", { type: "button", className: "primary" }, t("handover.pickUpOwn"));
    pick.addEventListener("click", async () => {
      const confirmed = await confirmDialog({
        title: t("handover.pickUpTitle", { name }),
        body: t("handover.pickUpBody", { time: formatDuration(config.displayTimeoutSeconds) }),
        confirmLabel: t("handover.pickUpOwn"),
      });
      if (!confirmed) return;
      pick.disabled = true;
      try {
        const issued = await api.put(`/api/handovers/${id}/tap`);
        if (display) display.remove();
        display = showTap(tapArea, issued, {
          seconds: issued.displayTimeoutSeconds || config.displayTimeoutSeconds,
          heading: t("handover.tapFor", { name }),
          onRemoved: () => { display = null; },
          announcement: t("handover.pickedUp", { name }),
        });
        pick.remove();
      } catch (error) {
        pick.disabled = false;
        showError(message, error, { context: { issuing: true } });
        if (isOutcomeUnknown(error)) pick.disabled = true;
      }
    });
    buttons.push(pick);
  }
  if (isAdmin && mine && open) {
    const cancel = h("button", { type: "button", className: "secondary" }, t("handover.cancel"));
    cancel.addEventListener("click", async () => {
      const confirmed = await confirmDialog({ title: t("handover.cancelTitle", { name }), body: t("handover.cancelBody"), confirmLabel: t("handover.cancel"), cancelLabel: t("handover.keep"), danger: true });
      if (confirmed) await act(() => api.del(`/api/handovers/${id}`), panelMessage, reload);
    });
    buttons.push(cancel);
  }
  const facts = [
    handover.reason ? t("handover.reasonLine", { reason: handover.reason }) : null,
    handover.state === "ISSUED" && handover.pickedUpBy ? t("handover.pickedUpBy", { name: handover.pickedUpBy, when: formatDate(handover.issuedDateTime) }) : null,
    handover.state === "REJECTED" ? t("handover.rejectedBy", { name: handover.approver || "", reason: handover.rejectionReason || "" })
      : handover.approver ? t("handover.approvedBy", { name: handover.approver }) : null,
    open ? t("handover.expires", { when: formatDate(handover.expiresDateTime) }) : null,
  ].filter(Boolean);
  return h("li", { className: "handover", dataset: { handoverId: handover.id, state: handover.state } },
    h("p", {}, h("strong", {}, name), " ", h("span", { className: "badge" }, t(`handover.state.${handover.state}`))),
    h("p", { className: "muted" }, t("handover.line", { target: handover.targetUser.upn || name, recipient, requester: person(handover.requester), when: formatDate(handover.createdDateTime) })),
    ...facts.map((line) => h("p", {}, line)),
    buttons.length ? h("div", { className: "actions" }, ...buttons) : null,
    message,
    tapArea);
}

/** Builds the Handovers tab in `panel`; returns its onShow (reloads the list). */
export function setUpHandoverTab(context) {
  ({ api, config, me } = context);
  const { panel, isAdmin } = context;
  const status = h("p", { role: "status", className: "muted" });
  const panelMessage = h("div", { role: "alert" });
  const lists = {
    approval: h("ul", { className: "handovers", id: "handovers-approval" }),
    pickup: h("ul", { className: "handovers", id: "handovers-pickup" }),
    ended: h("ul", { className: "handovers", id: "handovers-ended" }),
  };
  const refresh = h("button", { type: "button", className: "secondary" }, t("handover.refresh"));
  async function reload() {
    if (display) return; // a pass on display stays until its countdown ends
    status.textContent = t("handover.loading");
    try {
      const body = await api.get("/api/handovers");
      const handovers = Array.isArray(body && body.handovers) ? body.handovers : [];
      for (const list of Object.values(lists)) clear(list);
      for (const handover of handovers) {
        const open = handover.state === "REQUESTED" || handover.state === "APPROVED";
        const list = !open ? lists.ended : handover.state === "REQUESTED" && handover.approvalRequired ? lists.approval : lists.pickup;
        list.append(entry(handover, { isAdmin, reload, panelMessage }));
      }
      for (const list of Object.values(lists)) if (!list.children.length) list.append(h("li", { className: "muted" }, t("handover.empty")));
      status.textContent = "";
    } catch (error) {
      status.textContent = "";
      if (!error.redirecting) showError(panelMessage, error);
    }
  }
  refresh.addEventListener("click", reload);
  clear(panel).append(
    h("h1", { className: "visually-hidden" }, t("helpdesk.tabHandovers")),
    h("div", { className: "card" },
      h("div", { className: "actions" }, refresh, status),
      panelMessage,
      h("h2", { id: "handovers-approval-title" }, t("handover.awaitingApprovalTitle")), lists.approval,
      h("h2", { id: "handovers-pickup-title" }, t("handover.awaitingPickupTitle")), lists.pickup,
      h("h2", { id: "handovers-ended-title" }, t("handover.endedTitle")), lists.ended));
  return reload;
}
