/**
 * The Bulk screen's logic, apart from its markup: the preview table's rows with their
 * problems, the results filter, and a running job's progress as events arrive. What a row's
 * problem is, what an outcome means and what to do next all come from the shell (core's
 * words); this only arranges them.
 */
import type {
  BulkEnd,
  BulkPreview,
  BulkProgress,
  BulkRowState,
  RowProblem,
  BulkRow,
} from "./types";

/** A preview table row: the file's cells, the rules it breaks, the earlier row it repeats. */
export type PreviewRow = {
  n: number;
  cells: string[];
  problems: RowProblem[];
  sameAs: number | null;
};

/** The sampled rows of a preview, each with its problems and duplicate. */
export function previewRows(preview: BulkPreview): PreviewRow[] {
  return preview.sample.map((r) => ({
    n: r.number,
    cells: r.cells,
    problems: preview.problems.filter((p) => p.row === r.number),
    sameAs: preview.duplicates.find((d) => d.row === r.number)?.firstRow ?? null,
  }));
}

/** The problems of rows past the sample (the table does not show those rows). */
export function laterProblems(preview: BulkPreview): RowProblem[] {
  const last = preview.sample.at(-1)?.number ?? 0;
  return preview.problems.filter((p) => p.row > last);
}

/** A problem in the CLI dry run's words: "row 3: Username: must not be empty". */
export function problemText(p: RowProblem): string {
  return `row ${p.row}: ${p.label}: ${p.rule}`;
}

/** Which results rows to show: all, or only those that did not succeed. */
export type ResultFilter = "all" | "problems";

/** True for a row that did not succeed (failed, unknown, skipped or not sent). */
export const isProblem = (state: BulkRowState) => state !== "ok";

export function filterResults(rows: BulkRow[], filter: ResultFilter): BulkRow[] {
  return filter === "all" ? rows : rows.filter((r) => isProblem(r.state));
}

/** How a row's outcome reads in the table. */
export const STATE_TEXT: Record<BulkRowState, string> = {
  pending: "not sent",
  sent: "in flight",
  ok: "ok",
  failed: "failed",
  unknown: "unknown",
  skipped: "skipped",
};

/** A job being run from this window, as its events tell it. */
export type RunView = {
  job: string;
  done: number;
  total: number;
  failed: number;
  /** Cancel was pressed: the rows in flight are being waited for. */
  stopping: boolean;
  end: BulkEnd | null;
};

export function startRun(job: string): RunView {
  return { job, done: 0, total: 0, failed: 0, stopping: false, end: null };
}

/**
 * A progress event applied: another job's are ignored, and counts never go back (rows
 * finish on several tasks, so their events may arrive out of order).
 */
export function applyProgress(run: RunView, p: BulkProgress): RunView {
  if (p.job !== run.job || run.end) return run;
  return {
    ...run,
    done: Math.max(run.done, p.done),
    total: Math.max(run.total, p.total),
    failed: Math.max(run.failed, p.failed),
  };
}

export function applyEnd(run: RunView, end: BulkEnd): RunView {
  if (end.job !== run.job) return run;
  return { ...run, end, stopping: false };
}

/** Percent done, 0 to 100 (100 for a run that ended with nothing to send). */
export function percent(run: RunView): number {
  if (run.total === 0) return run.end?.end ? 100 : 0;
  return Math.min(100, Math.round((run.done / run.total) * 100));
}

/** What the end of a run says in one sentence. */
export function endText(end: BulkEnd): string {
  if (end.error) return `Job ${end.job} stopped: ${end.error.title}.`;
  const e = end.end;
  if (!e) return `Job ${end.job} ended.`;
  const c = e.counts;
  const counts = `${c.ok} ok, ${c.failed} failed, ${c.unknown} unknown, ${c.skipped} skipped`;
  const left = c.pending > 0 ? `, ${c.pending} not sent` : "";
  if (e.stopped === "stopped")
    return `Job ${end.job} stopped by you: ${counts}${left}. Resume it to send the rest.`;
  if (e.stopped === "unreachable")
    return `Job ${end.job} stopped: the server could not be reached (${counts}${left}). Check the network, then resume it.`;
  return `Job ${end.job} finished: ${counts}.`;
}
