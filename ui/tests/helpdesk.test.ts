import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { copySecret, SECRET_CLIPBOARD_MS } from "../src/lib/clipboard";
import { STEPS, canSkip, currentStep, reduce, type FlowState } from "../src/lib/lostToken";
import type { Case, ErrorInfo } from "../src/lib/types";

const kase: Case = { id: "case-20261129-100000-abc123", ticket: "INC-1" };
const error: ErrorInfo = {
  kind: "server",
  code: 36000,
  title: "No such token",
  hint: "Check the kind.",
  serverMessage: null,
};

describe("the Lost or replaced token flow", () => {
  it("walks each server's steps in order, one at a time, to finished", () => {
    for (const backend of ["centagate", "securid"] as const) {
      let s: FlowState = reduce(backend, { phase: "start" }, { type: "opened", case: kase });
      const seen: string[] = [];
      while (s.phase === "steps") {
        seen.push(currentStep(backend, s)!);
        // Next before the step is done does nothing.
        expect(reduce(backend, s, { type: "next" })).toBe(s);
        s = reduce(backend, s, { type: "run" });
        // Running twice, or stopping while it runs, does nothing.
        expect(reduce(backend, s, { type: "run" })).toBe(s);
        expect(reduce(backend, s, { type: "stop" })).toBe(s);
        s = reduce(backend, s, { type: "ok", summary: "done" });
        s = reduce(backend, s, { type: "next" });
      }
      expect(seen).toEqual(STEPS[backend]);
      expect(s).toEqual({ phase: "finished", case: kase });
    }
    expect(STEPS.centagate).toEqual(["identity", "removeOld", "register", "check"]);
    expect(STEPS.securid).toEqual([
      "identity",
      "emergencyCode",
      "removeOld",
      "register",
      "unlock",
      "check",
    ]);
  });

  it("a failed step keeps the words, retries, or stops where it was", () => {
    let s: FlowState = reduce("centagate", { phase: "start" }, { type: "opened", case: kase });
    s = reduce("centagate", reduce("centagate", s, { type: "run" }), { type: "ok", summary: "" });
    s = reduce("centagate", s, { type: "next" });
    s = reduce("centagate", reduce("centagate", s, { type: "run" }), { type: "failed", error });
    expect(s).toMatchObject({ phase: "steps", index: 1, status: "failed", error });
    expect(reduce("centagate", s, { type: "next" })).toBe(s);
    const retried = reduce("centagate", s, { type: "retry" });
    expect(retried).toMatchObject({ status: "ready", error: null });
    expect(reduce("centagate", s, { type: "stop" })).toEqual({
      phase: "stopped",
      case: kase,
      at: "removeOld",
    });
  });

  it("only the emergency code and unlock steps can be skipped", () => {
    let s: FlowState = reduce("securid", { phase: "start" }, { type: "opened", case: kase });
    expect(canSkip("securid", s)).toBe(false);
    expect(reduce("securid", s, { type: "skip" })).toBe(s);
    s = reduce("securid", reduce("securid", s, { type: "run" }), { type: "ok", summary: "" });
    s = reduce("securid", s, { type: "next" });
    expect(currentStep("securid", s)).toBe("emergencyCode");
    expect(canSkip("securid", s)).toBe(true);
    s = reduce("securid", s, { type: "skip" });
    expect(currentStep("securid", s)).toBe("removeOld");
    expect(canSkip("securid", s)).toBe(false);
    // Before a case is open there is nothing to run or stop.
    const start: FlowState = { phase: "start" };
    expect(reduce("securid", start, { type: "run" })).toBe(start);
    expect(reduce("securid", start, { type: "stop" })).toBe(start);
  });
});

describe("copying an emergency tokencode", () => {
  let board: string;
  beforeEach(() => {
    vi.useFakeTimers();
    board = "";
    Object.defineProperty(navigator, "clipboard", {
      configurable: true,
      value: {
        writeText: vi.fn(async (t: string) => {
          board = t;
        }),
        readText: vi.fn(async () => board),
      },
    });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("clears the clipboard after 60 s while it still holds the code", async () => {
    const r = await copySecret("12345678");
    expect(r.copied).toBe(true);
    expect(board).toBe("12345678");
    await vi.advanceTimersByTimeAsync(SECRET_CLIPBOARD_MS - 1);
    expect(board).toBe("12345678");
    await vi.advanceTimersByTimeAsync(1);
    expect(board).toBe("");
    expect(SECRET_CLIPBOARD_MS).toBe(60_000);
  });

  it("leaves what the person copied since", async () => {
    await copySecret("12345678");
    board = "something else";
    await vi.advanceTimersByTimeAsync(SECRET_CLIPBOARD_MS);
    expect(board).toBe("something else");
  });

  it("clears it anyway when the clipboard cannot be read back", async () => {
    (navigator.clipboard.readText as ReturnType<typeof vi.fn>).mockRejectedValue(new Error("no"));
    await copySecret("12345678");
    await vi.advanceTimersByTimeAsync(SECRET_CLIPBOARD_MS);
    expect(board).toBe("");
  });

  it("says so when the clipboard refuses the copy, and sets no timer", async () => {
    (navigator.clipboard.writeText as ReturnType<typeof vi.fn>).mockRejectedValue(new Error("no"));
    const r = await copySecret("12345678");
    expect(r.copied).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});
