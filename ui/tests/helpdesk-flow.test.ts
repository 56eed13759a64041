import { describe, expect, it } from "vitest";
import { render, screen, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import App from "../src/App.svelte";
import { installMock } from "../src/mock/install";
import { app } from "../src/lib/state.svelte";
import type { AuditEntry, IssuedCode, Outcome } from "../src/lib/types";

type User = ReturnType<typeof userEvent.setup>;

/** The flow's own section (the activity list elsewhere repeats the summaries). */
const inFlow = () => within(screen.getByTestId("lost-token-flow"));

async function onPractice(user: User, profile: RegExp) {
  const mock = installMock();
  app.profiles = [];
  app.selected = null;
  render(App);
  await user.click(await screen.findByRole("button", { name: "Start practice" }));
  await screen.findByRole("table", { name: "Practice SecurID users" });
  await user.click(await screen.findByRole("radio", { name: profile }));
  await user.click(screen.getByRole("button", { name: "Find a user" }));
  return mock;
}

async function confirmIdentity(user: User, ticket: string) {
  await user.click(await screen.findByRole("button", { name: "Lost or replaced token…" }));
  if (ticket) await user.type(screen.getByLabelText("Ticket number (optional)"), ticket);
  await user.click(screen.getByRole("button", { name: "Start" }));
  await screen.findByText(/^Case/);
  const flow = await screen.findByTestId("lost-token-flow");
  const checks = await within(flow).findAllByRole("checkbox");
  for (const c of checks) await user.click(c);
  await user.click(screen.getByRole("button", { name: "Identity confirmed" }));
  await inFlow().findByText(/Confirmed the identity/);
  await user.click(screen.getByRole("button", { name: "Next step" }));
}

async function confirmDialog(user: User, words: RegExp) {
  const dialog = await screen.findByRole("dialog");
  expect(dialog).toHaveTextContent(words);
  await user.click(within(dialog).getByRole("button", { name: "Yes, go ahead" }));
}

/** Every audit entry, as the Activity view reads them. */
async function auditOf(): Promise<AuditEntry[]> {
  const { api } = await import("../src/lib/tauri");
  const none = { since: null, until: null, user: null, profile: null, operation: null };
  return api.auditEntries({ ...none, outcome: null, limit: null });
}

describe("the Lost or replaced token flow in the window (mock backend)", () => {
  it("SecurID: every step recorded under one case; the code shown once and never recorded", async () => {
    const user = userEvent.setup();
    const { exchanges } = await onPractice(user, /Practice-SecurID/);
    await user.type(await screen.findByLabelText("Email address"), "trent@example.com{Enter}");
    await screen.findByRole("heading", { name: "Trent Turner" });
    await confirmIdentity(user, "INC-9");

    await user.click(await screen.findByRole("button", { name: "Issue emergency tokencode" }));
    const box = await screen.findByTestId("emergency-code");
    const issued = exchanges.find((x) => x.cmd === "securid_emergency_code")!
      .answer as Outcome<IssuedCode>;
    expect(box).toHaveTextContent(issued.object.code.code);
    expect(box).toHaveTextContent("once");
    await user.click(screen.getByRole("button", { name: "Next step" }));
    expect(screen.queryByTestId("emergency-code")).toBeNull();

    expect(screen.getByLabelText("Serial of the lost hardware token")).toHaveValue("000700000001");
    await user.click(screen.getByRole("button", { name: "Unassign…" }));
    await confirmDialog(user, /Unassign hardware token 000700000001 from trent@example.com\?/);
    await inFlow().findByText(/Unassigned hardware token 000700000001/);
    await user.click(screen.getByRole("button", { name: "Next step" }));

    // One bound elsewhere would fail; here a spare.
    await user.type(screen.getByLabelText("Serial of the replacement"), "000700000003");
    await user.click(screen.getByRole("button", { name: "Assign" }));
    await inFlow().findByText(/Assigned hardware token 000700000003/);
    await user.click(screen.getByRole("button", { name: "Next step" }));
    await user.click(screen.getByRole("button", { name: "Unlock token, SMS and voice" }));
    await inFlow().findByText(/^Unlocked token, SMS, voice/);
    await user.click(screen.getByRole("button", { name: "Next step" }));
    await user.click(screen.getByRole("button", { name: "Show the methods now" }));
    await screen.findByRole("list", { name: "Methods bound to trent@example.com" });
    await user.click(screen.getByRole("button", { name: "Finish case" }));
    await inFlow().findByText(/Case finished/);

    const caseId = screen.getByTestId("case-id").textContent!;
    const entries = (await auditOf()).filter((e) => e.caseId === caseId);
    expect(entries.map((e) => e.operation)).toEqual([
      "openCase",
      "confirmIdentity",
      "emergencyCode",
      "listMethods",
      "unregisterToken",
      "register",
      "unlockMethods",
      "listMethods",
      "closeCase",
    ]);
    expect(entries.every((e) => e.ticket === "INC-9")).toBe(true);
    expect(JSON.stringify(entries)).not.toContain(issued.object.code.code);
  }, 30_000);

  it("CENTAGATE: a failing step shows the words; Stop leaves the case unfinished", async () => {
    const user = userEvent.setup();
    await onPractice(user, /^Practice\b(?!-)/);
    await user.type(await screen.findByLabelText("Username"), "uma{Enter}");
    await screen.findByRole("heading", { name: "uma" });
    await confirmIdentity(user, "");
    // The SMS token uma does not have: the catalog's words, Retry and Stop.
    await user.selectOptions(screen.getByLabelText("Token kind"), "sms");
    await user.click(screen.getByRole("button", { name: "Remove…" }));
    await confirmDialog(user, /Remove the SMS token of uma\?/);
    await screen.findByRole("button", { name: "Retry" });
    await user.click(screen.getByRole("button", { name: "Stop here (case stays unfinished)" }));
    await inFlow().findByText(/stays/);
    const caseId = screen.getByTestId("case-id").textContent!;
    const entries = (await auditOf()).filter((e) => e.caseId === caseId);
    expect(entries.map((e) => [e.operation, e.outcome])).toEqual([
      ["openCase", "ok"],
      ["confirmIdentity", "ok"],
      ["unregisterToken", "failed"],
      ["closeCase", "ok"],
    ]);
    expect(entries[3].details).toEqual({ result: "stopped", atStep: "removeOld" });
    expect(entries[0].ticket).toBeNull();
  }, 30_000);
});
