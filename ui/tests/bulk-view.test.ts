// The Bulk screen over the mock backend (what `npm run dev:mock` shows): the preview's
// invalid rows in the singular and the plural, and a job run to its end with its results.
import { describe, expect, it } from "vitest";
import { cleanup, render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import BulkView from "../src/components/BulkView.svelte";
import { installMock } from "../src/mock/install";
import { app } from "../src/lib/state.svelte";

const draft = {
  name: "prod",
  url: "https://mfa.example.com",
  admin: "helpdesk",
  basePath: null,
  caFile: null,
  timeoutSecs: null,
};
const secrets = { authToken: "t", secretCode: "s" };

function csv(...rows: string[]) {
  return { name: "rows.csv", text: ["user,sms,ticket", ...rows].join("\n") };
}

async function previewOf(file: { name: string; text: string }) {
  cleanup();
  const mock = installMock({ profiles: [{ draft, secrets }] });
  mock.backend.bulk.filePick = file;
  mock.backend.bulk.rowDelayMs = 0;
  app.selected = "prod";
  const user = userEvent.setup();
  render(BulkView);
  await user.click(await screen.findByRole("button", { name: "Choose CSV file…" }));
  await screen.findByRole("option", { name: /^token-register/ });
  await user.selectOptions(screen.getByLabelText("Operation"), "token-register");
  await screen.findByRole("heading", { name: "Preview" });
  return { ...mock, user };
}

describe("the Bulk screen in mock mode", () => {
  // First: the Bulk screen's state (lib/bulk.svelte.ts) listens for the job events once, on the
  // mock installed when it is first shown.
  it("runs a job through the mock's commands, with progress, results and audit entries", async () => {
    const { backend, user } = await previewOf(
      csv("carol,+60120002003,T-1", "nobody,+60120002099,T-2", "dave,bad,T-3"),
    );
    expect(screen.getByRole("button", { name: "Run" })).toBeDisabled();
    await user.click(screen.getByLabelText("Skip the 1 invalid row (recorded as skipped)"));
    await user.click(screen.getByRole("button", { name: "Run" }));
    await screen.findByText("Job job001 finished: 1 ok, 1 failed, 0 unknown, 1 skipped.");
    const results = await backend.handle("bulk_results", { job: "job001" });
    expect(
      (results as { rows: { n: number; state: string }[] }).rows.map((r) => [r.n, r.state]),
    ).toEqual([
      [1, "ok"],
      [2, "failed"],
      [3, "skipped"],
    ]);
    const audit = backend.handle("audit_entries", { filter: {} });
    const surfaces = ((await audit) as { surface: string; target: string }[])
      .filter((e) => e.surface === "bulk:job001")
      .map((e) => e.target);
    expect(surfaces).toEqual(["carol", "nobody"]);
  });

  it("offers to skip 1 invalid row, or N invalid rows", async () => {
    await previewOf(csv("carol,+60120002003,T-1", "dave,bad,T-2"));
    expect(screen.getByLabelText("Skip the 1 invalid row (recorded as skipped)")).toBeVisible();
    expect(
      screen.getByText(/^Phone number: must be 7 to 15 digits/, { selector: "span" }),
    ).toBeVisible();

    await previewOf(csv("carol,bad,T-1", "dave,+60120002004,T-2", "erin,,T-3"));
    expect(screen.getByLabelText("Skip the 2 invalid rows (recorded as skipped)")).toBeVisible();
  });
});
