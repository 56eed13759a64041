/**
 * Editing a saved profile: which changes need its secret again, and what the form says of its
 * CA file. Core decides (Profile::needs_secret_again in crates/core/src/profile.rs, refused by
 * profile_changes::save when no new secret comes with the edit); this mirrors it so the form
 * asks for the credentials before sending, naming the field and the rule in core's words.
 */
import type { CaFileChoice, Field } from "./types";
import { FIELD_LABELS } from "./validate";

/** The settings a stored secret is bound to: where and as whom it signs. */
export type Bound = { url: string; admin: string; basePath: string; caFile?: string | null };

/**
 * What the form says of the profile's CA file: keep the saved one, remove it, or a file
 * chosen in the dialog the shell opens (its handle, and its name to show — never a path).
 */
export type CaFileState = CaFileChoice & { name?: string };

/**
 * The CA file a profile has after `choice`, for comparing: the saved path when kept, none when
 * removed, and for a chosen file its handle (only the shell knows its path, so a chosen file
 * always counts as a change).
 */
export function caFileAfter(saved: string | null, choice: CaFileState): string | null {
  switch (choice.kind) {
    case "keep":
      return saved;
    case "remove":
      return null;
    case "chosen":
      return `chosen:${choice.handle}`;
  }
}

/** The first of URL, admin, base path and CA file that changed (core's order), or null. */
export function secretAgainFor(before: Bound, after: Bound): Field | null {
  if (before.url !== after.url) return "url";
  if (before.admin !== after.admin) return "adminUsername";
  if (before.basePath !== after.basePath) return "basePath";
  if ((before.caFile ?? null) !== (after.caFile ?? null)) return "caFile";
  return null;
}

/**
 * A field's name inside a sentence (Field::in_sentence): the first letter lowercased unless it
 * starts with an acronym ("server URL", "CA certificate file").
 */
export function inSentence(field: Field): string {
  const label = FIELD_LABELS[field];
  const second = label.charAt(1);
  return second !== "" && second !== second.toUpperCase()
    ? label.charAt(0).toLowerCase() + label.slice(1)
    : label;
}

/** Core's rule for a secret field left empty after such a change (profile_changes::save). */
export function secretAgainRule(changed: Field): string {
  return `must be given again: the ${inSentence(changed)} changed, and a stored secret signs only for the server and admin it was given for`;
}

/** The CA file's name to show: the chosen file's, the saved path's last part, or null. */
export function caFileName(saved: string | null, choice: CaFileState): string | null {
  if (choice.kind === "chosen") return choice.name ?? "chosen file";
  if (choice.kind === "remove" || !saved) return null;
  return saved.split(/[\\/]/).pop() || saved;
}

/** What is sent for the CA file: the choice without the name. */
export function caFileChoice(choice: CaFileState): CaFileChoice {
  return choice.kind === "chosen"
    ? { kind: "chosen", handle: choice.handle }
    : { kind: choice.kind };
}
