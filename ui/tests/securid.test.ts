import { describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { emit } from "@tauri-apps/api/event";
import App from "../src/App.svelte";
import { installMock } from "../src/mock/install";
import { MOCK_KEY_FILE } from "../src/mock/backend";
import { app } from "../src/lib/state.svelte";
import * as v from "../src/lib/validate";

type User = ReturnType<typeof userEvent.setup>;

/** The app in practice mode with the practice SecurID profile chosen. */
async function onPracticeSecurId(user: User) {
  const mock = installMock();
  app.profiles = [];
  app.selected = null;
  render(App);
  await user.click(await screen.findByRole("button", { name: "Start practice" }));
  await screen.findByRole("table", { name: "Practice SecurID users" });
  await user.click(await screen.findByRole("radio", { name: /Practice-SecurID/ }));
  await user.click(screen.getByRole("button", { name: "Find a user" }));
  return mock;
}

const lockCell = (m: string) => screen.getByTestId(`lock-${m}`);

describe("SecurID user screen", () => {
  it("looks a user up by email, says the statuses are unknown, unlocks the chosen methods", async () => {
    const user = userEvent.setup();
    const { exchanges } = await onPracticeSecurId(user);
    await user.type(await screen.findByLabelText("Email address"), "bob@example.com{Enter}");
    expect(await screen.findByRole("heading", { name: "Bob Baker" })).toBeInTheDocument();
    expect(screen.getByText("bob@example.com", { selector: "dd" })).toBeInTheDocument();
    for (const m of ["TOKEN", "SMS", "VOICE"]) expect(lockCell(m)).toHaveTextContent("unknown");
    expect(screen.getByText(/unknown until you\s+unlock/)).toBeInTheDocument();
    // All three are ticked by default; untick SMS and voice.
    for (const name of [/^SMS/, /^Voice/, /^Token/])
      expect(screen.getByRole("checkbox", { name })).toBeChecked();
    await user.click(screen.getByRole("checkbox", { name: /^SMS/ }));
    await user.click(screen.getByRole("checkbox", { name: /^Voice/ }));
    await user.click(screen.getByRole("button", { name: "Unlock tokencodes" }));
    await screen.findByText(/Unlocked token for user/, { selector: ".success" });
    for (const m of ["TOKEN", "SMS", "VOICE"]) expect(lockCell(m)).toHaveTextContent("unlocked");
    expect(exchanges.find((x) => x.cmd === "securid_unlock")?.args).toMatchObject({
      profile: "Practice-SecurID",
      request: { methods: ["TOKEN"] },
      user: "bob@example.com",
    });
  });

  it("says it is waiting while the server rate-limits a lookup (the shell's event)", async () => {
    const user = userEvent.setup();
    const { backend } = await onPracticeSecurId(user);
    backend.hold("securid_lookup");
    await user.type(await screen.findByLabelText("Email address"), "bob@example.com{Enter}");
    const wait = screen.getByRole("status", { name: "Rate limit" });
    expect(wait.textContent?.trim()).toBe("");
    await emit("rate-limit-wait", {
      operation: "lookupUser",
      attempt: 1,
      maxAttempts: 4,
      waitMs: 1000,
      fromRetryAfter: true,
      message: "rate limited by the server, retrying in 1 s (attempt 2 of 4)",
    });
    await waitFor(() =>
      expect(wait).toHaveTextContent(
        "Rate limited by the server, retrying in 1 s (attempt 2 of 4)…",
      ),
    );
    backend.release("securid_lookup");
    expect(await screen.findByRole("heading", { name: "Bob Baker" })).toBeInTheDocument();
    await waitFor(() => expect(wait.textContent?.trim()).toBe(""));
  });

  it("shows a part-way failure (HTTP 500) in words and the statuses it reported", async () => {
    const user = userEvent.setup();
    await onPracticeSecurId(user);
    await user.type(await screen.findByLabelText("Email address"), "frank@example.com{Enter}");
    await screen.findByRole("heading", { name: "Frank Fischer" });
    await user.click(screen.getByRole("button", { name: "Unlock tokencodes" }));
    const result = screen.getByRole("status", { name: "Result of the unlock" });
    expect(await within(result).findByText("The unlock did not complete")).toBeInTheDocument();
    expect(
      within(result).getByText(/Now: token unlocked, SMS unlocked, voice locked/),
    ).toBeVisible();
    expect(lockCell("VOICE")).toHaveTextContent("locked");
    expect(lockCell("VOICE")).not.toHaveTextContent("unlocked");
    expect(lockCell("SMS")).toHaveTextContent("unlocked");
  });

  it("refuses to unlock nothing, and finds nobody in words", async () => {
    const user = userEvent.setup();
    const { exchanges } = await onPracticeSecurId(user);
    await user.type(await screen.findByLabelText("Email address"), "not-an-address{Enter}");
    expect(
      screen.getByText(`${v.FIELD_LABELS.email}: ${v.RULES.email}`, { exact: false }),
    ).toBeInTheDocument();
    expect(exchanges.filter((x) => x.cmd === "securid_lookup")).toHaveLength(0);

    await user.click(screen.getByRole("radio", { name: "By username" }));
    await user.clear(screen.getByLabelText("Username"));
    await user.type(screen.getByLabelText("Username"), "alice{Enter}");
    await screen.findByRole("heading", { name: "Alice Archer" });
    for (const name of [/^Token/, /^SMS/, /^Voice/])
      await user.click(screen.getByRole("checkbox", { name }));
    await user.click(screen.getByRole("button", { name: "Unlock tokencodes" }));
    expect(screen.getByText(`${v.FIELD_LABELS.methods}: ${v.RULES.methods}`)).toBeInTheDocument();
    expect(exchanges.filter((x) => x.cmd === "securid_unlock")).toHaveLength(0);

    await user.click(screen.getByRole("radio", { name: "By email" }));
    await user.clear(screen.getByLabelText("Email address"));
    await user.type(screen.getByLabelText("Email address"), "nobody@example.com{Enter}");
    expect(await screen.findByText("No SecurID user “nobody@example.com”")).toBeInTheDocument();
    expect(
      screen.getAllByText("No user with this email address or username").length,
    ).toBeGreaterThan(0);
  });

  it("lets the practice panel lock a method, which the unlock then clears", async () => {
    const user = userEvent.setup();
    await onPracticeSecurId(user);
    await user.click(screen.getAllByRole("button", { name: "Practice" })[0]);
    const cell = await screen.findByTestId("securid-alice-SMS");
    expect(cell).toHaveTextContent("unlocked");
    await user.click(within(cell).getByRole("button", { name: "Lock sms of alice@example.com" }));
    await waitFor(() =>
      expect(screen.getByTestId("securid-alice-SMS")).not.toHaveTextContent("unlocked"),
    );
    expect(
      screen.getByText(/alice@example.com: sms tokencodes are now locked/),
    ).toBeInTheDocument();
    expect(within(screen.getByTestId("securid-dave-VOICE")).getByText("off")).toBeInTheDocument();
  });
});

describe("ProfileDialog for SecurID Cloud", () => {
  it("imports the key file chosen in the shell's dialog: a handle and a name, never a path", async () => {
    const { default: ProfileDialog } = await import("../src/components/ProfileDialog.svelte");
    const user = userEvent.setup();
    const { backend, exchanges } = installMock();
    const onsaved = vi.fn();
    render(ProfileDialog, { editing: null, onsaved, onclose: () => {} });
    await user.click(screen.getByRole("radio", { name: /RSA SecurID Cloud/ }));
    expect(screen.queryByLabelText("Server URL")).toBeNull();
    expect(screen.queryByLabelText("Auth token")).toBeNull();
    await user.type(screen.getByLabelText("Profile name"), "cloud");
    await user.click(screen.getByRole("button", { name: "Add profile" }));
    expect(screen.getByText(`${v.FIELD_LABELS.keyFile}: ${v.RULES.keyFile}`)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Browse for the key file" })).toHaveFocus();
    // Nothing is typed: the field only shows what the dialog chose.
    expect(screen.getByLabelText("Key file")).toHaveAttribute("readonly");

    // A file that is not a key file: the shell says only that.
    backend.keyFilePick = "/tmp/missing.json";
    await user.click(screen.getByRole("button", { name: "Browse for the key file" }));
    expect(await screen.findByText("API key file is not valid")).toBeInTheDocument();
    expect(screen.getByText(/API key file: not a readable key file\./)).toBeInTheDocument();
    // Cancelled dialog: nothing changes; a chosen file shows its name.
    backend.keyFilePick = null;
    await user.click(screen.getByRole("button", { name: "Browse for the key file" }));
    expect(screen.getByLabelText("Key file")).toHaveValue("");
    backend.keyFilePick = MOCK_KEY_FILE;
    await user.click(screen.getByRole("button", { name: "Browse for the key file" }));
    await waitFor(() =>
      expect(screen.getByLabelText("Key file")).toHaveValue("securid-api-key.json"),
    );
    await user.click(screen.getByRole("button", { name: "Add profile" }));
    await waitFor(() => expect(onsaved).toHaveBeenCalled());
    expect(onsaved.mock.calls[0][0]).toMatchObject({
      name: "cloud",
      credentialsStored: true,
      profile: { backend: "securid", customerName: "Example Tenant" },
    });
    const save = exchanges.filter((x) => x.cmd === "save_securid_profile").at(-1);
    expect(save?.args).toEqual({
      draft: { name: "cloud", timeoutSecs: undefined },
      replace: false,
      keyFile: "file-1",
      caFile: { kind: "keep" },
    });
    // The window sent no path, and got none back for the key file.
    const sent = exchanges.map((x) => JSON.stringify(x.args)).join("\n");
    expect(sent).not.toContain("/home/");
    expect(JSON.stringify(exchanges)).not.toMatch(/PRIVATE KEY|accessKey|keyJson/);
  });

  it("edits a SecurID profile: the key is shown as stored, replaced only on request", async () => {
    const { default: ProfileDialog } = await import("../src/components/ProfileDialog.svelte");
    const user = userEvent.setup();
    const { exchanges } = installMock();
    const { api } = await import("../src/lib/tauri");
    const key = await api.chooseKeyFile();
    const saved = await api.saveSecurIdProfile({ name: "cloud" }, false, key!.handle);
    const onsaved = vi.fn();
    render(ProfileDialog, { editing: saved, onsaved, onclose: () => {} });
    expect(screen.queryByRole("radio", { name: /SecurID/ })).toBeNull();
    expect(screen.getByText(/API key of access ID/)).toHaveTextContent("stored");
    expect(screen.queryByLabelText("Key file")).toBeNull();
    await user.type(screen.getByLabelText("Timeout in seconds (optional)"), "45");
    await user.click(screen.getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(onsaved).toHaveBeenCalled());
    expect(exchanges.at(-1)?.args).toEqual({
      draft: { name: "cloud", timeoutSecs: 45 },
      replace: true,
      keyFile: null,
      caFile: { kind: "keep" },
    });
    expect(onsaved.mock.calls[0][0].profile.timeoutSecs).toBe(45);
  });

  it("a new CA file needs the key file again: the field is named and the rule said", async () => {
    const { default: ProfileDialog } = await import("../src/components/ProfileDialog.svelte");
    const user = userEvent.setup();
    const { exchanges } = installMock();
    const { api } = await import("../src/lib/tauri");
    const key = await api.chooseKeyFile();
    const saved = await api.saveSecurIdProfile({ name: "cloud" }, false, key!.handle);
    const onsaved = vi.fn();
    render(ProfileDialog, { editing: saved, onsaved, onclose: () => {} });
    await user.click(screen.getByRole("button", { name: "Choose the CA certificate file" }));
    await waitFor(() =>
      expect(screen.getByLabelText("CA certificate file (optional)")).toHaveValue("private-ca.pem"),
    );
    expect(screen.getByRole("note")).toHaveTextContent(
      "CA certificate file changed: the API key file must be given again",
    );
    const saves = () => exchanges.filter((x) => x.cmd === "save_securid_profile").length;
    const before = saves();
    await user.click(screen.getByRole("button", { name: "Save changes" }));
    expect(
      screen.getByText(
        "API key file: must be given again: the CA certificate file changed, and a stored secret signs only for the server and admin it was given for",
      ),
    ).toBeInTheDocument();
    expect(saves()).toBe(before);
    await user.click(screen.getByRole("button", { name: "Browse for the key file" }));
    await waitFor(() =>
      expect(screen.getByLabelText("Key file")).toHaveValue("securid-api-key.json"),
    );
    await user.click(screen.getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(onsaved).toHaveBeenCalled());
    expect(exchanges.at(-1)?.args).toMatchObject({
      replace: true,
      keyFile: expect.stringMatching(/^file-/),
      caFile: { kind: "chosen", handle: expect.stringMatching(/^file-/) },
    });
    expect(onsaved.mock.calls[0][0].profile.caFile).toBe("/home/helpdesk/certs/private-ca.pem");
  });
});
