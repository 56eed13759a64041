// The Bulk screen's logic: the preview table's rows with their problems (the CLI dry run's
// words), the results filter, and a job's progress as the shell's events arrive.
import { describe, expect, it } from "vitest";
import {
  applyEnd,
  applyProgress,
  endText,
  filterResults,
  laterProblems,
  percent,
  previewRows,
  problemText,
  startRun,
} from "../src/lib/bulk";
import type { BulkEnd, BulkPreview, BulkRow } from "../src/lib/types";

const preview: BulkPreview = {
  operation: "token-register",
  columns: ["user", "sms", "ticket"],
  rows: 5,
  valid: 3,
  invalid: 2,
  problems: [
    { row: 2, field: "username", label: "Username", rule: "must not be empty" },
    { row: 5, field: "phone", label: "Phone number", rule: "must start with +" },
  ],
  duplicates: [{ row: 3, firstRow: 1, target: "alice" }],
  sample: [
    { number: 1, cells: ["alice", "+60123456789", "T-1"] },
    { number: 2, cells: ["", "+60123456789", "T-2"] },
    { number: 3, cells: ["alice", "+60123456788", "T-3"] },
  ],
};

describe("the preview", () => {
  it("puts each sampled row beside its problems and the row it repeats", () => {
    const rows = previewRows(preview);
    expect(rows.map((r) => [r.n, r.problems.map((p) => p.rule), r.sameAs])).toEqual([
      [1, [], null],
      [2, ["must not be empty"], null],
      [3, [], 1],
    ]);
    expect(rows[1].cells).toEqual(["", "+60123456789", "T-2"]);
  });

  it("lists the problems of rows past the sample, in the dry run's words", () => {
    expect(laterProblems(preview).map(problemText)).toEqual([
      "row 5: Phone number: must start with +",
    ]);
    expect(problemText(preview.problems[0])).toBe("row 2: Username: must not be empty");
  });
});

const row = (n: number, state: BulkRow["state"]): BulkRow => ({
  n,
  cells: [`user${n}`],
  state,
  code: state === "failed" ? 22002 : null,
  title: state === "failed" ? "No such user" : null,
  hint: null,
  serverMessage: null,
  summary: null,
  at: null,
});

describe("the results filter", () => {
  const rows = [row(1, "ok"), row(2, "failed"), row(3, "unknown"), row(4, "skipped"), row(5, "ok")];
  it("shows every row, or only those that did not succeed", () => {
    expect(filterResults(rows, "all").map((r) => r.n)).toEqual([1, 2, 3, 4, 5]);
    expect(filterResults(rows, "problems").map((r) => r.n)).toEqual([2, 3, 4]);
  });
});

describe("a job's progress", () => {
  it("follows its own job's events, never backwards, and ends once", () => {
    let run = startRun("j1");
    expect(percent(run)).toBe(0);
    run = applyProgress(run, { job: "j1", done: 2, total: 4, failed: 1, row: 2, state: "failed" });
    // Rows finish on several tasks: an older event arriving late changes nothing.
    run = applyProgress(run, { job: "j1", done: 1, total: 4, failed: 0, row: 1, state: "ok" });
    run = applyProgress(run, { job: "other", done: 4, total: 4, failed: 4, row: 9, state: "ok" });
    expect([run.done, run.total, run.failed, percent(run)]).toEqual([2, 4, 1, 50]);
    const end: BulkEnd = {
      job: "j1",
      error: null,
      end: {
        job: "j1",
        operation: "token-unlock",
        profile: "Practice",
        backend: "centagate",
        file: "users.csv",
        columns: ["user"],
        createdAt: "2026-11-29T10:00:00Z",
        state: "stopped",
        counts: { ok: 2, failed: 1, unknown: 0, skipped: 0, pending: 1 },
        failures: [],
        stopped: "stopped",
        recoveredUnknown: 0,
      },
    };
    run = applyEnd({ ...run, stopping: true }, end);
    expect(run.stopping).toBe(false);
    expect(endText(end)).toBe(
      "Job j1 stopped by you: 2 ok, 1 failed, 0 unknown, 0 skipped, 1 not sent. Resume it to send the rest.",
    );
    // After the end, a late progress event is ignored.
    expect(
      applyProgress(run, { job: "j1", done: 3, total: 4, failed: 1, row: 3, state: "ok" }).done,
    ).toBe(2);
  });

  it("says why a run ended", () => {
    const error = {
      kind: "config" as const,
      code: null,
      title: "Bulk job j2 is running in another process",
      hint: "",
      serverMessage: null,
    };
    expect(endText({ job: "j2", end: null, error })).toBe(
      "Job j2 stopped: Bulk job j2 is running in another process.",
    );
    expect(percent({ ...startRun("j3"), end: { job: "j3", end: null, error } })).toBe(0);
  });
});
