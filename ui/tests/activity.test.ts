// The Activity view and the column beside the user screen: the audit log read by filter
// (local days), outcomes set apart, export through the shell's dialog, Copy for ticket, and
// the log read only after the first form accepts input.
import { describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import ActivityView from "../src/components/ActivityView.svelte";
import App from "../src/App.svelte";
import { formProblem, localDay, toAuditFilter, todayFilter, todayForm } from "../src/lib/activity";
import { app } from "../src/lib/state.svelte";
import { installMock } from "../src/mock/install";

describe("the activity filter", () => {
  it("sends local calendar days as UTC times, and only what narrows", () => {
    const now = new Date(2026, 10, 29, 15, 4, 5);
    expect(localDay(now)).toBe("2026-11-29");
    expect(todayFilter(now)).toEqual({
      since: new Date(2026, 10, 29).toISOString(),
      until: new Date(2026, 10, 29, 23, 59, 59, 999).toISOString(),
      user: null,
      profile: null,
      operation: null,
      outcome: null,
      limit: 50,
    });
    const form = {
      ...todayForm(now),
      user: "  carol ",
      profile: "Practice",
      operation: "unlock",
      outcome: "unknown" as const,
      from: "",
    };
    expect(toAuditFilter(form, null)).toEqual({
      since: null,
      until: new Date(2026, 10, 29, 23, 59, 59, 999).toISOString(),
      user: "carol",
      profile: "Practice",
      operation: "unlock",
      outcome: "unknown",
      limit: null,
    });
  });

  it("names a day that is not one, and a range that runs backwards", () => {
    const ok = todayForm(new Date(2026, 10, 29));
    expect(formProblem(ok)).toBeNull();
    expect(formProblem({ ...ok, from: "", to: "" })).toBeNull();
    expect(formProblem({ ...ok, from: "2026-02-30" })).toEqual({
      field: "from",
      message: "From: must be a date such as 2026-11-29",
    });
    expect(formProblem({ ...ok, to: "tomorrow" })?.field).toBe("to");
    expect(formProblem({ ...ok, from: "2026-11-30" })).toEqual({
      field: "to",
      message: "To: must not be before From",
    });
  });
});

/** A practice backend with today's actions (one failed) and entries another process left. */
async function withLog() {
  const mocked = installMock();
  const b = mocked.backend;
  await b.handle("practice_start");
  const on = (request: unknown) => ({ profile: "Practice", request });
  await b.handle("unlock_token", on({ username: "carol" }));
  await b
    .handle("sync_token", on({ username: "bob", otp1: "000000", otp2: "000001" }))
    .catch(() => undefined);
  const yesterday = new Date(Date.now() - 86_400_000);
  yesterday.setHours(12);
  b.seedAudit([
    { target: "dave", outcome: "unknown" },
    { target: "erin", outcome: "inProgress" },
    { target: "frank", at: yesterday.toISOString(), summary: "Unlocked yesterday." },
  ]);
  Object.assign(app.activityForm, todayForm());
  app.profiles = [];
  return mocked;
}

const items = () =>
  within(screen.getByRole("list", { name: "Recorded actions, newest first" })).getAllByRole(
    "listitem",
  );

describe("the Activity view", () => {
  it("shows today's entries newest first, unknown and in progress set apart", async () => {
    await withLog();
    render(ActivityView);
    await screen.findByText("4 actions: 1 failed, 1 unknown, 1 in progress");
    expect(items().map((li) => li.dataset.outcome)).toEqual([
      "inProgress",
      "unknown",
      "failed",
      "ok",
    ]);
    const unknown = items()[1];
    expect(within(unknown).getByText("unknown")).toHaveClass("badge", "warn");
    expect(within(unknown).getByText(/No answer was recorded/)).toBeInTheDocument();
    expect(within(items()[0]).getByText("in progress")).toBeInTheDocument();
    expect(within(items()[0]).getByText(/Still waiting/)).toBeInTheDocument();
    const failed = items()[2];
    expect(
      within(failed).getByText("The two codes did not match the token (code 54002)"),
    ).toBeInTheDocument();
    expect(within(failed).getByText("Sync OTP failed")).toBeInTheDocument();
    expect(within(items()[3]).getByText(/Unlocked the OTP token of carol/)).toBeInTheDocument();
    // Who and where, for every entry.
    expect(within(items()[3]).getByText(/helpdesk on desk-01 \(app\)/)).toBeInTheDocument();
  });

  it("filters by outcome, user, operation and days, and refuses a backwards range", async () => {
    const user = userEvent.setup();
    const { exchanges } = await withLog();
    render(ActivityView);
    await screen.findByText(/^4 actions/);
    await user.selectOptions(screen.getByLabelText("Outcome"), "unknown");
    await screen.findByText("1 action: 1 unknown");
    expect(within(items()[0]).getByText("dave")).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText("Outcome"), "");
    await user.type(screen.getByLabelText("User"), "CAROL{Enter}");
    await screen.findByText("1 action");
    await user.clear(screen.getByLabelText("User"));
    await user.selectOptions(screen.getByLabelText("Operation"), "sync");
    await screen.findByText("1 action: 1 failed");
    await user.selectOptions(screen.getByLabelText("Operation"), "");
    // From yesterday: frank's unlock too.
    const yesterday = localDay(new Date(Date.now() - 86_400_000));
    await user.clear(screen.getByLabelText("From"));
    await user.type(screen.getByLabelText("From"), yesterday);
    await screen.findByText(/^5 actions/);
    // To before From: said, and neither read nor exported.
    await user.clear(screen.getByLabelText("To"));
    await user.type(screen.getByLabelText("To"), "2020-01-01");
    expect(await screen.findByText("To: must not be before From")).toBeInTheDocument();
    expect(screen.getByLabelText("To")).toHaveAttribute("aria-invalid", "true");
    const sent = exchanges.length;
    await user.type(screen.getByLabelText("To"), "{Enter}");
    await user.click(screen.getByRole("button", { name: "Export CSV…" }));
    expect(exchanges.slice(sent).map((x) => x.cmd)).toEqual([]);
    await user.click(screen.getByRole("button", { name: "Today" }));
    await screen.findByText(/^4 actions/);
    const last = exchanges.filter((x) => x.cmd === "audit_entries").at(-1)!;
    expect(last.args).toEqual({ filter: toAuditFilter(todayForm()) });
  });

  it("exports what the filter picks through the shell's dialog, or nothing when cancelled", async () => {
    const user = userEvent.setup();
    const { backend, exchanges } = await withLog();
    render(ActivityView);
    await screen.findByText(/^4 actions/);
    await user.selectOptions(screen.getByLabelText("Outcome"), "failed");
    await screen.findByText("1 action: 1 failed");
    await user.click(screen.getByRole("button", { name: "Export CSV…" }));
    await screen.findByText(backend.exportPick!);
    expect(backend.exports.map((x) => x.entries.map((e) => e.target))).toEqual([["bob"]]);
    // Every entry the filter picks, not only those shown.
    expect(exchanges.find((x) => x.cmd === "audit_export")?.args).toMatchObject({
      filter: { outcome: "failed", limit: null },
    });
    backend.exportPick = null;
    await user.click(screen.getByRole("button", { name: "Export CSV…" }));
    expect(await screen.findByText("Export cancelled: nothing was written.")).toBeInTheDocument();
    expect(backend.exports).toHaveLength(1);
  });

  it("copies one entry for a ticket, or offers the text when the clipboard is refused", async () => {
    const user = userEvent.setup();
    await withLog();
    render(ActivityView);
    await screen.findByText(/^4 actions/);
    const copy = (i: number) =>
      within(items()[i]).getByRole("button", { name: /^Copy for ticket/ });
    await user.click(copy(1));
    await within(items()[1]).findByText("Copied for a ticket.");
    const text = await navigator.clipboard.readText();
    expect(text).toMatch(/^TokenDesk audit entry #\d+\nWhen: /);
    expect(text).toContain("Action:    unlock dave");
    expect(text).toContain("Outcome:   unknown");
    expect(text).toContain("may or may not have applied it");

    vi.spyOn(navigator.clipboard, "writeText").mockRejectedValueOnce(new Error("denied"));
    await user.click(copy(2));
    const box = await within(items()[2]).findByRole("textbox");
    expect((box as HTMLTextAreaElement).value).toContain("(code 54002)");
  });
});

describe("start-up", () => {
  it("reads the audit log only after the first form accepts input, then after each action", async () => {
    const user = userEvent.setup();
    const { backend, exchanges } = installMock();
    backend.seedAudit([{ target: "dave", outcome: "unknown" }]);
    app.profiles = [];
    app.selected = null;
    app.today = [];
    app.todayLoaded = false;
    app.view = "user";
    render(App);
    const side = await screen.findByRole("list", { name: "Today's actions, newest first" });
    const cmds = exchanges.map((x) => x.cmd);
    expect(cmds.indexOf("ui_ready")).toBeGreaterThan(-1);
    expect(cmds.indexOf("audit_entries")).toBeGreaterThan(cmds.indexOf("ui_ready"));
    expect(within(side).getByText("unknown")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Start practice" }));
    await screen.findByRole("table", { name: "Practice users" });
    await user.click(screen.getByRole("button", { name: "Find a user" }));
    await user.type(await screen.findByLabelText("Username"), "carol{Enter}");
    await screen.findByRole("table", { name: "Methods bound to carol" });
    await waitFor(() =>
      expect(
        within(screen.getByRole("list", { name: "Today's actions, newest first" })).getByText(
          "Find user",
        ),
      ).toBeInTheDocument(),
    );
  });
});
