/**
 * The Activity view's filter: what the person picks in the form (local calendar days, free
 * text) and the audit filter sent to the shell. Days are the person's own: a day runs from
 * local midnight to the last millisecond before the next, sent as RFC 3339 UTC times, so
 * "today" means today where the administrator sits, not in UTC.
 */
import type { AuditFilter, AuditOutcome } from "./types";

/** The form's values; "" is "any". */
export type ActivityForm = {
  user: string;
  profile: string;
  operation: string;
  outcome: AuditOutcome | "";
  /** First day, YYYY-MM-DD (local). */
  from: string;
  /** Last day, YYYY-MM-DD (local). */
  to: string;
};

/** How many entries one read brings at most (the newest); the export has no such limit. */
export const SHOW_AT_MOST = 500;

/** A day as YYYY-MM-DD in local time. */
export function localDay(d: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The form as it opens: today's entries, whoever and whatever. */
export function todayForm(now: Date = new Date()): ActivityForm {
  const day = localDay(now);
  return { user: "", profile: "", operation: "", outcome: "", from: day, to: day };
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Local midnight of a YYYY-MM-DD day (`end`: its last millisecond), or null if not a day. */
function dayBound(day: string, end: boolean): Date | null {
  const m = DAY.exec(day.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const t = end ? new Date(y, mo, d, 23, 59, 59, 999) : new Date(y, mo, d);
  return t.getFullYear() === y && t.getMonth() === mo && t.getDate() === d ? t : null;
}

/** Why the form cannot be read (in the words of the field's label), or null when it can. */
export function formProblem(f: ActivityForm): { field: "from" | "to"; message: string } | null {
  const from = f.from.trim() ? dayBound(f.from, false) : undefined;
  const to = f.to.trim() ? dayBound(f.to, true) : undefined;
  if (from === null) return { field: "from", message: "From: must be a date such as 2026-11-29" };
  if (to === null) return { field: "to", message: "To: must be a date such as 2026-11-29" };
  if (from && to && from > to) return { field: "to", message: "To: must not be before From" };
  return null;
}

/** The audit filter for a valid form (see `formProblem`): empty fields do not narrow. */
export function toAuditFilter(f: ActivityForm, limit: number | null = SHOW_AT_MOST): AuditFilter {
  const text = (s: string) => (s.trim() === "" ? null : s.trim());
  const from = f.from.trim() ? dayBound(f.from, false) : null;
  const to = f.to.trim() ? dayBound(f.to, true) : null;
  return {
    since: from ? from.toISOString() : null,
    until: to ? to.toISOString() : null,
    user: text(f.user),
    profile: text(f.profile),
    operation: text(f.operation),
    outcome: f.outcome === "" ? null : f.outcome,
    limit,
  };
}

/** Today's entries (local day), for the column beside the user screen. */
export function todayFilter(now: Date = new Date(), limit = 50): AuditFilter {
  return toAuditFilter(todayForm(now), limit);
}
