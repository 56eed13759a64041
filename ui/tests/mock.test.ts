// The fake backend used by the e2e run must behave like the contract says, or the e2e tests
// prove nothing.
import { describe, expect, it } from "vitest";
import catalogJson from "../src/bindings/catalog.json";
import { CATALOGS, MockBackend, describe as describeCode, fakeCode } from "../src/mock/backend";
import type {
  AuditEntry,
  ErrorInfo,
  Outcome,
  PracticeCodes,
  PracticeUser,
  ProfileSummary,
} from "../src/lib/types";

const draft = (name: string, url = "https://mfa.example.com") => ({
  name,
  url,
  admin: "helpdesk",
  basePath: null,
  caFile: null,
  timeoutSecs: null,
});

async function rejects(p: Promise<unknown>): Promise<ErrorInfo> {
  try {
    await p;
  } catch (e) {
    return e as ErrorInfo;
  }
  throw new Error("did not reject");
}

function practice(now = () => 1_800_000_000_000) {
  const b = new MockBackend({ now });
  return { b, ready: b.handle("practice_start") };
}

describe("mock backend", () => {
  it("stores profiles and never returns secrets", async () => {
    const b = new MockBackend();
    const saved = (await b.handle("save_profile", {
      draft: draft(" prod "),
      secrets: { authToken: "CANARY1", secretCode: "CANARY2" },
      replace: false,
    })) as ProfileSummary;
    expect(saved).toMatchObject({ name: "prod", credentialsStored: true, practice: false });
    expect(saved.profile.basePath).toBe("/CentagateWS/webresources");
    const all = JSON.stringify(await b.handle("list_profiles"));
    expect(all).not.toContain("CANARY");
    expect(
      (
        await rejects(
          b.handle("save_profile", { draft: draft("prod"), secrets: null, replace: false }),
        )
      ).title,
    ).toBe("A profile named 'prod' already exists");
    expect(
      await rejects(
        b.handle("save_profile", { draft: draft("bad name"), secrets: null, replace: false }),
      ),
    ).toMatchObject({
      kind: "input",
      title: "Profile name is not valid",
    });
  });

  it("locks a token after five failed logins and unlocks it", async () => {
    const { b, ready } = practice();
    await ready;
    for (let i = 1; i <= 5; i++) await b.handle("practice_fail_login", { username: "bob" });
    const users = (await b.handle("practice_users")) as PracticeUser[];
    expect(users.find((u) => u.username === "bob")?.token).toMatchObject({
      status: "locked",
      failCount: 5,
    });
    const out = (await b.handle("unlock_token", {
      profile: "Practice",
      request: { username: "bob" },
    })) as Outcome<unknown>;
    expect(out.summary).toBe("Unlocked the OTP token of bob; it is active again.");
    const again = await rejects(
      b.handle("unlock_token", { profile: "Practice", request: { username: "bob" } }),
    );
    expect(again).toMatchObject({
      kind: "server",
      code: 29017,
      title: "The token is not locked or suspended",
    });
  });

  it("resyncs a drifted token with the codes the practice panel shows", async () => {
    const { b, ready } = practice();
    await ready;
    await b.handle("practice_drift", { serial: "HW-2001", steps: 30 });
    const c = (await b.handle("practice_codes", { serial: "HW-2001" })) as PracticeCodes;
    const wrong = await rejects(
      b.handle("sync_token", {
        profile: "Practice",
        request: { username: "bob", otp1: c.next[0], otp2: c.current },
      }),
    );
    expect(wrong.code).toBe(54002);
    const ok = (await b.handle("sync_token", {
      profile: "Practice",
      request: { username: "bob", otp1: c.current, otp2: c.next[0] },
    })) as Outcome<unknown>;
    expect(ok.summary).toContain("Resynchronised the OTP token of bob");
    const after = (await b.handle("practice_codes", { serial: "HW-2001" })) as PracticeCodes;
    expect(after.current).toBe(c.next[1]);
  });

  it("counts TOTP codes down with the clock", async () => {
    let now = 1_800_000_010_000;
    const { b, ready } = practice(() => now);
    await ready;
    const c1 = (await b.handle("practice_codes", { serial: "HW-2004" })) as PracticeCodes;
    expect(c1.secondsRemaining).toBe(20);
    now += 20_000;
    const c2 = (await b.handle("practice_codes", { serial: "HW-2004" })) as PracticeCodes;
    expect(c2.current).toBe(c1.next[0]);
    expect(c2.secondsRemaining).toBe(30);
  });

  it("answers with the catalog's words, transport failures by host, config problems", async () => {
    const b = new MockBackend({
      profiles: [
        { draft: draft("ok"), secrets: { authToken: "t", secretCode: "s" } },
        {
          draft: draft("down", "https://down.example.com"),
          secrets: { authToken: "t", secretCode: "s" },
        },
        { draft: draft("nosecrets"), secrets: null },
      ],
    });
    const req = (profile: string, username = "nobody") => ({ profile, request: { username } });
    expect(await rejects(b.handle("list_methods", req("ok")))).toMatchObject({
      kind: "server",
      code: 22002,
      title: "No such user",
    });
    expect(await rejects(b.handle("list_methods", req("down")))).toMatchObject({
      kind: "transport",
      title: "The server could not be reached",
    });
    expect(await rejects(b.handle("list_methods", req("nosecrets")))).toMatchObject({
      kind: "config",
    });
    expect(await rejects(b.handle("list_methods", req("ok", " ")))).toMatchObject({
      kind: "input",
      title: "Username is not valid",
    });
    expect(await rejects(b.handle("practice_users"))).toMatchObject({
      kind: "config",
      title: "Practice mode is not running",
    });
    // Recorded as core records: every action that got past its input, not the refused one.
    const log = (await b.handle("audit_entries", { filter: {} })) as AuditEntry[];
    expect(log.map((e) => [e.operation, e.profile, e.outcome, e.error?.kind])).toEqual([
      ["listMethods", "ok", "failed", "server"],
      ["listMethods", "down", "failed", "transport"],
      ["listMethods", "nosecrets", "failed", "config"],
    ]);
  });

  it("keeps an audit log as core does: filters, ticket text, export, outcomes", async () => {
    let now = Date.parse("2026-11-29T09:00:00.000Z");
    const b = new MockBackend({ now: () => now });
    await b.handle("practice_start");
    const on = (request: unknown) => ({ profile: "Practice", request });
    await b.handle("unlock_token", on({ username: "carol" }));
    now += 60_000;
    await b.handle(
      "register_token",
      on({ username: "grace", token: { kind: "otp", serial: " HW-1003 " } }),
    );
    await rejects(b.handle("sync_token", on({ username: "bob", otp1: "000000", otp2: "000001" })));
    await rejects(b.handle("sync_token", on({ username: "bob", otp1: "1", otp2: "2" })));
    await b.handle("test_profile", { name: "Practice" });
    const [unknown] = b.seedAudit([{ target: "dave", outcome: "unknown" }]);

    const read = async (filter: Record<string, unknown>) =>
      ((await b.handle("audit_entries", { filter })) as AuditEntry[]).map(
        (e) => `${e.operation} ${e.target} ${e.outcome}`,
      );
    expect(await read({})).toEqual([
      "unlock carol ok",
      "register grace ok",
      "sync bob failed",
      "testProfile Practice ok",
      "unlock dave unknown",
    ]);
    expect(await read({ user: " CAROL " })).toEqual(["unlock carol ok"]);
    expect(await read({ outcome: "failed" })).toEqual(["sync bob failed"]);
    expect(await read({ operation: "register" })).toEqual(["register grace ok"]);
    expect(await read({ since: "2026-11-29T09:00:30Z" })).toHaveLength(4);
    expect(await read({ until: "2026-11-28" })).toEqual([]);
    expect(await read({ since: "2026-11-29", until: "2026-11-29", limit: 2 })).toEqual([
      "testProfile Practice ok",
      "unlock dave unknown",
    ]);
    expect(
      await rejects(b.handle("audit_entries", { filter: { since: "yesterday" } })),
    ).toMatchObject({
      kind: "input",
      title: "Since is not valid",
    });

    const all = (await b.handle("audit_entries", { filter: {} })) as AuditEntry[];
    expect(all[1]).toMatchObject({
      surface: "app",
      server: "http://127.0.0.1:8790",
      admin: "practice-admin",
      details: { kind: "otp", serial: "HW-1003" },
      summary: "Registered hardware token HW-1003 to grace; it is active.",
      error: null,
    });
    expect(all[2].error).toEqual({
      kind: "server",
      code: 54002,
      title: "The two codes did not match the token",
      serverMessage: "Sync OTP failed",
    });

    const ticket = (await b.handle("audit_ticket", { id: all[2].id })) as string;
    expect(ticket.split("\n").slice(0, 1)).toEqual([`TokenDesk audit entry #${all[2].id}`]);
    expect(ticket).toContain("Error:     The two codes did not match the token (code 54002)");
    expect(await b.handle("audit_ticket", { id: unknown.id })).toContain("may or may not");
    expect(await rejects(b.handle("audit_ticket", { id: 999 }))).toMatchObject({
      kind: "config",
      title: "No audit entry #999",
    });

    expect(await b.handle("audit_export", { filter: { user: "bob" } })).toBe(b.exportPick);
    expect(b.exports.map((x) => x.entries.map((e) => e.target))).toEqual([["bob"]]);
    b.exportPick = null;
    expect(await b.handle("audit_export", { filter: {} })).toBeNull();
    expect(b.exports).toHaveLength(1);
  });

  it("words server errors from core's exported catalog, per operation", async () => {
    // The fake reads the very document the shell exports (not a copy of it).
    expect(CATALOGS).toBe(catalogJson);
    const entry = CATALOGS.centagate.find((e) => e.code === 29017)!;
    const unlock = entry.perOperation.find((m) => m.operation === "unlock")!;
    expect(describeCode("centagate", 29017, "unlock")).toEqual({
      title: unlock.title,
      hint: unlock.hint,
      vendorText: entry.vendorText,
    });
    // No meaning of its own for an operation: the general words.
    expect(describeCode("centagate", 29017, "sync").title).toBe(entry.title);
    expect(() => describeCode("centagate", 1, "sync")).toThrow(/not catalogued/);

    // Through the fake: carol already has a token, so an OTP register is refused with the
    // catalog's register meaning of 29008, and SecurID's 404 has the lookup's own words.
    const b = new MockBackend();
    await b.handle("practice_start");
    const e = await rejects(
      b.handle("register_token", {
        profile: "Practice",
        request: { username: "carol", token: { kind: "otp", serial: "HW-1001" } },
      }),
    );
    const d = describeCode("centagate", 29008, "register");
    expect(e).toEqual({
      kind: "server",
      code: 29008,
      title: d.title,
      hint: d.hint,
      serverMessage: d.vendorText,
    });
    const missing = await rejects(
      b.handle("securid_lookup", {
        profile: "Practice-SecurID",
        request: { by: "email", value: "nobody@example.com" },
      }),
    );
    const s404 = CATALOGS.securid.find((x) => x.code === 404)!;
    const lookup = s404.perOperation.find((m) => m.operation === "lookupUser")!;
    expect(missing).toMatchObject({
      code: 404,
      title: lookup.title,
      hint: lookup.hint,
      serverMessage: s404.vendorText,
    });
  });

  it("has stable fake codes", () => {
    expect(fakeCode("HW-1", 5, 6)).toBe(fakeCode("HW-1", 5, 6));
    expect(fakeCode("HW-1", 5, 6)).toMatch(/^\d{6}$/);
    expect(fakeCode("HW-1", 5, 8)).toMatch(/^\d{8}$/);
  });
});
