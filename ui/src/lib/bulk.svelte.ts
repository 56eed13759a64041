/**
 * The Bulk screen's state, kept while the person visits other screens (a job keeps running
 * in the shell meanwhile): the chosen file, the operation, the preview or dry run, the job
 * being run with its progress from the shell's events, and its results. Loaded with the
 * Bulk screen, on its first visit.
 */
import { applyEnd, applyProgress, startRun, type RunView } from "./bulk";
import { api } from "./tauri";
import type {
  BulkDryRun,
  ChosenFile,
  BulkOperation,
  BulkOperationInfo,
  BulkPreview,
  BulkResults,
  ErrorInfo,
  JobStatus,
} from "./types";

export class BulkScreen {
  profile = $state<string | null>(null);
  operations = $state<BulkOperationInfo[]>([]);
  operation = $state<BulkOperation | "">("");
  file = $state<ChosenFile | null>(null);
  preview = $state<BulkPreview | null>(null);
  dryRun = $state<BulkDryRun | null>(null);
  skipInvalid = $state(false);
  concurrency = $state(4);
  busy = $state<"" | "choosing" | "checking" | "dry" | "starting" | "exporting">("");
  error = $state<ErrorInfo | null>(null);
  run = $state<RunView | null>(null);
  results = $state<BulkResults | null>(null);
  exported = $state<{ path: string | null } | null>(null);
  unfinished = $state<JobStatus[]>([]);
  private listening = false;

  /** Listens for the shell's job events (once). */
  listen() {
    if (this.listening) return;
    this.listening = true;
    void api.onBulkProgress((p) => {
      if (this.run) this.run = applyProgress(this.run, p);
    });
    void api.onBulkEnd((end) => {
      if (!this.run || end.job !== this.run.job) return;
      this.run = applyEnd(this.run, end);
      void this.loadResults(end.job);
      void this.loadUnfinished();
    });
  }

  private async attempt(busy: BulkScreen["busy"], f: () => Promise<void>) {
    this.busy = busy;
    this.error = null;
    try {
      await f();
    } catch (e) {
      this.error = e as ErrorInfo;
    } finally {
      this.busy = "";
    }
  }

  /** The profile's operations (core's list for its server); a new profile starts over. */
  async useProfile(profile: string | null) {
    if (profile === this.profile) return;
    this.profile = profile;
    this.operations = [];
    this.preview = null;
    this.dryRun = null;
    if (!profile) return;
    await this.attempt("", async () => {
      this.operations = await api.bulkOperations(profile);
      if (!this.operations.some((o) => o.operation === this.operation)) this.operation = "";
    });
    await this.check();
  }

  async chooseFile() {
    await this.attempt("choosing", async () => {
      const file = await api.bulkChooseFile();
      if (file) this.file = file;
    });
    await this.check();
  }

  async setOperation(op: BulkOperation | "") {
    this.operation = op;
    await this.check();
  }

  /** The preview of the file for the operation, when both are chosen. */
  async check() {
    this.preview = null;
    this.dryRun = null;
    const { profile, file, operation } = this;
    if (!profile || !file || !operation) return;
    await this.attempt("checking", async () => {
      this.preview = await api.bulkPreview(profile, file.handle, operation);
    });
  }

  async dry() {
    const { profile, file, operation } = this;
    if (!profile || !file || !operation) return;
    await this.attempt("dry", async () => {
      this.dryRun = await api.bulkDryRun(profile, file.handle, operation);
    });
  }

  async start() {
    const { profile, file, operation } = this;
    if (!profile || !file || !operation || this.running) return;
    await this.attempt("starting", async () => {
      const job = await api.bulkStart(
        profile,
        file.handle,
        operation,
        this.skipInvalid,
        this.concurrency,
      );
      this.began(job);
    });
  }

  async resume(job: string, retryUnknown: boolean) {
    if (this.running) return;
    await this.attempt("starting", async () => {
      this.began(await api.bulkResume(job, retryUnknown));
      this.unfinished = this.unfinished.filter((j) => j.job !== job);
    });
  }

  private began(job: string) {
    this.results = null;
    this.exported = null;
    this.run = startRun(job);
  }

  get running(): boolean {
    return this.run !== null && this.run.end === null;
  }

  async cancel() {
    if (!this.run || !this.running) return;
    this.run = { ...this.run, stopping: true };
    try {
      await api.bulkCancel(this.run.job);
    } catch (e) {
      this.error = e as ErrorInfo;
    }
  }

  async loadResults(job: string) {
    try {
      this.results = await api.bulkResults(job);
    } catch (e) {
      this.error = e as ErrorInfo;
    }
  }

  async loadUnfinished() {
    try {
      this.unfinished = await api.bulkUnfinished();
    } catch (e) {
      this.error = e as ErrorInfo;
    }
  }

  async exportResults() {
    const job = this.results?.status.job;
    if (!job) return;
    this.exported = null;
    await this.attempt("exporting", async () => {
      this.exported = { path: await api.bulkExport(job) };
    });
  }
}

export const bulk = new BulkScreen();
