// The self-service portal: your sign-in methods, your current TAP, generate one for yourself (with a
// confirmation), see it masked with Show and Copy until the countdown removes it, revoke it.
// API: SPEC 6.2 (GET /api/my-auth-methods, PUT /api/generate-tap, GET and DELETE /api/my-tap).

import { addMessages, t, formatDate, formatMinutes, formatDuration } from "./i18n.js";
import { startPortal } from "./shell.js";
import { $, h, clear, showError, showInfo, confirmDialog, showTap, loadTapStatus, isOutcomeUnknown } from "./ui.js";
import { icon, methodIconName } from "./icons.js";
import { loadHistory } from "./pass-history.js";
import { setUpHandovers } from "./selfservice-handover.js";

addMessages({
  en: {
    "selfservice.portalName": "Self-service",
    "selfservice.intro": "Create a Temporary Access Pass for your own account, for example to set up a new phone or passkey.",
    "selfservice.heading": "Your Temporary Access Pass",
    "selfservice.tapTitle": "Status and a new pass",
    "selfservice.tapIntro": "A Temporary Access Pass lets you sign in without your usual methods for a short time, for example to register a new phone or passkey.",
    "selfservice.generate": "Generate TAP",
    "selfservice.generateShown": "Your pass is shown below. You can create another one after it has been removed from the screen and revoked.",
    "selfservice.generateActive": "You already have an active pass. Revoke it first if you need a new one.",
    "selfservice.methodsTitle": "Your sign-in methods",
    "selfservice.methodsNone": "No sign-in methods are registered for your account yet.",
    "selfservice.methodsCount": "{n} sign-in methods registered.",
    "selfservice.methodsOne": "1 sign-in method registered.",
    "selfservice.methodAdded": "added {date}",
    "selfservice.confirmTitle": "Generate a Temporary Access Pass?",
    "selfservice.confirmLifetime": "It is valid for {lifetime} and {usage}",
    "selfservice.confirmOnce": "works for one sign-in.",
    "selfservice.confirmMany": "works for several sign-ins.",
    "selfservice.confirmDisplay": "It is shown on this page for {time}, then removed. Nobody else can see it.",
    "selfservice.created": "Your Temporary Access Pass was created.",
    "selfservice.yourTap": "Your Temporary Access Pass",
    "selfservice.rate_limited": "You have created the most Temporary Access Passes allowed in 24 hours. You can try again in {wait}, on {time}.",
    "selfservice.rate_limited_nowait": "You have created the most Temporary Access Passes allowed in 24 hours. Try again later.",
    "selfservice.tapActive": "You already have an active Temporary Access Pass. Revoke it to create a new one.",
    "selfservice.revokeTitle": "Revoke your Temporary Access Pass?",
    "selfservice.revokeBody": "It stops working at once. You can create a new one afterwards.",
    "method.passwordAuthenticationMethod": "Password",
    "method.microsoftAuthenticatorAuthenticationMethod": "Microsoft Authenticator",
    "method.fido2AuthenticationMethod": "Passkey (FIDO2)",
    "method.windowsHelloForBusinessAuthenticationMethod": "Windows Hello for Business",
    "method.phoneAuthenticationMethod": "Phone (text or call)",
    "method.emailAuthenticationMethod": "Email (password reset)",
    "method.softwareOathAuthenticationMethod": "Authenticator app code (OATH)",
    "method.hardwareOathAuthenticationMethod": "Hardware token (OATH)",
    "method.temporaryAccessPassAuthenticationMethod": "Temporary Access Pass",
    "method.x509CertificateAuthenticationMethod": "Certificate",
    "method.platformCredentialAuthenticationMethod": "Platform credential (macOS)",
    "method.qrCodePinAuthenticationMethod": "QR code with PIN",
  },
  de: {
    "selfservice.portalName": "Self-Service",
    "selfservice.intro": "Erstellen Sie einen befristeten Zugriffspass für Ihr eigenes Konto, etwa um ein neues Telefon oder einen Passkey einzurichten.",
    "selfservice.heading": "Ihr befristeter Zugriffspass",
    "selfservice.tapTitle": "Status und neuer Pass",
    "selfservice.tapIntro": "Mit einem befristeten Zugriffspass melden Sie sich kurzzeitig ohne Ihre üblichen Methoden an, etwa um ein neues Telefon oder einen Passkey zu registrieren.",
    "selfservice.generate": "Pass erstellen",
    "selfservice.generateShown": "Ihr Pass wird unten angezeigt. Einen weiteren können Sie erstellen, wenn er vom Bildschirm entfernt und widerrufen wurde.",
    "selfservice.generateActive": "Sie haben bereits einen aktiven Pass. Widerrufen Sie ihn zuerst, wenn Sie einen neuen brauchen.",
    "selfservice.methodsTitle": "Ihre Anmeldemethoden",
    "selfservice.methodsNone": "Für Ihr Konto sind noch keine Anmeldemethoden registriert.",
    "selfservice.methodsCount": "{n} Anmeldemethoden registriert.",
    "selfservice.methodsOne": "1 Anmeldemethode registriert.",
    "selfservice.methodAdded": "hinzugefügt {date}",
    "selfservice.confirmTitle": "Befristeten Zugriffspass erstellen?",
    "selfservice.confirmLifetime": "Er ist {lifetime} gültig und {usage}",
    "selfservice.confirmOnce": "gilt für eine Anmeldung.",
    "selfservice.confirmMany": "gilt für mehrere Anmeldungen.",
    "selfservice.confirmDisplay": "Er wird {time} lang auf dieser Seite angezeigt und dann entfernt. Niemand sonst kann ihn sehen.",
    "selfservice.created": "Ihr befristeter Zugriffspass wurde erstellt.",
    "selfservice.yourTap": "Ihr befristeter Zugriffspass",
    "selfservice.rate_limited": "Sie haben die in 24 Stunden erlaubte Anzahl befristeter Zugriffspässe erstellt. Sie können es in {wait} erneut versuchen, am {time}.",
    "selfservice.rate_limited_nowait": "Sie haben die in 24 Stunden erlaubte Anzahl befristeter Zugriffspässe erstellt. Versuchen Sie es später erneut.",
    "selfservice.tapActive": "Sie haben bereits einen aktiven befristeten Zugriffspass. Widerrufen Sie ihn, um einen neuen zu erstellen.",
    "selfservice.revokeTitle": "Ihren befristeten Zugriffspass widerrufen?",
    "selfservice.revokeBody": "Er funktioniert sofort nicht mehr. Danach können Sie einen neuen erstellen.",
    "method.passwordAuthenticationMethod": "Kennwort",
    "method.microsoftAuthenticatorAuthenticationMethod": "Microsoft Authenticator",
    "method.fido2AuthenticationMethod": "Passkey (FIDO2)",
    "method.windowsHelloForBusinessAuthenticationMethod": "Windows Hello for Business",
    "method.phoneAuthenticationMethod": "Telefon (SMS oder Anruf)",
    "method.emailAuthenticationMethod": "E-Mail (Kennwortzurücksetzung)",
    "method.softwareOathAuthenticationMethod": "Code aus einer Authenticator-App (OATH)",
    "method.hardwareOathAuthenticationMethod": "Hardware-Token (OATH)",
    "method.temporaryAccessPassAuthenticationMethod": "Befristeter Zugriffspass",
    "method.x509CertificateAuthenticationMethod": "Zertifikat",
    "method.platformCredentialAuthenticationMethod": "Plattform-Anmeldeinformation (macOS)",
    "method.qrCodePinAuthenticationMethod": "QR-Code mit PIN",
  },
});

