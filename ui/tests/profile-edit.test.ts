import { describe, expect, it, vi } from "vitest";
import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { installMock, type Exchange } from "../src/mock/install";
import {
  caFileAfter,
  caFileChoice,
  caFileName,
  inSentence,
  secretAgainFor,
  secretAgainRule,
  type Bound,
} from "../src/lib/profileEdit";
import type { ProfileDraft } from "../src/lib/types";

const saved: Bound = {
  url: "https://mfa.example.com",
  admin: "helpdesk",
  basePath: "/CentagateWS/webresources",
  caFile: "/etc/tokendesk/ca.pem",
};

describe("which edits need the secret again (core's Profile::needs_secret_again)", () => {
  it("names the first of URL, admin, base path and CA file that changed", () => {
    expect(secretAgainFor(saved, { ...saved })).toBeNull();
    expect(secretAgainFor(saved, { ...saved, url: "https://mfa.examp1e.com" })).toBe("url");
    expect(secretAgainFor(saved, { ...saved, admin: "other" })).toBe("adminUsername");
    expect(secretAgainFor(saved, { ...saved, basePath: "/v2" })).toBe("basePath");
    expect(secretAgainFor(saved, { ...saved, caFile: null })).toBe("caFile");
    expect(secretAgainFor(saved, { ...saved, url: "https://x", admin: "y" })).toBe("url");
    // A profile without a CA file, kept without one.
    expect(secretAgainFor({ ...saved, caFile: undefined }, { ...saved, caFile: null })).toBeNull();
  });

  it("a kept CA file is the saved one; a removed or chosen one is a change", () => {
    expect(caFileAfter(saved.caFile!, { kind: "keep" })).toBe(saved.caFile);
    expect(caFileAfter(saved.caFile!, { kind: "remove" })).toBeNull();
    expect(caFileAfter(null, { kind: "chosen", handle: "file-1" })).not.toBeNull();
    expect(caFileAfter(null, { kind: "keep" })).toBeNull();
    expect(caFileName(saved.caFile!, { kind: "keep" })).toBe("ca.pem");
    expect(caFileName(saved.caFile!, { kind: "remove" })).toBeNull();
    expect(caFileName(null, { kind: "chosen", handle: "file-1", name: "private-ca.pem" })).toBe(
      "private-ca.pem",
    );
    // What is sent: the handle, never the name.
    expect(caFileChoice({ kind: "chosen", handle: "file-1", name: "private-ca.pem" })).toEqual({
      kind: "chosen",
      handle: "file-1",
    });
  });

  it("says the rule in core's words", () => {
    expect(inSentence("url")).toBe("server URL");
    expect(inSentence("caFile")).toBe("CA certificate file");
    expect(inSentence("adminUsername")).toBe("admin username");
    expect(secretAgainRule("url")).toBe(
      "must be given again: the server URL changed, and a stored secret signs only for the server and admin it was given for",
    );
  });
});

const draft: ProfileDraft = {
  name: "prod",
  url: "https://mfa.example.com",
  admin: "helpdesk",
  basePath: null,
  caFile: null,
  timeoutSecs: null,
};

async function editing() {
  const { default: ProfileDialog } = await import("../src/components/ProfileDialog.svelte");
  const mock = installMock({ profiles: [{ draft, secrets: { authToken: "t", secretCode: "s" } }] });
  const { api } = await import("../src/lib/tauri");
  const summary = (await api.listProfiles()).find((p) => p.name === "prod")!;
  const onsaved = vi.fn();
  render(ProfileDialog, { editing: summary, onsaved, onclose: () => {} });
  return { ...mock, onsaved };
}

const saves = (x: Exchange[]) => x.filter((e) => e.cmd === "save_profile");

