// Messages in English and German, chosen by the browser's language (navigator.languages: the first
// of "de" or "en" the user lists wins; English otherwise). Both portals load this one file; each adds
// its own messages with addMessages(). Placeholders are {name}.

const catalogs = {
  en: {
    "app.loading": "Loading…",
    "auth.signIn": "Sign in",
    "auth.signOut": "Sign out",
    "auth.signedInAs": "Signed in as {name}",
    "auth.signedOutTitle": "Sign in to continue",
    "auth.signedOutText": "Use your work account. You will come back here after signing in.",
    "auth.signedOut": "You are signed out of this portal.",
    "auth.redirecting": "Taking you to the sign-in page…",
    "auth.failed": "Sign-in did not complete: {detail}",
    "auth.stateMismatch": "Sign-in did not complete: the answer did not belong to this browser tab. Sign in again.",
    "auth.stepUpDone": "You signed in again with a stronger method. Repeat your last action if it did not finish.",
    "auth.configFailed": "The portal could not load its settings. Reload the page in a moment.",
    "common.cancel": "Cancel",
    "common.minutes": "{n} minutes",
    "common.minute": "1 minute",
    "common.seconds": "{n} seconds",
    "common.second": "1 second",
    "common.hours": "{h} h {m} min",
    "common.hoursOnly": "{h} hours",
    "tap.title": "Temporary Access Pass",
    "tap.masked": "Hidden",
    "tap.show": "Show",
    "tap.hide": "Hide",
    "tap.copy": "Copy",
    "tap.copied": "Copied to the clipboard.",
    "tap.copyFailed": "Copying failed: select the pass and copy it by hand.",
    "tap.removeNow": "Remove from page",
    "tap.valueLabel": "The Temporary Access Pass",
    "tap.countdown": "Removed from this page in {time}",
    "tap.removed": "The pass was removed from this page. It still works until it expires or is revoked.",
    "tap.announceLeft": "The pass is removed from the page in {time}.",
    "tap.details": "Valid from {start} until {end} ({lifetime}). {usage}",
    "tap.usableOnce": "It works for one sign-in.",
    "tap.usableMany": "It works for several sign-ins until it expires.",
    "tap.statusNone": "No Temporary Access Pass is active.",
    "tap.statusActive": "A Temporary Access Pass is active: created {created}, valid from {start} until {end}.",
    "tap.statusUsable": "It can be used.",
    "tap.statusNotUsable": "It cannot be used now: {reason}.",
    "tap.reason.EnabledByPolicy": "enabled by policy",
    "tap.reason.DisabledByPolicy": "TAP is disabled by the tenant's policy",
    "tap.reason.Expired": "it has expired",
    "tap.reason.NotYetValid": "it is not valid yet",
    "tap.reason.OneTimeUsed": "it was already used",
    "tap.statusFailed": "The TAP status could not be loaded.",
    "tap.revoke": "Revoke TAP",
    "tap.revoked": "The Temporary Access Pass was revoked.",
    "error.network": "The portal cannot reach its server. Check your connection and try again.",
    "error.invalid_request": "The request was not accepted: {detail}",
    "error.invalid_user_id": "This is not a valid user id.",
    "error.invalid_query": "The filter was not accepted: {detail}",
    "error.target_not_eligible": "This account cannot get a Temporary Access Pass. {reason} Ask an administrator to check the account, or help the user another way.",
    "error.invalid_token": "Your sign-in has expired. Signing you in again…",
    "error.auth_context_required": "This action needs a stronger sign-in. Signing you in again…",
    "error.auth_context_loop": "Your sign-in does not meet the authentication context this portal requires. Contact your administrator.",
    "error.missing_role": "Your account does not have the app role this action needs. Ask your administrator for access.",
    "error.self_target": "You cannot issue a Temporary Access Pass for your own account here. Use the self-service portal.",
    "error.target_privileged": "This account is protected: it holds an administrator role or belongs to a protected group, so no Temporary Access Pass can be issued for it here. Ask a Privileged Authentication Administrator.",
    "error.user_not_found": "This user does not exist (any more) in the directory.",
    "error.no_active_tap": "There is no active Temporary Access Pass to revoke.",
    "error.payload_too_large": "The request is too large. Shorten the reason and try again.",
    "error.rate_limited": "Too many Temporary Access Passes were issued recently. You can try again in {wait}, on {time}.",
    "error.rate_limited_nowait": "Too many Temporary Access Passes were issued recently. Try again later.",
    "error.tap_active": "An active Temporary Access Pass already exists. Revoke it first to issue a new one.",
    "error.upstream_unavailable": "A Microsoft service did not answer; try again in a moment.",
    "error.upstream_unavailable_issuing": "A Microsoft service did not answer. Nothing was issued; try again in a moment.",
    "error.upstream_refused": "Microsoft Graph refused to create the Temporary Access Pass. Nothing usable was issued; ask an administrator to check the tenant's settings.",
    "error.requestId": "Graph request id: {id}.",
    "error.outcome_unknown": "The answer to this issuance was lost, so it is not known whether a Temporary Access Pass was created. Nothing is shown here; check the user's TAP status below before trying again.",
    "error.issuance_in_progress": "Another issuance for this user is in progress or was interrupted. Try again in {wait} (at {time}).",
    "error.issuance_in_progress_nowait": "Another issuance for this user is in progress or was interrupted. Try again in a minute.",
    "error.not_found": "This function is not available in this portal.",
    "error.default": "Something went wrong (HTTP {status}); try again later.",
    "error.default_issuing": "Something went wrong (HTTP {status}). Nothing was issued; try again later.",
  },
  de: {
    "app.loading": "Wird geladen …",
    "auth.signIn": "Anmelden",
    "auth.signOut": "Abmelden",
    "auth.signedInAs": "Angemeldet als {name}",
    "auth.signedOutTitle": "Zum Fortfahren anmelden",
    "auth.signedOutText": "Verwenden Sie Ihr Geschäftskonto. Nach der Anmeldung kehren Sie hierher zurück.",
    "auth.signedOut": "Sie sind von diesem Portal abgemeldet.",
    "auth.redirecting": "Sie werden zur Anmeldeseite weitergeleitet …",
    "auth.failed": "Die Anmeldung wurde nicht abgeschlossen: {detail}",
    "auth.stateMismatch": "Die Anmeldung wurde nicht abgeschlossen: Die Antwort gehörte nicht zu diesem Browser-Tab. Melden Sie sich erneut an.",
    "auth.stepUpDone": "Sie haben sich mit einer stärkeren Methode erneut angemeldet. Wiederholen Sie Ihre letzte Aktion, falls sie nicht abgeschlossen wurde.",
    "auth.configFailed": "Das Portal konnte seine Einstellungen nicht laden. Laden Sie die Seite gleich neu.",
    "common.cancel": "Abbrechen",
    "common.minutes": "{n} Minuten",
    "common.minute": "1 Minute",
    "common.seconds": "{n} Sekunden",
    "common.second": "1 Sekunde",
    "common.hours": "{h} Std. {m} Min.",
    "common.hoursOnly": "{h} Stunden",
    "tap.title": "Befristeter Zugriffspass",
    "tap.masked": "Verborgen",
    "tap.show": "Anzeigen",
    "tap.hide": "Verbergen",
    "tap.copy": "Kopieren",
    "tap.copied": "In die Zwischenablage kopiert.",
    "tap.copyFailed": "Kopieren fehlgeschlagen: Markieren Sie den Pass und kopieren Sie ihn von Hand.",
    "tap.removeNow": "Von der Seite entfernen",
    "tap.valueLabel": "Der befristete Zugriffspass",
    "tap.countdown": "Wird in {time} von der Seite entfernt",
    "tap.removed": "Der Pass wurde von dieser Seite entfernt. Er gilt weiter, bis er abläuft oder widerrufen wird.",
    "tap.announceLeft": "Der Pass wird in {time} von der Seite entfernt.",
    "tap.details": "Gültig von {start} bis {end} ({lifetime}). {usage}",
    "tap.usableOnce": "Er gilt für eine Anmeldung.",
    "tap.usableMany": "Er gilt bis zum Ablauf für mehrere Anmeldungen.",
    "tap.statusNone": "Kein befristeter Zugriffspass ist aktiv.",
    "tap.statusActive": "Ein befristeter Zugriffspass ist aktiv: erstellt {created}, gültig von {start} bis {end}.",
    "tap.statusUsable": "Er kann verwendet werden.",
    "tap.statusNotUsable": "Er kann derzeit nicht verwendet werden: {reason}.",
    "tap.reason.EnabledByPolicy": "durch Richtlinie aktiviert",
    "tap.reason.DisabledByPolicy": "befristete Zugriffspässe sind durch die Richtlinie des Mandanten deaktiviert",
    "tap.reason.Expired": "er ist abgelaufen",
    "tap.reason.NotYetValid": "er ist noch nicht gültig",
    "tap.reason.OneTimeUsed": "er wurde bereits verwendet",
    "tap.statusFailed": "Der Status des Zugriffspasses konnte nicht geladen werden.",
    "tap.revoke": "Pass widerrufen",
    "tap.revoked": "Der befristete Zugriffspass wurde widerrufen.",
    "error.network": "Das Portal erreicht seinen Server nicht. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.",
    "error.invalid_request": "Die Anfrage wurde nicht angenommen: {detail}",
    "error.invalid_user_id": "Dies ist keine gültige Benutzer-ID.",
    "error.invalid_query": "Der Filter wurde nicht angenommen: {detail}",
    "error.target_not_eligible": "Dieses Konto kann keinen befristeten Zugriffspass erhalten. {reason} Bitten Sie einen Administrator, das Konto zu prüfen, oder helfen Sie dem Benutzer auf anderem Weg.",
    "error.invalid_token": "Ihre Anmeldung ist abgelaufen. Sie werden erneut angemeldet …",
    "error.auth_context_required": "Diese Aktion erfordert eine stärkere Anmeldung. Sie werden erneut angemeldet …",
    "error.auth_context_loop": "Ihre Anmeldung erfüllt den Authentifizierungskontext nicht, den dieses Portal verlangt. Wenden Sie sich an Ihre Administration.",
    "error.missing_role": "Ihrem Konto fehlt die App-Rolle für diese Aktion. Bitten Sie Ihre Administration um Zugriff.",
    "error.self_target": "Für Ihr eigenes Konto können Sie hier keinen befristeten Zugriffspass ausstellen. Verwenden Sie das Self-Service-Portal.",
    "error.target_privileged": "Dieses Konto ist geschützt: Es hat eine Administratorrolle oder gehört zu einer geschützten Gruppe. Hier kann dafür kein befristeter Zugriffspass ausgestellt werden. Wenden Sie sich an einen Administrator für privilegierte Authentifizierung.",
    "error.user_not_found": "Diesen Benutzer gibt es (nicht mehr) im Verzeichnis.",
    "error.no_active_tap": "Es gibt keinen aktiven befristeten Zugriffspass zum Widerrufen.",
    "error.payload_too_large": "Die Anfrage ist zu groß. Kürzen Sie die Begründung und versuchen Sie es erneut.",
    "error.rate_limited": "In letzter Zeit wurden zu viele befristete Zugriffspässe ausgestellt. Sie können es in {wait} erneut versuchen, am {time}.",
    "error.rate_limited_nowait": "In letzter Zeit wurden zu viele befristete Zugriffspässe ausgestellt. Versuchen Sie es später erneut.",
    "error.tap_active": "Es gibt bereits einen aktiven befristeten Zugriffspass. Widerrufen Sie ihn, um einen neuen auszustellen.",
    "error.upstream_unavailable": "Ein Microsoft-Dienst hat nicht geantwortet; versuchen Sie es gleich erneut.",
    "error.upstream_unavailable_issuing": "Ein Microsoft-Dienst hat nicht geantwortet. Es wurde nichts ausgestellt; versuchen Sie es gleich erneut.",
    "error.upstream_refused": "Microsoft Graph hat das Ausstellen des befristeten Zugriffspasses abgelehnt. Es wurde nichts Verwendbares ausgestellt; bitten Sie die Administration, die Einstellungen des Mandanten zu prüfen.",
    "error.requestId": "Graph-Anfrage-ID: {id}.",
    "error.outcome_unknown": "Die Antwort auf diese Ausstellung ging verloren; ob ein befristeter Zugriffspass erstellt wurde, ist nicht bekannt. Hier wird nichts angezeigt; prüfen Sie den Status unten, bevor Sie es erneut versuchen.",
    "error.issuance_in_progress": "Für diesen Benutzer läuft gerade eine andere Ausstellung oder sie wurde unterbrochen. Versuchen Sie es in {wait} erneut (um {time}).",
    "error.issuance_in_progress_nowait": "Für diesen Benutzer läuft gerade eine andere Ausstellung oder sie wurde unterbrochen. Versuchen Sie es in einer Minute erneut.",
    "error.not_found": "Diese Funktion ist in diesem Portal nicht verfügbar.",
    "error.default": "Etwas ist schiefgegangen (HTTP {status}); versuchen Sie es später erneut.",
    "error.default_issuing": "Etwas ist schiefgegangen (HTTP {status}). Es wurde nichts ausgestellt; versuchen Sie es später erneut.",
  },
};