let api;
let config;
let display = null;

function methodName(type) {
  const key = `method.${type}`;
  const name = t(key);
  return name === key ? String(type) : name;
}

async function loadMethods() {
  const container = $("methods");
  container.setAttribute("aria-busy", "true");
  try {
    const body = await api.get("/api/my-auth-methods");
    const methods = Array.isArray(body && body.methods) ? body.methods : [];
    clear(container);
    if (methods.length === 0) {
      container.append(h("p", { className: "muted" }, t("selfservice.methodsNone")));
    } else {
      container.append(h("p", { className: "visually-hidden" },
        methods.length === 1 ? t("selfservice.methodsOne") : t("selfservice.methodsCount", { n: methods.length })));
      container.append(h("ul", { className: "methods" }, methods.map((method) => {
        const details = [method.displayName, method.createdDateTime ? t("selfservice.methodAdded", { date: formatDate(method.createdDateTime) }) : null]
          .filter(Boolean).join(" · ");
        return h("li", { dataset: { type: String(method.type || "") } },
          icon(methodIconName[method.type] || "shield"),
          h("span", {}, h("span", { className: "method-name" }, methodName(method.type)),
            details ? h("span", { className: "method-detail" }, details) : null));
      })));
    }
  } catch (error) {
    if (!error.redirecting) showError(container, error);
  } finally {
    container.setAttribute("aria-busy", "false");
  }
}

