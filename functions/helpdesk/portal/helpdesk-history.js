// The helpdesk user card's history (Helpdesk.TapAdmin): when the issue tab opens a user
// (#/issue/<id>), that user's passes and their fates appear under the card.
// API: GET /api/users/{userId}/history (SPEC 6.3, 7.7).

import { t } from "./i18n.js";
import { $, clear } from "./ui.js";
import { loadHistory } from "./pass-history.js";

let shown = null;
let generation = 0;

/** Shows the history of `userId` (a GUID) in #user-history, or clears it for null. */
export async function showUserHistory(api, userId) {
  const container = $("user-history");
  if (!container) return;
  if (!userId) {
    shown = null;
    clear(container);
    container.hidden = true;
    return;
  }
  if (shown === userId) return;
  shown = userId;
  const mine = ++generation;
  container.hidden = false;
  await loadHistory(api, `/api/users/${encodeURIComponent(userId)}/history`, container, { title: t("history.title") });
  if (mine !== generation) return;
}

/** Reloads the shown user's history (after an issuance or a revocation). */
export function refreshUserHistory(api) {
  const userId = shown;
  shown = null;
  if (userId) showUserHistory(api, userId);
}
