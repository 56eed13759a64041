import { describe, expect, it } from "vitest";
import { mockIPC } from "@tauri-apps/api/mocks";
import { api, isErrorInfo, toErrorInfo } from "../src/lib/tauri";
import type { ErrorInfo } from "../src/lib/types";

function record() {
  const calls: { cmd: string; args: unknown }[] = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args });
    return null;
  });
  return calls;
}

describe("the command wrapper", () => {
  it("calls each command by its snake_case name with camelCase arguments", async () => {
    const calls = record();
    const draft = {
      name: "p",
      url: "https://x",
      admin: "a",
      basePath: null,
      caFile: null,
      timeoutSecs: null,
    };
    await api.listProfiles();
    await api.saveProfile(draft, { authToken: "t", secretCode: "s" }, false);
    await api.saveProfile(draft, null, true);
    await api.removeProfile("p");
    await api.testProfile("p");
    await api.listMethods("p", { username: "bob" });
    await api.registerToken("p", { username: "bob", token: { kind: "sms", phone: "+601234567" } });
    await api.syncToken("p", { username: "bob", otp1: "123456", otp2: "654321" });
    await api.unlockToken("p", { username: "bob" });
    const filter = {
      since: "2026-11-29T00:00:00.000Z",
      until: null,
      user: "bob",
      profile: null,
      operation: null,
      outcome: "unknown" as const,
      limit: 500,
    };
    await api.auditEntries(filter);
    await api.auditExport(filter);
    await api.auditTicket(7);
    await api.practiceStatus();
    await api.practiceStart();
    await api.practiceStop();
    await api.practiceUsers();
    await api.practiceCodes("HW-1");
    await api.practiceFailLogin("bob");
    await api.practiceDrift("HW-1", 10);
    expect(calls).toEqual([
      { cmd: "list_profiles", args: {} },
      {
        cmd: "save_profile",
        args: {
          draft,
          secrets: { authToken: "t", secretCode: "s" },
          appSecretKey: null,
          replace: false,
          caFile: { kind: "keep" },
        },
      },
      {
        cmd: "save_profile",
        args: { draft, secrets: null, appSecretKey: null, replace: true, caFile: { kind: "keep" } },
      },
      { cmd: "remove_profile", args: { name: "p" } },
      { cmd: "test_profile", args: { name: "p" } },
      { cmd: "list_methods", args: { profile: "p", request: { username: "bob" } } },
      {
        cmd: "register_token",
        args: {
          profile: "p",
          request: { username: "bob", token: { kind: "sms", phone: "+601234567" } },
        },
      },
      {
        cmd: "sync_token",
        args: { profile: "p", request: { username: "bob", otp1: "123456", otp2: "654321" } },
      },
      { cmd: "unlock_token", args: { profile: "p", request: { username: "bob" } } },
      { cmd: "audit_entries", args: { filter } },
      { cmd: "audit_export", args: { filter } },
      { cmd: "audit_ticket", args: { id: 7 } },
      { cmd: "practice_status", args: {} },
      { cmd: "practice_start", args: {} },
      { cmd: "practice_stop", args: {} },
      { cmd: "practice_users", args: {} },
      { cmd: "practice_codes", args: { serial: "HW-1" } },
      { cmd: "practice_fail_login", args: { username: "bob" } },
      { cmd: "practice_drift", args: { serial: "HW-1", steps: 10 } },
    ]);
  });

  it("passes an ErrorInfo rejection through unchanged", async () => {
    const e: ErrorInfo = {
      kind: "server",
      code: 22002,
      title: "No such user",
      hint: "h",
      serverMessage: "User not found",
    };
    mockIPC(() => {
      throw e;
    });
    await expect(api.listMethods("p", { username: "x" })).rejects.toEqual(e);
  });

  it("turns any other rejection into an ErrorInfo with the detail", async () => {
    mockIPC(() => {
      throw "command list_methods not found";
    });
    const err = await api.listMethods("p", { username: "x" }).catch((e: unknown) => e);
    expect(isErrorInfo(err)).toBe(true);
    expect(err).toMatchObject({
      kind: "config",
      code: null,
      serverMessage: "command list_methods not found",
    });
    expect((err as ErrorInfo).hint).toContain("list_methods");
  });

  it("recognises only the exact error shape", () => {
    expect(
      isErrorInfo({ kind: "transport", code: null, title: "t", hint: "h", serverMessage: null }),
    ).toBe(true);
    expect(
      isErrorInfo({ kind: "other", code: null, title: "t", hint: "h", serverMessage: null }),
    ).toBe(false);
    expect(
      isErrorInfo({ kind: "input", code: "1", title: "t", hint: "h", serverMessage: null }),
    ).toBe(false);
    expect(isErrorInfo({ kind: "input", code: null, title: "t", hint: "h" })).toBe(false);
    expect(toErrorInfo(new Error("boom"), "x").serverMessage).toBe("boom");
  });
});
