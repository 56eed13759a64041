// No secret crosses IPC, in the real app: a practice server (tokendesk-sim, run here) whose only
// administrator has canary credentials; a profile added with them through the dialog; every
// screen and operation run on it, successes and failures. Everything the webview received over
// IPC is recorded (ui/src/lib/tauri.ts hands each answer to window.__tokendeskIpcLog when a test
// sets it), and with the final page, its storage and the clipboard it is searched for the
// canaries and the cenToken derived from them.
import { describe, before, after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { startApp, helpers, REPO } from "./harness.mjs";

const ADMIN = "canary-admin";
const AUTH = "CANARY-AUTH-e2e-4b1c";
const SECRET = "CANARY-SECRET-e2e-9d07";
const PROFILE = "canary";
const SIM =
  process.env.TOKENDESK_SIM_BINARY || join(REPO, "target", "debug", "tokendesk-sim");
const RESULT = "//*[@aria-label='Result of the last action']";
const SIDEBAR = "//aside[@aria-label='Profiles and practice']";
const DIALOG = "//dialog[@open]";

/** Every form of a secret that must not appear, lower-cased, with what it is. */
function needles() {
  // cenToken = HMAC-SHA256(key = secret code, admin username + auth token), hex.
  const cen = createHmac("sha256", SECRET).update(ADMIN + AUTH).digest("hex");
  const forms = [
    ["the auth token", AUTH],
    ["the secret code", SECRET],
    ["part of the auth token", "CANARY-AUTH"],
    ["part of the secret code", "CANARY-SECRET"],
    ["the cenToken", cen.slice(0, 16)],
    ["the auth token in base64", Buffer.from(AUTH).toString("base64").slice(0, 16)],
    ["the secret code in base64", Buffer.from(SECRET).toString("base64").slice(0, 16)],
  ];
  return forms.map(([what, text]) => [what, text.toLowerCase()]);
}

/** A practice server with the demo users whose one administrator has the canary secrets. */
async function startSim() {
  const dir = mkdtempSync(join(tmpdir(), "tokendesk-canary-sim-"));
  const demo = readFileSync(join(REPO, "crates", "sim", "fixtures", "demo.toml"), "utf8");
  // Drop the demo's administrators (each an [[admins]] table up to the next blank line).
  const users = demo.replace(/^\[\[admins\]\]\n(?:[^\n]+\n)*/gm, "");
  const fixture = join(dir, "fixture.toml");
  writeFileSync(
    fixture,
    `[[admins]]\nusername = "${ADMIN}"\nauth_token = "${AUTH}"\nsecret_code = "${SECRET}"\n\n${users}`,
  );
  const child = spawn(SIM, ["--fixture", fixture, "--memory", "--port", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stderr = [];
  child.stderr.on("data", (b) => stderr.push(b.toString()));
  const line = await new Promise((ok, fail) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", ok);
    child.once("exit", (code) => fail(new Error(`tokendesk-sim exited ${code}: ${stderr.join("")}`)));
  });
  const started = JSON.parse(line);
  assert.equal(started.admin.username, ADMIN, "the sim runs with the canary administrator");
  return {
    origin: started.origin,
    stop: () => {
      child.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe("no secret crosses IPC (real app, canary credentials)", { concurrency: false }, () => {
  /** @type {Awaited<ReturnType<typeof startApp>>} */
  let app;
  /** @type {WebdriverIO.Browser} */
  let browser;
  /** @type {ReturnType<typeof helpers>} */
  let h;
  /** @type {Awaited<ReturnType<typeof startSim>>} */
  let sim;

  before(async () => {
    sim = await startSim();
    app = await startApp();
    browser = app.browser;
    h = helpers(browser);
    await h.el("//h1[normalize-space()='TokenDesk']");
    // From here on the UI's command wrapper hands every answer to this log.
    await browser.execute(() => {
      /** @type {any} */ (window).__tokendeskIpcLog = [];
    });
  });

  after(async () => {
    await app?.stop();
    sim?.stop();
  });

  async function find(username) {
    await h.tab("Find a user");
    await h.type("Username", username);
    await h.click("Find user");
  }

  test("every screen and operation on a profile with canary secrets", async () => {
    // Add the profile through the dialog; the secrets go in once.
    await h.click("Add profile", SIDEBAR);
    await h.type("Profile name", PROFILE, DIALOG);
    await h.type("Server URL", sim.origin, DIALOG);
    await h.type("Admin username", ADMIN, DIALOG);
    await h.type("Auth token", AUTH, DIALOG);
    await h.type("Secret code", SECRET, DIALOG);
    await (await h.el(`${DIALOG}//button[@type='submit']`)).click();
    await (await browser.$(DIALOG)).waitForExist({ reverse: true, timeout: 15_000 });
    await h.click(`Test connection of ${PROFILE}`);
    await h.waitText(`//*[@aria-label='Connection test of ${PROFILE}']`, "accepted the credentials");

    // Every operation, successes and failures.
    await find("oscar");
    await h.waitText("//main", "oscar has");
    await find("carol");
    await h.waitText("//*[@id='unlock-heading']", "is locked");
    await h.click("Unlock token");
    await h.waitText(RESULT, "Unlocked the OTP token of carol");
    await find("grace");
    await h.type("Phone number", "+60 12-888 0001");
    await h.click("Register SMS number");
    await h.waitText(RESULT, "Registered SMS number +60128880001 to grace");
    await find("bob");
    await h.type("First code", "000000");
    await h.type("Second code", "111111");
    await h.click("Resync token");
    await h.waitText(RESULT, "The server refused");
    await h.click("Copy details", RESULT);
    await find("nosuchuser");
    await h.waitText("//*[@data-testid='not-found']", "nosuchuser");

    // The edit dialog shows the credentials as set, never their values; saved unchanged.
    await h.click(`Edit ${PROFILE}`);
    await h.waitText(DIALOG, "Replace credentials");
    await (await h.el(`${DIALOG}//button[@type='submit']`)).click();
    await (await browser.$(DIALOG)).waitForExist({ reverse: true, timeout: 15_000 });

    // The other screens.
    await h.tab("Activity");
    await h.waitText("//main", ["Unlock", "carol", "Register", "grace"]);
    // One entry as ticket text (what a help desk pastes elsewhere).
    await (
      await h.el("//ol[@aria-label='Recorded actions, newest first']/li[1]//button[starts-with(@aria-label,'Copy for ticket')]")
    ).click();
    await browser.waitUntil(
      async () =>
        browser.execute(() =>
          /** @type {any} */ (window).__tokendeskIpcLog.some((e) => e.command === "audit_ticket"),
        ),
      { timeout: 15_000, timeoutMsg: "Copy for ticket asked nothing" },
    );
    await h.tab("Practice");
    await h.waitText("//main", "Practice");

    // What the webview holds now: every IPC answer, the page, storage, the clipboard.
    const seen = await browser.execute(async () => {
      const w = /** @type {any} */ (window);
      const inputs = Array.from(document.querySelectorAll("input, textarea"), (i) =>
        /** @type {HTMLInputElement} */ (i).value,
      );
      let clipboard = "";
      try {
        clipboard = await navigator.clipboard.readText();
      } catch {
        clipboard = "";
      }
      return {
        ipc: JSON.stringify(w.__tokendeskIpcLog),
        count: w.__tokendeskIpcLog.length,
        commands: [...new Set(w.__tokendeskIpcLog.map((e) => e.command))],
        page: document.documentElement.outerHTML,
        inputs: JSON.stringify(inputs),
        storage: JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
        clipboard,
      };
    });
    // The recording worked: it holds the answers of the operations above.
    for (const c of ["save_profile", "test_profile", "list_methods", "unlock_token", "register_token", "sync_token", "audit_entries", "audit_ticket"]) {
      assert.ok(seen.commands.includes(c), `${c} was recorded: ${seen.commands.join(", ")}`);
    }
    assert.ok(seen.count >= 12, `recorded ${seen.count} answers`);
    assert.ok(seen.ipc.includes("carol") && seen.ipc.includes("54002"), "answers and errors kept");
    for (const [where, text] of Object.entries(seen)) {
      if (typeof text !== "string") continue;
      const lower = text.toLowerCase();
      for (const [what, needle] of needles()) {
        assert.ok(!lower.includes(needle), `${what} is in what the webview holds (${where})`);
      }
    }
    // The search can fail: the recorded text with a canary in it would be caught.
    const planted = `${seen.ipc}${AUTH}`.toLowerCase();
    assert.ok(needles().some(([, n]) => planted.includes(n)));
  });
});
