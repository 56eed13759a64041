import { describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import App from "../src/App.svelte";
import SignInDialog from "../src/components/SignInDialog.svelte";
import { installMock } from "../src/mock/install";
import { MOCK_ADMIN_PASSWORD, MOCK_SESSION_SECS } from "../src/mock/backend";
import { app } from "../src/lib/state.svelte";
import type { PracticeSignIn, ProfileSummary } from "../src/lib/types";

const PROFILE = "Practice-SignIn";

function fresh(opts: Parameters<typeof installMock>[0] = {}) {
  const mock = installMock(opts);
  app.profiles = [];
  app.selected = null;
  app.sessions = {};
  app.signInRequest = null;
  localStorage.clear();
  return mock;
}

async function startPractice(user: ReturnType<typeof userEvent.setup>) {
  render(App);
  await user.click(await screen.findByRole("button", { name: "Start practice" }));
  await screen.findByRole("table", { name: "Practice users" });
}

describe("CENTAGATE sign-in in the app", () => {
  it("an action before signing in opens the sign-in, and continues after the password and OTP code", async () => {
    const user = userEvent.setup();
    const { backend, exchanges } = fresh();
    await startPractice(user);
    // The practice panel shows what the practice admin signs in with.
    const panel = await screen.findByRole("region", { name: `Sign in to ${PROFILE}` });
    expect(within(panel).getByText(MOCK_ADMIN_PASSWORD)).toBeInTheDocument();
    expect(within(panel).getByTestId("practice-admin-otp")).toHaveTextContent(backend.adminOtp());

    const session = screen.getByLabelText(`Session of ${PROFILE}`);
    expect(session).toHaveTextContent("Not signed in");
    await user.click(screen.getByRole("radio", { name: new RegExp(PROFILE) }));
    await user.click(screen.getByRole("button", { name: "Find a user" }));
    await user.type(await screen.findByLabelText("Username"), "carol{Enter}");

    const dialog = await screen.findByRole("dialog", { name: `Sign in to ${PROFILE}` });
    expect(dialog).toHaveTextContent(`Not signed in to profile '${PROFILE}'`);
    await user.type(within(dialog).getByLabelText("Password"), "wrong{Enter}");
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("23001");
    const pw = within(dialog).getByLabelText("Password");
    await user.clear(pw);
    await user.type(pw, `${MOCK_ADMIN_PASSWORD}{Enter}`);
    const otp = await within(dialog).findByLabelText("OTP code");
    expect(within(dialog).getByRole("radio", { name: "A code from my OTP token" })).toBeChecked();
    expect(within(dialog).queryByRole("button", { name: "Send SMS code" })).toBeNull();
    // Practice mode: the dialog shows the practice panel's code, which it covers.
    expect(await within(dialog).findByTestId("practice-otp")).toHaveTextContent(backend.adminOtp());
    await user.type(otp, "12");
    await user.click(within(dialog).getByRole("button", { name: "Verify code" }));
    expect(within(dialog).getByText("Sign-in code: must be 4 to 10 digits")).toBeInTheDocument();
    await user.clear(otp);
    await user.type(otp, `${backend.adminOtp()}{Enter}`);

    // The find continued: carol's methods, and the profile says until when.
    await screen.findByRole("table", { name: "Methods bound to carol" });
    expect(screen.queryByRole("dialog")).toBeNull();
    await waitFor(() =>
      expect(screen.getByLabelText(`Session of ${PROFILE}`)).toHaveTextContent(
        /Signed in as practice-admin until \d{1,2}:\d{2}/,
      ),
    );
    expect(screen.getByLabelText(`Session of ${PROFILE}`)).toHaveTextContent(/\d+:\d{2} left/);
    const cmds = exchanges.map((x) => x.cmd);
    expect(cmds.filter((c) => c === "list_methods")).toHaveLength(1);
    expect(cmds).toContain("sign_in_code");
    // Neither the password nor the code came back in any answer.
    for (const x of exchanges.filter((x) => x.cmd.startsWith("sign_in"))) {
      expect(JSON.stringify(x.answer)).not.toContain(MOCK_ADMIN_PASSWORD);
      expect(JSON.stringify(x.answer)).not.toMatch(/"\d{6}"/);
    }

    // Sign out: not signed in again, the Sign in button back.
    await user.click(screen.getByRole("button", { name: `Sign out of ${PROFILE}` }));
    await waitFor(() =>
      expect(screen.getByLabelText(`Session of ${PROFILE}`)).toHaveTextContent("Not signed in"),
    );
    expect(screen.getByRole("button", { name: `Sign in to ${PROFILE}` })).toBeInTheDocument();
  });

  it("a session the server ended (10001) opens the sign-in; closed, the refusal shows in words", async () => {
    const user = userEvent.setup();
    const { backend, exchanges } = fresh();
    await startPractice(user);
    await user.click(screen.getByRole("button", { name: `Sign in to ${PROFILE}` }));
    let dialog = await screen.findByRole("dialog", { name: `Sign in to ${PROFILE}` });
    await user.type(within(dialog).getByLabelText("Password"), `${MOCK_ADMIN_PASSWORD}{Enter}`);
    await user.type(
      await within(dialog).findByLabelText("OTP code"),
      `${backend.adminOtp()}{Enter}`,
    );
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    backend.endSessions();
    await user.click(screen.getByRole("radio", { name: new RegExp(PROFILE) }));
    await user.click(screen.getByRole("button", { name: "Find a user" }));
    await user.type(await screen.findByLabelText("Username"), "carol{Enter}");
    dialog = await screen.findByRole("dialog", { name: `Sign in to ${PROFILE}` });
    expect(dialog).toHaveTextContent(`The server ended the session of profile '${PROFILE}'`);
    // Closed without signing in: the refusal is shown in words.
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect((await screen.findAllByText(/The server ended the session/)).length).toBeGreaterThan(0);
    expect(exchanges.some((x) => x.cmd === "list_methods" && !x.ok)).toBe(true);
  });

  it("warns 5 minutes before the session ends", async () => {
    const user = userEvent.setup();
    // The fake server's clock is behind: the session it grants ends 4 minutes from now.
    const { backend } = fresh({ now: () => Date.now() - (MOCK_SESSION_SECS - 240) * 1000 });
    await startPractice(user);
    await user.click(screen.getByRole("button", { name: `Sign in to ${PROFILE}` }));
    const dialog = await screen.findByRole("dialog", { name: `Sign in to ${PROFILE}` });
    await user.type(within(dialog).getByLabelText("Password"), `${MOCK_ADMIN_PASSWORD}{Enter}`);
    await user.type(
      await within(dialog).findByLabelText("OTP code"),
      `${backend.adminOtp()}{Enter}`,
    );
    const session = screen.getByLabelText(`Session of ${PROFILE}`);
    await waitFor(() => expect(session).toHaveTextContent(/Session ends in [34]:\d{2}/));
    expect(
      within(session).getByText(`The session of ${PROFILE} ends within 5 minutes`, {
        exact: false,
      }),
    ).toBeInTheDocument();
  });
});

describe("SignInDialog", () => {
  it("the SMS code: Send SMS code, the resend cool-down, the code from the practice panel", async () => {
    const user = userEvent.setup();
    const { backend } = fresh();
    await backend.handle("practice_start");
    const profile = (await backend.handle("list_profiles")) as ProfileSummary[];
    const ondone = vi.fn();
    render(SignInDialog, { profile: profile.find((p) => p.name === PROFILE)!, ondone });
    await user.type(screen.getByLabelText("Password"), `${MOCK_ADMIN_PASSWORD}{Enter}`);
    await user.click(await screen.findByRole("radio", { name: "A code sent to my phone by SMS" }));
    await user.click(screen.getByRole("button", { name: "Send SMS code" }));
    expect(
      await screen.findByText(/Sent a sign-in code by SMS to \+60120009001/),
    ).toBeInTheDocument();
    const resend = screen.getByRole("button", { name: /Resend SMS code in 60 s/ });
    expect(resend).toHaveAttribute("aria-disabled", "true");
    await user.click(resend);
    expect(screen.queryByRole("alert")).toBeNull();
    const panel = (await backend.handle("practice_sign_in")) as PracticeSignIn;
    await user.type(screen.getByLabelText("SMS code"), `${panel.smsCode}{Enter}`);
    await waitFor(() => expect(ondone).toHaveBeenCalledWith(true));
  });

  it("cancelling drops the waiting sign-in", async () => {
    const user = userEvent.setup();
    const { backend, exchanges } = fresh();
    await backend.handle("practice_start");
    const profile = (await backend.handle("list_profiles")) as ProfileSummary[];
    const ondone = vi.fn();
    render(SignInDialog, { profile: profile.find((p) => p.name === PROFILE)!, ondone });
    await user.type(screen.getByLabelText("Password"), `${MOCK_ADMIN_PASSWORD}{Enter}`);
    await screen.findByLabelText("OTP code");
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(ondone).toHaveBeenCalledWith(false);
    await waitFor(() => expect(exchanges.map((x) => x.cmd)).toContain("sign_in_cancel"));
  });
});

describe("ProfileDialog for a profile that signs in", () => {
  it("sends the Integration Key in the draft and the app Secret Key beside it, no auth token", async () => {
    const { default: ProfileDialog } = await import("../src/components/ProfileDialog.svelte");
    const user = userEvent.setup();
    const { exchanges } = fresh();
    const onsaved = vi.fn();
    render(ProfileDialog, { editing: null, onsaved, onclose: () => {} });
    await user.type(screen.getByLabelText("Profile name"), "kl-prod");
    await user.type(screen.getByLabelText("Server URL"), "https://mfa.example.com");
    await user.type(screen.getByLabelText("Admin username"), "helpdesk");
    await user.click(screen.getByRole("radio", { name: /^signs in/ }));
    expect(screen.queryByLabelText("Auth token")).toBeNull();
    await user.click(screen.getByRole("button", { name: "Add profile" }));
    expect(screen.getByText("Integration Key: must not be empty")).toBeInTheDocument();
    expect(exchanges).toHaveLength(0);
    await user.type(screen.getByLabelText("Integration Key"), "IK-1");
    await user.type(screen.getByLabelText("App Secret Key"), "app-key");
    await user.click(screen.getByRole("button", { name: "Add profile" }));
    await waitFor(() => expect(onsaved).toHaveBeenCalled());
    expect(exchanges.at(-1)?.args).toMatchObject({
      draft: { name: "kl-prod", integrationKey: "IK-1" },
      secrets: null,
      appSecretKey: "app-key",
      replace: false,
    });
    expect(JSON.stringify(exchanges.at(-1)?.answer)).not.toContain("app-key");
    expect(onsaved.mock.calls[0][0]).toMatchObject({
      credentialsStored: true,
      profile: { integrationKey: "IK-1" },
    });
  });
});
