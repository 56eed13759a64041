// End to end: a profile's CA file chosen in the open dialog the app's Rust side opens (the
// window gets its name, never its path), and an edit that changes it asks for the credentials
// again. WebDriver cannot answer a native dialog, so the app is started for automation on
// purpose with the file the open dialog answers (TOKENDESK_APP_AUTOMATION_OPEN_FILE).
import { describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appSteps } from "./harness.mjs";

const files = mkdtempSync(join(tmpdir(), "tokendesk-e2e-ca-"));
const ca = join(files, "private-ca.pem");
const made = spawnSync(
  "openssl",
  [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    join(files, "ca.key"),
  ].concat(["-out", ca, "-days", "2", "-subj", "/CN=TokenDesk e2e CA"]),
  { encoding: "utf8" },
);
assert.equal(made.status, 0, `openssl: ${made.stderr}`);
process.env.TOKENDESK_APP_AUTOMATION = "1";
process.env.TOKENDESK_APP_AUTOMATION_OPEN_FILE = ca;

const SIDEBAR = "//aside[@aria-label='Profiles and practice']";
const DIALOG = "//dialog[@open]";
const PROFILE = "ca-desk";

describe("a profile's CA file in the app", { concurrency: false }, () => {
  const { s, step } = appSteps("profile-files");
  let origin = "";

  step("a profile is added over the practice server", async () => {
    const { h } = s;
    const originEl = await h.el(
      `${SIDEBAR}//section[.//h2[normalize-space()='Practice mode']]//span[contains(@class,'mono')]`,
    );
    origin = (await originEl.getText()).trim();
    await h.click("Add profile", SIDEBAR);
    await h.type("Profile name", PROFILE, DIALOG);
    await h.type("Server URL", origin, DIALOG);
    await h.type("Admin username", "practice-admin", DIALOG);
    await h.type("Auth token", "practice-auth-token", DIALOG);
    await h.type("Secret code", "practice-secret-code", DIALOG);
    await (await h.el(`${DIALOG}//button[@type='submit']`)).click();
    await (
      await s.browser.$(DIALOG)
    ).waitForExist({ reverse: true, timeout: 15_000 });
  });

  step(
    "a CA file chosen on edit shows its name and asks for the credentials again",
    async () => {
      const { h } = s;
      await h.click(`Edit ${PROFILE}`, SIDEBAR);
      const field = await h.field("CA certificate file (optional)", DIALOG);
      assert.equal(await field.getAttribute("readonly"), "true");
      await h.click("Choose the CA certificate file", DIALOG);
      await s.browser.waitUntil(
        async () => (await field.getValue()) === "private-ca.pem",
        {
          timeout: 15_000,
          timeoutMsg: "the chosen file's name in the field",
        },
      );
      await h.waitText(
        `${DIALOG}//*[@role='note']`,
        "CA certificate file changed: the auth token and secret code must be given again",
      );
      await (await h.el(`${DIALOG}//button[@type='submit']`)).click();
      await h.waitText(
        DIALOG,
        "Auth token: must be given again: the CA certificate file changed",
      );
      await h.shot("profile-files-1-credentials-again", DIALOG);
      await h.type("Auth token", "practice-auth-token", DIALOG);
      await h.type("Secret code", "practice-secret-code", DIALOG);
      await (await h.el(`${DIALOG}//button[@type='submit']`)).click();
      await (
        await s.browser.$(DIALOG)
      ).waitForExist({ reverse: true, timeout: 15_000 });
      const toml = readFileSync(join(s.app.configDir, "profiles.toml"), "utf8");
      assert.ok(toml.includes(`caFile = "${ca}"`), toml);
      // The practice server is plain http on this computer: the CA file adds a root, nothing
      // else, and the stored credentials still sign.
      await h.click(`Test connection of ${PROFILE}`);
      await h.waitText(
        `//*[@aria-label='Connection test of ${PROFILE}']`,
        "accepted the credentials of practice-admin",
      );
    },
  );
});