describe("ProfileDialog editing a CENTAGATE profile", () => {
  it("a new URL needs the credentials again: named, the rule said, saved as one unit", async () => {
    const user = userEvent.setup();
    const { exchanges, onsaved } = await editing();
    expect(screen.getByText(/Auth token and secret code:/)).toHaveTextContent("set");
    expect(screen.queryByLabelText("Auth token")).toBeNull();
    expect(screen.queryByRole("note")).toBeNull();

    await user.clear(screen.getByLabelText("Server URL"));
    await user.type(screen.getByLabelText("Server URL"), "https://mfa2.example.com");
    expect(screen.getByRole("note")).toHaveTextContent(
      "Server URL changed: the auth token and secret code must be given again",
    );
    await user.click(screen.getByRole("button", { name: "Save changes" }));
    const rule =
      "must be given again: the server URL changed, and a stored secret signs only for the server and admin it was given for";
    expect(screen.getByText(`Auth token: ${rule}`)).toBeInTheDocument();
    expect(screen.getByText(`Secret code: ${rule}`)).toBeInTheDocument();
    expect(screen.getByLabelText("Auth token")).toHaveFocus();
    expect(saves(exchanges)).toHaveLength(0);

    await user.type(screen.getByLabelText("Auth token"), "tok2");
    await user.type(screen.getByLabelText("Secret code"), "sec2");
    await user.click(screen.getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(onsaved).toHaveBeenCalled());
    expect(saves(exchanges).at(-1)?.args).toMatchObject({
      draft: { name: "prod", url: "https://mfa2.example.com" },
      secrets: { authToken: "tok2", secretCode: "sec2" },
      replace: true,
      caFile: { kind: "keep" },
    });
  });

  it("a change undone, or a timeout alone, keeps the stored secret", async () => {
    const user = userEvent.setup();
    const { exchanges, onsaved } = await editing();
    await user.type(screen.getByLabelText("Admin username"), "2");
    expect(screen.getByRole("note")).toHaveTextContent("Admin username changed");
    await user.type(screen.getByLabelText("Admin username"), "{Backspace}");
    expect(screen.queryByRole("note")).toBeNull();
    await user.type(screen.getByLabelText("Timeout in seconds (optional)"), "20");
    await user.click(screen.getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(onsaved).toHaveBeenCalled());
    expect(saves(exchanges).at(-1)?.args).toMatchObject({ secrets: null, replace: true });
  });

  it("a CA file chosen in the dialog is a change too; the window sends only its handle", async () => {
    const user = userEvent.setup();
    const { backend, exchanges, onsaved } = await editing();
    // Not a PEM file: the shell says only that.
    backend.caFilePick = "/home/helpdesk/notes.txt";
    await user.click(screen.getByRole("button", { name: "Choose the CA certificate file" }));
    expect(await screen.findByText(/CA certificate file: not a readable PEM file\./)).toBeVisible();
    expect(screen.queryByRole("note")).toBeNull();
    backend.caFilePick = "/home/helpdesk/certs/private-ca.pem";
    await user.click(screen.getByRole("button", { name: "Choose the CA certificate file" }));
    await waitFor(() =>
      expect(screen.getByLabelText("CA certificate file (optional)")).toHaveValue("private-ca.pem"),
    );
    expect(screen.getByRole("note")).toHaveTextContent("CA certificate file changed");
    await user.click(screen.getByRole("button", { name: "Save changes" }));
    expect(saves(exchanges)).toHaveLength(0);
    await user.type(screen.getByLabelText("Auth token"), "tok2");
    await user.type(screen.getByLabelText("Secret code"), "sec2");
    await user.click(screen.getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(onsaved).toHaveBeenCalled());
    const args = saves(exchanges).at(-1)?.args as Record<string, unknown>;
    expect(args.caFile).toEqual({ kind: "chosen", handle: "file-1" });
    expect((args.draft as ProfileDraft).caFile).toBeNull();
    expect(JSON.stringify(exchanges.map((x) => x.args))).not.toContain("/home/");
    expect(onsaved.mock.calls[0][0].profile.caFile).toBe("/home/helpdesk/certs/private-ca.pem");
  });

  it("the backend refuses such an edit without credentials even when the form is bypassed", async () => {
    installMock({ profiles: [{ draft, secrets: { authToken: "t", secretCode: "s" } }] });
    const { api } = await import("../src/lib/tauri");
    await expect(
      api.saveProfile({ ...draft, url: "https://mfa2.example.com" }, null, true),
    ).rejects.toMatchObject({
      kind: "input",
      title: "Auth token is not valid",
      hint: expect.stringContaining("the server URL changed"),
    });
    await expect(
      api.saveProfile({ ...draft, caFile: "/etc/passwd" }, null, true),
    ).rejects.toMatchObject({ title: "CA certificate file is not valid" });
  });
});
