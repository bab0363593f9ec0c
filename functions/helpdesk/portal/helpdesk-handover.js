// Helpdesk handovers (SPEC 6.3, 7.6). Two parts, kept out of helpdesk-issue.js:
//  - beside "Issue TAP" on the user card: "Send to manager" (POST /api/handovers, deliverTo manager)
//    and, where APPROVAL_REQUIRED is not "never", "Request approval" (deliverTo agent); "Issue TAP"
//    is removed where HELPDESK_DIRECT_ISSUE is false. The reason and ticket fields of the card are used.
//  - the Handovers tab: waiting for approval (approve, reject with a reason), waiting for pick-up
//    (the requester picks up their own agent handover, or cancels), and ended. A picked-up pass is
//    shown only in this tab, with the display countdown.

import "./helpdesk-handover-messages.js";
import { t, formatDate, formatDuration } from "./i18n.js";
import { $, h, clear, showError, showInfo, confirmDialog, showTap, isOutcomeUnknown } from "./ui.js";

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
