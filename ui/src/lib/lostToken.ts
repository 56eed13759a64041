/**
 * The guided "Lost or replaced token" flow as a state machine: which steps each server's
 * flow has, and how one step moves on (run → done or failed; retry; next; stop). Pure, so the
 * rules are tested without a window; LostTokenFlow.svelte renders it and calls the commands.
 * What each step sends and records is core's (every step carries the case id).
 */
import type { Backend, Case, CaseStep, ErrorInfo } from "./types";

/** The steps of each server's flow, in order. */
export const STEPS: Record<Backend, CaseStep[]> = {
  centagate: ["identity", "removeOld", "register", "check"],
  securid: ["identity", "emergencyCode", "removeOld", "register", "unlock", "check"],
};

/** Steps the administrator may skip (the user may not need a way in meanwhile; nothing locked). */
export const OPTIONAL: ReadonlySet<CaseStep> = new Set(["emergencyCode", "unlock"]);

/** Each step's title, per server. */
export function stepTitle(backend: Backend, step: CaseStep): string {
  switch (step) {
    case "identity":
      return "Confirm the user's identity";
    case "emergencyCode":
      return "Give the user an emergency tokencode";
    case "removeOld":
      return backend === "securid"
        ? "Unassign the lost hardware token"
        : "Remove or deactivate the old token";
    case "register":
      return backend === "securid"
        ? "Assign the replacement hardware token"
        : "Register the replacement (SMS number or hardware serial)";
    case "unlock":
      return "Unlock the user's tokencodes if locked";
    case "check":
      return "Check the methods list";
  }
}

export type StepStatus = "ready" | "running" | "done" | "failed";

export type FlowState =
  | { phase: "start" }
  | {
      phase: "steps";
      case: Case;
      index: number;
      status: StepStatus;
      /** What the last run of this step said (its summary), when it succeeded. */
      summary: string | null;
      error: ErrorInfo | null;
    }
  | { phase: "finished"; case: Case }
  | { phase: "stopped"; case: Case; at: CaseStep };

export type FlowEvent =
  | { type: "opened"; case: Case }
  | { type: "run" }
  | { type: "ok"; summary: string }
  | { type: "failed"; error: ErrorInfo }
  | { type: "retry" }
  | { type: "next" }
  | { type: "skip" }
  | { type: "stop" };

/** The step the flow is at, if it is in its steps. */
export function currentStep(backend: Backend, s: FlowState): CaseStep | null {
  return s.phase === "steps" ? STEPS[backend][s.index] : null;
}

/** Whether the current step can be skipped now. */
export function canSkip(backend: Backend, s: FlowState): boolean {
  const step = currentStep(backend, s);
  return step !== null && OPTIONAL.has(step) && s.phase === "steps" && s.status !== "running";
}

/**
 * The state after `e`. An event that does not apply (running twice, next before done, stop
 * while a step runs) leaves the state as it was.
 */
export function reduce(backend: Backend, s: FlowState, e: FlowEvent): FlowState {
  const steps = STEPS[backend];
  if (s.phase === "start") {
    return e.type === "opened"
      ? { phase: "steps", case: e.case, index: 0, status: "ready", summary: null, error: null }
      : s;
  }
  if (s.phase !== "steps") return s;
  switch (e.type) {
    case "run":
      return s.status === "ready" || s.status === "failed"
        ? { ...s, status: "running", error: null }
        : s;
    case "ok":
      return s.status === "running" ? { ...s, status: "done", summary: e.summary } : s;
    case "failed":
      return s.status === "running" ? { ...s, status: "failed", error: e.error } : s;
    case "retry":
      return s.status === "failed" ? { ...s, status: "ready", error: null } : s;
    case "next":
    case "skip": {
      const allowed = e.type === "next" ? s.status === "done" : canSkip(backend, s);
      if (!allowed) return s;
      if (s.index + 1 >= steps.length) return { phase: "finished", case: s.case };
      return { ...s, index: s.index + 1, status: "ready", summary: null, error: null };
    }
    case "stop":
      return s.status === "running" ? s : { phase: "stopped", case: s.case, at: steps[s.index] };
    default:
      return s;
  }
}
