/**
 * The mock backend's bulk jobs (tests and `npm run dev:mock` only): the shell's bulk commands
 * (src-tauri/src/commands/bulk.rs) answered as core's bulk module would — the operations a
 * server does in bulk with their columns, a CSV file "chosen" in the dialog (`filePick`: a
 * name and its text; null: cancelled), the preview and the dry run with each row checked by
 * the single actions' rules, and a job that sends its rows one by one through the mock's
 * own single commands (recorded as `bulk:<job>`), with `bulk-progress` events and one
 * `bulk-end`. Cancel stops after the row in flight; a stopped job is offered for resume.
 */
import { emit } from "@tauri-apps/api/event";
import * as v from "../lib/validate";
import type {
  Backend,
  BulkCounts,
  BulkDryRun,
  BulkEnd,
  ChosenFile,
  BulkOperation,
  BulkOperationInfo,
  BulkPreview,
  BulkProgress,
  BulkResults,
  BulkRow,
  BulkRowState,
  ConnectionCheck,
  ErrorInfo,
  Field,
  FailureGroup,
  JobStatus,
  Outcome,
  RowProblem,
  UnlockMethod,
} from "../lib/types";

/** A CSV file the mock's open dialog answers: its name and its text. */
export type MockCsvFile = { name: string; text: string };

/** The file `bulk_choose_file` picks by default: SMS numbers for the mock's users, one invalid. */
export const MOCK_BULK_FILE: MockCsvFile = {
  name: "new-sms-numbers.csv",
  text: [
    "user,sms,ticket",
    "carol,+60120002003,T-101",
    "dave,+60120002004,T-102",
    "erin,+60120002005,T-103",
    "frank,not-a-number,T-104",
    "grace,+60120002007,T-105",
    "nobody,+60120002099,T-106",
    "ivan,+60120002009,T-107",
    "judy,+60120002010,T-108",
  ].join("\n"),
};

/** The rows `bulk_preview` shows, and the most problems a plan lists (core's numbers). */
const PREVIEW_ROWS = 100;
const MAX_PROBLEMS_KEPT = 100;

type Columns = { needs: string[][]; optional: string[] };

/** Core's `BulkOperation::columns`: what each operation reads on each server. */
const COLUMNS: Record<Backend, Partial<Record<BulkOperation, Columns>>> = {
  centagate: {
    "token-register": { needs: [["user"], ["sms", "otp"]], optional: [] },
    "token-unlock": { needs: [["user"]], optional: [] },
    "token-unregister": { needs: [["user"], ["kind"]], optional: [] },
    "user-unlock": { needs: [["user"]], optional: [] },
    "user-enable": { needs: [["user"]], optional: [] },
    "user-disable": { needs: [["user"]], optional: [] },
  },
  securid: {
    "token-register": { needs: [["user", "email"], ["otp"]], optional: ["name"] },
    "token-unregister": { needs: [["user", "email"], ["otp"]], optional: [] },
    "user-unlock": { needs: [["user", "email"]], optional: ["methods"] },
    "user-enable": { needs: [["user", "email"]], optional: [] },
    "user-disable": { needs: [["user", "email"]], optional: [] },
  },
};

export function bulkOperations(backend: Backend): BulkOperationInfo[] {
  return Object.entries(COLUMNS[backend]).map(([operation, c]) => ({
    operation: operation as BulkOperation,
    needs: c.needs,
    optional: c.optional,
  }));
}

function input(field: Field, rule: string): ErrorInfo {
  const label = v.FIELD_LABELS[field];
  return {
    kind: "input",
    code: null,
    title: `${label} is not valid`,
    hint: `${label}: ${rule}. Nothing was sent to the server.`,
    serverMessage: null,
  };
}

/** RFC 4180 with core's tolerances: a BOM, `,` or `;` (whichever the header has), empty lines skipped. */
export function parseCsv(text: string): { header: string[]; rows: string[][] } {
  const body = text.replace(/^\uFEFF/, "");
  const firstLine = body.split(/\r?\n/, 1)[0] ?? "";
  const sep = firstLine.includes(";") && !firstLine.includes(",") ? ";" : ",";
  const records: string[][] = [];
  let record: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) {
      record.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && body[i + 1] === "\n") i++;
      record.push(cell);
      records.push(record);
      record = [];
      cell = "";
    } else cell += c;
  }
  if (cell !== "" || record.length > 0) {
    record.push(cell);
    records.push(record);
  }
  const filled = records.filter((r) => r.some((c) => c.trim() !== ""));
  const [header = [], ...rows] = filled;
  return { header: header.map((h) => h.trim()), rows };
}

