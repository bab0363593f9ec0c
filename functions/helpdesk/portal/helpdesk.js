// The helpdesk portal. Helpdesk.TapAdmin: the "Issue a TAP" tab (helpdesk-issue.js) and the audit
// log (helpdesk-audit.js). Helpdesk.TapViewer: the audit log only — the issuing interface is
// removed from the page, not just hidden. Views live in the address's fragment (#/issue,
// #/issue/<user id>, #/audit), so a sign-in brings the agent back to the view they were on.

import "./helpdesk-messages.js";
import { startPortal } from "./shell.js";
import { $ } from "./ui.js";
import { issueHash, setUpIssueTab } from "./helpdesk-issue.js";
import { setUpAuditTab } from "./helpdesk-audit.js";
import { setUpProtectedTab } from "./helpdesk-protected.js";
import { showUserHistory } from "./helpdesk-history.js";
import { setUpHandoverButtons, setUpHandoverTab } from "./helpdesk-handover.js";

const ADMIN = "Helpdesk.TapAdmin";
const VIEWER = "Helpdesk.TapViewer";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

let tabs = [];

function parseRoute() {
  const parts = location.hash.replace(/^#\/?/, "").split("/");
  return { view: parts[0] || "", userId: parts[1] && GUID.test(parts[1]) ? parts[1].toLowerCase() : null };
}

function setRoute(hash) {
  if (location.hash !== hash) history.replaceState(null, "", hash);
}

function selectTab(name, { focus = false } = {}) {
  for (const tab of tabs) {
    const selected = tab.name === name;
    tab.button.setAttribute("aria-selected", String(selected));
    tab.button.tabIndex = selected ? 0 : -1;
    tab.panel.hidden = !selected;
    if (selected && focus) tab.button.focus();
  }
  const tab = tabs.find((candidate) => candidate.name === name);
  if (tab && tab.onShow) tab.onShow();
}

function setUpTabs(available) {
  tabs = available;
  for (const [index, tab] of tabs.entries()) {
    tab.button.hidden = false;
    tab.button.addEventListener("click", () => {
      setRoute(tab.hash());
      selectTab(tab.name);
    });
    tab.button.addEventListener("keydown", (event) => {
      const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
      if (!(event.key in moves)) return;
      event.preventDefault();
      const next = tabs[(moves[event.key] + tabs.length) % tabs.length];
      setRoute(next.hash());
      selectTab(next.name, { focus: true });
    });
  }
}

startPortal({
  render: async (context) => {
    const roles = Array.isArray(context.me.roles) ? context.me.roles : [];
    const isAdmin = roles.includes(ADMIN);
    const canReadAudit = isAdmin || roles.includes(VIEWER);
    if (!canReadAudit) {
      $("no-role").hidden = false;
      $("tab-issue").remove();
      $("tab-audit").remove();
      $("tab-handovers").remove();
      $("panel-handovers").remove();
      $("panel-issue").remove();
      $("panel-audit").remove();
      $("tab-protected").remove();
      $("panel-protected").remove();
      return;
    }
    const available = [];
    if (isAdmin) {
      available.push({ name: "issue", button: $("tab-issue"), panel: $("panel-issue"), hash: issueHash });
      // The user card's history (issue 16) follows the user in the address.
      const routeWithHistory = (hash) => {
        setRoute(hash);
        showUserHistory(context.api, parseRoute().userId);
      };
      setUpIssueTab({ api: context.api, config: context.config, me: context.me, setRoute: routeWithHistory, userId: parseRoute().userId });
      showUserHistory(context.api, parseRoute().userId);
      setUpHandoverButtons({ api: context.api, config: context.config, me: context.me });
    } else {
      // A viewer gets no issuing interface at all, not just a hidden one.
      $("tab-issue").remove();
      $("panel-issue").remove();
    }
    const onShow = setUpAuditTab({ api: context.api });
    available.push({ name: "audit", button: $("tab-audit"), panel: $("panel-audit"), hash: () => "#/audit", onShow });
    available.push({ name: "protected", button: $("tab-protected"), panel: $("panel-protected"), hash: () => "#/protected",
      onShow: setUpProtectedTab({ api: context.api }) });
    if (isAdmin) {
      const handovers = setUpHandoverTab({ api: context.api, config: context.config, me: context.me, panel: $("panel-handovers"), isAdmin });
      available.push({ name: "handovers", button: $("tab-handovers"), panel: $("panel-handovers"), hash: () => "#/handovers", onShow: handovers });
    } else {
      // A viewer reads handovers in the audit log (their rows carry HandoverId); no handover controls.
      $("tab-handovers").remove();
      $("panel-handovers").remove();
    }
    setUpTabs(available);
    const { view } = parseRoute();
    const initial = available.find((tab) => tab.name === view) || available[0];
    setRoute(initial.hash());
    selectTab(initial.name);
    // Issue 14: after sign-in the agent starts typing a name at once.
    if (initial.name === "issue" && !parseRoute().userId) $("search").focus();
  },
});
