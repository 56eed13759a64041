import { describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import ResyncForm from "../src/components/ResyncForm.svelte";
import RegisterForm from "../src/components/RegisterForm.svelte";
import ErrorCard from "../src/components/ErrorCard.svelte";
import App from "../src/App.svelte";
import { installMock } from "../src/mock/install";
import { app } from "../src/lib/state.svelte";

describe("ResyncForm", () => {
  it("shows the rules as the person types and sends nothing while invalid", async () => {
    const user = userEvent.setup();
    const onsubmit = vi.fn(async () => true);
    render(ResyncForm, { username: "erin", onsubmit });
    await user.type(screen.getByLabelText("First code"), "12345");
    expect(screen.getByText("First code: must be 6 to 8 digits")).toBeInTheDocument();
    expect(screen.getByLabelText("First code")).toHaveAttribute("aria-invalid", "true");
    await user.type(screen.getByLabelText("First code"), "6");
    // Six digits: focus moved on to the second field.
    expect(screen.getByLabelText("Second code")).toHaveFocus();
    await user.type(screen.getByLabelText("Second code"), "123456");
    expect(
      screen.getByText(
        "Second code: must differ from the first code: ask for the next code the token shows",
      ),
    ).toBeInTheDocument();
    await user.keyboard("{Enter}");
    expect(onsubmit).not.toHaveBeenCalled();
    expect(screen.getByLabelText("Second code")).toHaveFocus();
  });

  it("splits a pasted pair into both fields and submits it", async () => {
    const user = userEvent.setup();
    const onsubmit = vi.fn(async () => true);
    render(ResyncForm, { username: "erin", onsubmit });
    await user.click(screen.getByLabelText("First code"));
    await user.paste("123456 654321");
    expect(screen.getByLabelText("First code")).toHaveValue("123456");
    expect(screen.getByLabelText("Second code")).toHaveValue("654321");
    await user.click(screen.getByRole("button", { name: "Resync token" }));
    expect(onsubmit).toHaveBeenCalledWith("123456", "654321");
    await waitFor(() => expect(screen.getByLabelText("First code")).toHaveValue(""));
  });

  it("advances after eight digits when the token shows eight", async () => {
    const user = userEvent.setup();
    render(ResyncForm, { username: "oscar", onsubmit: async () => true });
    await user.click(screen.getByLabelText("8 digits"));
    await user.type(screen.getByLabelText("First code"), "123456");
    expect(screen.getByLabelText("First code")).toHaveFocus();
    await user.type(screen.getByLabelText("First code"), "78");
    expect(screen.getByLabelText("Second code")).toHaveFocus();
  });
});

describe("RegisterForm", () => {
  it("shows the normalised number that will be sent, and sends it", async () => {
    const user = userEvent.setup();
    const onsubmit = vi.fn(async () => true);
    render(RegisterForm, { username: "grace", onsubmit });
    await user.type(screen.getByLabelText("Phone number"), "+60 12-9");
    expect(
      screen.getByText(
        "Phone number: must be 7 to 15 digits, optionally starting with +; spaces, dashes and brackets are allowed",
      ),
    ).toBeInTheDocument();
    await user.type(screen.getByLabelText("Phone number"), "99 1234");
    expect(screen.getByText("Will be sent as +60129991234")).toBeInTheDocument();
    await user.keyboard("{Enter}");
    expect(onsubmit).toHaveBeenCalledWith({ kind: "sms", phone: "+60129991234" });
  });

  it("checks a hardware serial", async () => {
    const user = userEvent.setup();
    const onsubmit = vi.fn(async () => false);
    render(RegisterForm, { username: "grace", onsubmit });
    await user.click(screen.getByLabelText("Hardware token"));
    await user.type(screen.getByLabelText("Token serial"), "HW/1");
    expect(
      screen.getByText("Token serial: must be 1 to 64 letters, digits, - or _"),
    ).toBeInTheDocument();
    await user.clear(screen.getByLabelText("Token serial"));
    await user.type(screen.getByLabelText("Token serial"), " HW-1001 {Enter}");
    expect(onsubmit).toHaveBeenCalledWith({ kind: "otp", serial: "HW-1001" });
    // A failed registration keeps what was typed.
    expect(screen.getByLabelText("Token serial")).toHaveValue(" HW-1001 ");
  });
});

describe("ErrorCard", () => {
  it("shows title, hint, code and server message, and copies the details", async () => {
    const user = userEvent.setup();
    render(ErrorCard, {
      error: {
        kind: "transport",
        code: 502,
        title: "The server answered with an HTTP error",
        hint: "Check the URL.",
        serverMessage: "HTTP 502",
      },
      action: "Find user",
      profile: "prod",
      username: "bob",
    });
    expect(screen.getByText("Connection problem")).toBeInTheDocument();
    expect(screen.getByText("The server answered with an HTTP error")).toBeInTheDocument();
    expect(screen.getByText("Check the URL.")).toBeInTheDocument();
    expect(screen.getByText("502")).toBeInTheDocument();
    expect(screen.getByText("HTTP 502")).toBeInTheDocument();
    expect(screen.getByText("Detail")).toBeInTheDocument();
    expect(screen.queryByText("Server message")).toBeNull();
    await user.click(screen.getByRole("button", { name: "Copy details" }));
    const text = await navigator.clipboard.readText();
    expect(text).toContain("Code: 502");
    expect(text).toContain("User: bob");
    expect(screen.getByText("Details copied.")).toBeInTheDocument();
  });

  it("offers the text to select when the clipboard is refused", async () => {
    const user = userEvent.setup();
    vi.spyOn(navigator.clipboard, "writeText").mockRejectedValueOnce(new Error("denied"));
    render(ErrorCard, {
      error: {
        kind: "config",
        code: null,
        title: "No credential store is available",
        hint: "Install one.",
        serverMessage: null,
      },
    });
    expect(screen.queryByText("Code")).toBeNull();
    expect(screen.queryByText("none")).toBeNull();
    await user.click(screen.getByRole("button", { name: "Copy details" }));
    const box = await screen.findByLabelText(/select the details and copy them/);
    expect((box as HTMLTextAreaElement).value).toContain("No credential store is available");
  });
});

describe("the app over the mock backend", () => {
  it("starts practice, finds a locked user, unlocks, and the table refreshes", async () => {
    const user = userEvent.setup();
    const { exchanges } = installMock();
    app.profiles = [];
    app.selected = null;
    render(App);
    await user.click(await screen.findByRole("button", { name: "Start practice" }));
    await screen.findByRole("table", { name: "Practice users" });
    await user.click(screen.getByRole("button", { name: "Find a user" }));
    await user.type(await screen.findByLabelText("Username"), "carol{Enter}");
    const table = await screen.findByRole("table", { name: "Methods bound to carol" });
    expect(within(table).getByText("locked")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole("button", { name: "Unlock token" })).toHaveFocus());
    await user.keyboard("{Enter}");
    await screen.findByText("Unlocked the OTP token of carol; it is active again.", {
      selector: ".success",
      exact: false,
    });
    await waitFor(() =>
      expect(
        within(screen.getByRole("table", { name: "Methods bound to carol" })).getByText("active"),
      ).toBeInTheDocument(),
    );
    expect(exchanges.map((x) => x.cmd)).toContain("unlock_token");
  });

  it("shows the not-found state", async () => {
    const user = userEvent.setup();
    installMock();
    app.profiles = [];
    app.selected = null;
    render(App);
    await user.click(await screen.findByRole("button", { name: "Start practice" }));
    await screen.findByRole("table", { name: "Practice users" });
    await user.click(screen.getByRole("button", { name: "Find a user" }));
    await user.type(await screen.findByLabelText("Username"), "nobody{Enter}");
    expect(await screen.findByText("No user named “nobody”")).toBeInTheDocument();
    expect(screen.getByText("22002")).toBeInTheDocument();
  });
});