/** What one row asks for: the single command and its arguments, and its target. */
type RowCall = { cmd: string; args: Record<string, unknown>; target: string };

const UNLOCK_METHODS: UnlockMethod[] = ["TOKEN", "SMS", "VOICE"];

/** Core's `parse_row`: the row's action with the single command's rules, or its problem. */
function rowCall(
  op: BulkOperation,
  backend: Backend,
  index: Map<string, number>,
  cells: string[],
  profile: string,
): RowCall | { field: Field; rule: string } {
  const cell = (name: string) => {
    const i = index.get(name);
    return i === undefined ? "" : (cells[i] ?? "").trim();
  };
  if (backend === "centagate") {
    const u = v.username(cell("user"));
    if (!u.ok) return u;
    const request = { username: u.value };
    const call = (cmd: string, args: Record<string, unknown> = {}): RowCall => ({
      cmd,
      args: { profile, request, ...args },
      target: u.value,
    });
    switch (op) {
      case "token-register": {
        if (cell("sms") !== "") {
          const p = v.phone(cell("sms"));
          if (!p.ok) return p;
          return call("register_token", {
            request: { username: u.value, token: { kind: "sms", phone: p.value } },
          });
        }
        const s = v.serial(cell("otp"));
        if (!s.ok) return s;
        return call("register_token", {
          request: { username: u.value, token: { kind: "otp", serial: s.value } },
        });
      }
      case "token-unlock":
        return call("unlock_token");
      case "token-unregister": {
        const kind = cell("kind").toLowerCase();
        if (!["mobile", "sms", "cr", "pki"].includes(kind))
          return { field: "tokenKind", rule: "must be mobile, sms, cr or pki" };
        return call("unregister_token", { request: { username: u.value, kind } });
      }
      case "user-unlock":
        return call("unlock_user");
      case "user-enable":
      case "user-disable":
        return call("set_user_enabled", { enable: op === "user-enable" });
    }
  }
  const byEmail = cell("email") !== "" || !index.has("user");
  const w = byEmail ? v.email(cell("email")) : v.username(cell("user"));
  if (!w.ok) return w;
  const who = { by: byEmail ? "email" : "username", value: w.value };
  const call = (cmd: string, args: Record<string, unknown> = {}): RowCall => ({
    cmd,
    args: { profile, who, ...args },
    target: w.value,
  });
  switch (op) {
    case "token-register":
    case "token-unregister": {
      const s = v.serial(cell("otp"));
      if (!s.ok) return s;
      const name = cell("name");
      return call("securid_assign_token", {
        request: name ? { serial: s.value, name } : { serial: s.value },
        assign: op === "token-register",
      });
    }
    case "user-unlock": {
      const raw = cell("methods");
      const methods = raw
        ? raw
            .split(/[,; ]/)
            .filter((m) => m !== "")
            .map((m) => UNLOCK_METHODS.find((x) => x === m.toUpperCase()))
        : UNLOCK_METHODS;
      if (methods.some((m) => m === undefined))
        return { field: "methods", rule: "must be token, sms or voice, comma-separated" };
      return call("securid_unlock_user", { methods });
    }
    case "user-enable":
    case "user-disable":
      return call("securid_set_user_enabled", { enable: op === "user-enable" });
    default:
      return { field: "bulkOperation", rule: `${op} is not something SecurID Cloud does in bulk` };
  }
}

type Plan = Omit<BulkPreview, "sample">;

type MockJobRow = BulkRow & { call: RowCall | null };

type MockJob = {
  status: Omit<JobStatus, "counts" | "failures">;
  rows: MockJobRow[];
  running: boolean;
  stop: boolean;
};

/** What the mock backend lends the bulk jobs. */
export type BulkHost = {
  /** The profile's backend (throws core's error for an unknown profile). */
  backendOf: (profile: string) => Backend;
  /** The profile's read-only connection test (throws its error). */
  test: (profile: string) => ConnectionCheck;
  /** Runs one single command, recorded with surface `surface`; its answer, or throws. */
  run: (cmd: string, args: Record<string, unknown>, surface: string) => unknown;
  now: () => number;
};

export class MockBulk {
  /** What the open dialog picks; null: the person cancels it. */
  filePick: MockCsvFile | null = MOCK_BULK_FILE;
  /** Milliseconds between two rows of a running job. */
  rowDelayMs = 150;
  /** Every results export written: where, and the job. */
  exports: { path: string; job: string }[] = [];
  /** What the export's save dialog answers; null: the person cancels it. */
  exportPick: string | null = "/home/helpdesk/Documents/tokendesk-bulk-results.csv";
  private files = new Map<string, MockCsvFile>();
  private jobs = new Map<string, MockJob>();
  private nextFile = 1;
  private nextJob = 1;