function pickLanguage() {
  const preferred = Array.isArray(navigator.languages) && navigator.languages.length ? navigator.languages : [navigator.language || "en"];
  for (const tag of preferred) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (base in catalogs) return base;
  }
  return "en";
}

export const lang = pickLanguage();

/** Adds a portal's own messages: `{ en: {...}, de: {...} }`. */
export function addMessages(messages) {
  for (const [language, entries] of Object.entries(messages)) {
    Object.assign(catalogs[language] ??= {}, entries);
  }
}

/** The message `key` in the page's language (English, then the key itself, as fallback). */
export function t(key, params = {}) {
  const template = catalogs[lang][key] ?? catalogs.en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

export function has(key) {
  return key in catalogs[lang] || key in catalogs.en;
}

/** Fills every `data-i18n` element's text and `data-i18n-*` attribute (placeholder, aria-label, title). */
export function translatePage(root = document) {
  document.documentElement.lang = lang;
  for (const element of root.querySelectorAll("[data-i18n]")) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const attribute of ["placeholder", "aria-label", "title"]) {
    const dataName = "i18n" + attribute.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase());
    for (const element of root.querySelectorAll(`[data-i18n-${attribute}]`)) {
      element.setAttribute(attribute, t(element.dataset[dataName]));
    }
  }
}

