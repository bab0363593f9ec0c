// Issue 14: the audit log's stored reasons (SPEC 7.4 DenialReason: codes such as "self_target" or the
// guard's English sentences) told in the portal's language, names before ids. Unknown text is shown
// as stored. Stored values are never changed; this is display only.

import { t } from "./i18n.js";

const PATTERNS = [
  [/^self_target$/, "audit.why.self_target"],
  [/^tap_active$/, "audit.why.tap_active"],
  [/^rate_limited$/, "audit.why.rate_limited"],
  [/^missing_role$/, "audit.why.missing_role"],
  [/^invalid_user_id$/, "audit.why.invalid_user_id"],
  [/^invalid_request(?::\s*(?<detail>.*))?$/s, "audit.why.invalid_request"],
  [/^user_not_found$/, "audit.why.user_not_found"],
  [/^no_active_tap$/, "audit.why.no_active_tap"],
  [/^account disabled$/, "audit.why.disabled"],
  [/^external guest$/, "audit.why.guest"],
  [/^issuance_in_progress/, "audit.why.in_progress"],
  [/^active role (?<what>.+)$/s, "audit.why.role"],
  [/^eligible role (?<what>.+)$/s, "audit.why.eligibleRole"],
  [/^member of role-assignable group (?<what>.+)$/s, "audit.why.roleGroupMember"],
  [/^owner of role-assignable group (?<what>.+)$/s, "audit.why.roleGroupOwner"],
  [/^member of blocked group (?<what>.+)$/s, "audit.why.blockedGroup"],
  [/^member of restricted-management administrative unit (?<what>.+)$/s, "audit.why.restrictedUnit"],
  [/^reconciled:\s*(?<detail>.*)$/s, "audit.why.reconciled"],
];

/** The human sentence for a stored `DenialReason`. */
export function denialText(stored) {
  const text = String(stored || "");
  for (const [pattern, key] of PATTERNS) {
    const match = pattern.exec(text);
    if (match) return t(key, { what: (match.groups && match.groups.what) || "", detail: (match.groups && match.groups.detail) || "" }).trim();
  }
  return text;
}

/** "Name (upn)" when the row carries a display name, else the UPN, else the object id. */
export function personText(name, upn, id) {
  if (name && upn) return `${name} (${upn})`;
  return name || upn || id || "";
}