  constructor(private host: BulkHost) {}

  handle(cmd: string, a: Record<string, unknown>): unknown {
    switch (cmd) {
      case "bulk_operations":
        return bulkOperations(this.host.backendOf(String(a.profile ?? "")));
      case "bulk_choose_file":
        return this.choose();
      case "bulk_preview": {
        const { plan, rows } = this.plan(a);
        const sample = rows
          .slice(0, PREVIEW_ROWS)
          .map((cells, i) => ({ number: i + 1, cells: [...cells] }));
        return { ...plan, sample } satisfies BulkPreview;
      }
      case "bulk_dry_run": {
        const { plan } = this.plan(a);
        let connection: ConnectionCheck | null = null;
        let connectionError: ErrorInfo | null = null;
        try {
          connection = this.host.test(String(a.profile ?? ""));
        } catch (e) {
          connectionError = e as ErrorInfo;
        }
        return { ...plan, connection, connectionError } satisfies BulkDryRun;
      }
      case "bulk_start":
        return this.start(a);
      case "bulk_resume":
        return this.resume(String(a.job ?? ""), a.retryUnknown === true);
      case "bulk_cancel": {
        const job = this.jobs.get(String(a.job ?? ""));
        if (!job?.running) return false;
        job.stop = true;
        return true;
      }
      case "bulk_unfinished":
        return [...this.jobs.values()]
          .filter((j) => !j.running && j.status.state !== "done")
          .reverse()
          .map((j) => this.status(j));
      case "bulk_results": {
        const job = this.job(String(a.job ?? ""));
        return {
          status: this.status(job),
          rows: job.rows.map(({ call: _, ...row }) => row),
          leftOut: 0,
        } satisfies BulkResults;
      }
      case "bulk_export": {
        const job = this.job(String(a.job ?? ""));
        if (this.exportPick === null) return null;
        this.exports.push({ path: this.exportPick, job: job.status.job });
        return this.exportPick;
      }
      default:
        return undefined;
    }
  }

  private choose(): ChosenFile | null {
    if (!this.filePick) return null;
    const handle = `f${this.nextFile++}`;
    this.files.set(handle, this.filePick);
    return { handle, name: this.filePick.name };
  }

  private file(handle: string): MockCsvFile {
    const f = this.files.get(handle);
    if (!f) throw input("csvFile", "must be chosen again (this app no longer holds it)");
    return f;
  }

  /** Core's `plan`: every row checked, duplicates found; the rows' calls for a job. */
  private plan(a: Record<string, unknown>): {
    plan: Plan;
    rows: string[][];
    calls: (RowCall | null)[];
  } {
    const profile = String(a.profile ?? "");
    const operation = a.operation as BulkOperation;
    const backend = this.host.backendOf(profile);
    const { header, rows } = parseCsv(this.file(String(a.file ?? "")).text);
    const columns = COLUMNS[backend][operation];
    if (!columns)
      throw input("bulkOperation", `${operation} is not something this server does in bulk`);
    const index = new Map<string, number>();
    for (const name of [...columns.needs.flat(), ...columns.optional]) {
      const i = header.findIndex((h) => h.toLowerCase() === name);
      if (i >= 0) index.set(name, i);
    }
    for (const need of columns.needs)
      if (!need.some((n) => index.has(n)))
        throw input("csvFile", `must have a ${need.join(" or ")} column for ${operation}`);
    const problems: RowProblem[] = [];
    const duplicates: Plan["duplicates"] = [];
    const seen = new Map<string, number>();
    const calls: (RowCall | null)[] = [];
    let invalid = 0;
    rows.forEach((cells, i) => {
      const row = i + 1;
      const c = rowCall(operation, backend, index, cells, profile);
      if ("cmd" in c) {
        calls.push(c);
        const first = seen.get(c.target);
        if (first === undefined) seen.set(c.target, row);
        else duplicates.push({ row, firstRow: first, target: c.target });
      } else {
        calls.push(null);
        invalid++;
        if (problems.length < MAX_PROBLEMS_KEPT)
          problems.push({ row, field: c.field, label: v.FIELD_LABELS[c.field], rule: c.rule });
      }
    });
    return {
      plan: {
        operation,
        columns: header,
        rows: rows.length,
        valid: rows.length - invalid,
        invalid,
        problems,
        duplicates,
      },
      rows,
      calls,
    };
  }