// Issue 14: dates in the browser's own locale (for the portal's language), with the time zone.
const locale = (navigator.languages || [navigator.language]).find((tag) => tag && tag.toLowerCase().startsWith(lang)) || (lang === "de" ? "de-DE" : "en-GB");
const dateTime = new Intl.DateTimeFormat(locale, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
const timeOnly = new Intl.DateTimeFormat(locale, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
const dateTimeSeconds = new Intl.DateTimeFormat(locale, {
  year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short",
});

/** A date as the user reads it (their time zone), or "" when missing or invalid. */
export function formatDate(value, { seconds = false } = {}) {
  if (value === null || value === undefined || value === "") return "";
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return "";
  return (seconds ? dateTimeSeconds : dateTime).format(date);
}

export function formatTime(date) {
  return timeOnly.format(date);
}

/** A duration in words: "45 seconds", "12 minutes", "2 h 5 min". */
export function formatDuration(totalSeconds) {
  const seconds = Math.max(0, Math.ceil(totalSeconds));
  if (seconds < 60) return seconds === 1 ? t("common.second") : t("common.seconds", { n: seconds });
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 120) return minutes === 1 ? t("common.minute") : t("common.minutes", { n: minutes });
  if (minutes % 60 === 0) return t("common.hoursOnly", { h: minutes / 60 });
  return t("common.hours", { h: Math.floor(minutes / 60), m: minutes % 60 });
}

/** A countdown clock: "4:05". */
export function formatClock(totalSeconds) {
  const seconds = Math.max(0, Math.ceil(totalSeconds));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

export function formatMinutes(minutes) {
  return formatDuration(minutes * 60);
}