describe("ProfileDialog", () => {
  it("adds a profile: rules as typed, secrets sent once, backend errors shown", async () => {
    const { default: ProfileDialog } = await import("../src/components/ProfileDialog.svelte");
    const user = userEvent.setup();
    const { backend, exchanges } = installMock();
    const onsaved = vi.fn();
    render(ProfileDialog, { editing: null, onsaved, onclose: () => {} });
    expect(screen.getByLabelText("Profile name")).toHaveFocus();
    await user.type(screen.getByLabelText("Server URL"), "http://mfa.example.com");
    expect(
      screen.getByText(
        "Server URL: must use https:// — plain http:// is allowed only for this computer (localhost, 127.0.0.1, [::1])",
      ),
    ).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Add profile" }));
    expect(screen.getByLabelText("Profile name")).toHaveFocus();
    expect(exchanges).toHaveLength(0);

    await user.type(screen.getByLabelText("Profile name"), "prod");
    await user.clear(screen.getByLabelText("Server URL"));
    await user.type(screen.getByLabelText("Server URL"), "https://mfa.example.com");
    await user.type(screen.getByLabelText("Admin username"), "helpdesk");
    await user.type(screen.getByLabelText("Auth token"), "tok");
    await user.type(screen.getByLabelText("Secret code"), "sec");
    backend.storeAvailable = false;
    await user.keyboard("{Enter}");
    expect(await screen.findByText("No credential store is available")).toBeInTheDocument();
    backend.storeAvailable = true;
    await user.click(screen.getByRole("button", { name: "Add profile" }));
    await waitFor(() => expect(onsaved).toHaveBeenCalled());
    expect(onsaved.mock.calls[0][0]).toMatchObject({ name: "prod", credentialsStored: true });
    expect(exchanges.at(-1)?.args).toMatchObject({
      draft: {
        name: "prod",
        url: "https://mfa.example.com",
        admin: "helpdesk",
        basePath: null,
        timeoutSecs: null,
      },
      secrets: { authToken: "tok", secretCode: "sec" },
      replace: false,
    });
  });
});