  private start(a: Record<string, unknown>): string {
    const concurrency = (a.concurrency as number | null | undefined) ?? 4;
    if (!(concurrency >= 1 && concurrency <= 32))
      throw input("concurrency", "must be between 1 and 32");
    const profile = String(a.profile ?? "");
    const { plan, rows, calls } = this.plan(a);
    if (plan.invalid > 0 && a.skipInvalid !== true)
      throw {
        kind: "input",
        code: null,
        title: `${plan.invalid} of ${plan.rows} rows are invalid`,
        hint: "Fix the rows listed, or skip them (they are recorded as skipped). Nothing was sent.",
        serverMessage: null,
      } satisfies ErrorInfo;
    const id = `job${String(this.nextJob++).padStart(3, "0")}`;
    const at = new Date(this.host.now()).toISOString();
    const problem = new Map(plan.problems.map((p) => [p.row, p]));
    const job: MockJob = {
      status: {
        job: id,
        operation: plan.operation,
        profile,
        backend: this.host.backendOf(profile),
        file: this.file(String(a.file ?? "")).name,
        columns: plan.columns,
        createdAt: at,
        state: "running",
      },
      rows: rows.map((cells, i) => {
        const p = problem.get(i + 1);
        return {
          n: i + 1,
          cells,
          state: calls[i] ? "pending" : "skipped",
          code: null,
          title: calls[i] ? null : p ? `${p.label}: ${p.rule}` : "invalid row",
          hint: null,
          serverMessage: null,
          summary: null,
          at: calls[i] ? null : at,
          call: calls[i],
        };
      }),
      running: false,
      stop: false,
    };
    this.jobs.set(id, job);
    this.launch(job);
    return id;
  }

  private resume(id: string, retryUnknown: boolean): string {
    const job = this.job(id);
    if (job.running)
      throw {
        kind: "config",
        code: null,
        title: `Bulk job ${id} is running in another process`,
        hint: "Wait for it to finish, or stop it there; then resume it here.",
        serverMessage: null,
      } satisfies ErrorInfo;
    if (retryUnknown) for (const r of job.rows) if (r.state === "unknown") r.state = "pending";
    this.launch(job);
    return id;
  }

  private job(id: string): MockJob {
    const job = this.jobs.get(id);
    if (!job)
      throw {
        kind: "config",
        code: null,
        title: `No bulk job ${id}`,
        hint: "`tokendesk bulk status` lists the jobs.",
        serverMessage: null,
      } satisfies ErrorInfo;
    return job;
  }

  private status(job: MockJob): JobStatus {
    const counts: BulkCounts = { ok: 0, failed: 0, unknown: 0, skipped: 0, pending: 0 };
    const groups = new Map<string, FailureGroup>();
    for (const r of job.rows) {
      if (r.state === "sent") counts.unknown++;
      else counts[r.state]++;
      if (r.state === "failed") {
        const key = `${r.code}:${r.title}`;
        const g = groups.get(key) ?? {
          code: r.code,
          title: r.title ?? "",
          hint: r.hint ?? "",
          rows: [],
        };
        g.rows.push(r.n);
        groups.set(key, g);
      }
    }
    return { ...job.status, counts, failures: [...groups.values()] };
  }

  /** Sends the job's pending rows one at a time, `rowDelayMs` apart, with its events. */
  private launch(job: MockJob) {
    job.running = true;
    job.stop = false;
    job.status.state = "running";
    const todo = job.rows.filter((r) => r.state === "pending");
    const total = todo.length;
    let done = 0;
    let failed = 0;
    const next = () => {
      const row = todo[done];
      if (!row || job.stop) {
        job.running = false;
        job.status.state = job.rows.some((r) => r.state === "pending") ? "stopped" : "done";
        const status = this.status(job);
        const end: BulkEnd = {
          job: job.status.job,
          end: {
            ...status,
            stopped: job.status.state === "stopped" ? "stopped" : null,
            recoveredUnknown: 0,
          },
          error: null,
        };
        void emit("bulk-end", end);
        return;
      }
      let state: BulkRowState = "ok";
      try {
        const out = this.host.run(
          row.call!.cmd,
          row.call!.args,
          `bulk:${job.status.job}`,
        ) as Outcome<unknown>;
        row.code = out.code;
        row.summary = out.summary;
      } catch (e) {
        const err = e as ErrorInfo;
        state = err.kind === "transport" ? "unknown" : "failed";
        if (state === "failed") failed++;
        row.code = err.code;
        row.title = err.title;
        row.hint = err.hint;
        row.serverMessage = err.serverMessage;
      }
      row.state = state;
      row.at = new Date(this.host.now()).toISOString();
      done++;
      const p: BulkProgress = { job: job.status.job, done, total, failed, row: row.n, state };
      void emit("bulk-progress", p);
      setTimeout(next, this.rowDelayMs);
    };
    setTimeout(next, this.rowDelayMs);
  }
}