/** The last TAP state read (null: none), so "Generate" is offered only when it can succeed. */
let currentTap = null;

/**
 * Issue 14: while a pass is on screen or the account has an active pass, "Generate TAP" is
 * disabled (a second click would only answer "already active" and take the pass off the screen),
 * with a sentence saying why and what to do.
 */
function updateGenerate() {
  const button = $("generate");
  let hint = $("generate-hint");
  if (!hint) {
    hint = h("p", { id: "generate-hint", className: "hint" });
    button.after(hint);
    button.setAttribute("aria-describedby", "generate-hint");
  }
  const active = currentTap && (currentTap.isUsable === true || currentTap.methodUsabilityReason === "NotYetValid");
  button.disabled = display !== null || Boolean(active);
  hint.textContent = display !== null ? t("selfservice.generateShown") : active ? t("selfservice.generateActive") : "";
}

async function refreshTapStatus() {
  const tap = await loadTapStatus(api, "/api/my-tap", $("tap-status"), $("revoke"));
  if (tap !== undefined) currentTap = tap;
  updateGenerate();
  return tap;
}

async function generate() {
  const button = $("generate");
  const message = $("tap-message");
  const confirmed = await confirmDialog({
    title: t("selfservice.confirmTitle"),
    body: [
      t("selfservice.confirmLifetime", {
        lifetime: formatMinutes(config.tapLifetimeMinutes),
        usage: config.tapIsUsableOnce ? t("selfservice.confirmOnce") : t("selfservice.confirmMany"),
      }),
      t("selfservice.confirmDisplay", { time: formatDuration(config.displayTimeoutSeconds) }),
    ],
    confirmLabel: t("selfservice.generate"),
  });
  if (!confirmed) return;
  button.disabled = true;
  clear(message);
  if (display) display.remove();
  try {
    const issued = await api.put("/api/generate-tap");
    display = showTap($("tap-display"), issued, {
      seconds: issued.displayTimeoutSeconds || config.displayTimeoutSeconds,
      heading: t("selfservice.yourTap"),
      onRemoved: () => { display = null; updateGenerate(); },
      announcement: t("selfservice.created"),
      focus: true,
    });
    updateGenerate();
    refreshTapStatus();
    loadMethods();
  } catch (error) {
    showError(message, error, {
      context: { issuing: true, tapActiveKey: "selfservice.tapActive", rateLimitedKey: "selfservice.rate_limited" },
      action: error.code === "tap_active" ? { label: t("tap.revoke"), onClick: revoke } : null,
    });
    if (isOutcomeUnknown(error)) refreshTapStatus();
  } finally {
    updateGenerate();
    if (document.activeElement === document.body && !button.disabled) button.focus();
  }
}

async function revoke() {
  const message = $("tap-message");
  const confirmed = await confirmDialog({
    title: t("selfservice.revokeTitle"), body: t("selfservice.revokeBody"), confirmLabel: t("tap.revoke"), danger: true, returnFocus: $("tap-status"),
  });
  if (!confirmed) return;
  $("revoke").disabled = true;
  try {
    await api.del("/api/my-tap");
    if (display) display.remove();
    display = null;
    clear($("tap-display"));
    // #tap-message is an alert region: showing the sentence announces it once.
    showInfo(message, t("tap.revoked"), "success");
  } catch (error) {
    showError(message, error);
  } finally {
    $("revoke").disabled = false;
    loadMethods();
    await refreshTapStatus();
    // Issue 14: focus is never left on <body> after a confirmed dialog.
    if ($("revoke").hidden || document.activeElement === document.body) $("generate").focus();
  }
}

startPortal({
  render: async (context) => {
    api = context.api;
    config = context.config;
    $("generate").addEventListener("click", generate);
    $("revoke").addEventListener("click", revoke);
    await Promise.all([refreshTapStatus(), loadMethods(), setUpHandovers(context),
      loadHistory(api, "/api/my-history", $("my-history"), { title: t("history.myTitle"), self: true })]);
  },
});
