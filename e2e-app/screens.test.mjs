// The README's pictures, taken by the real app (practice mode) in both themes: each main screen
// in light, then in dark, saved as <theme>-<screen>.png. `make screenshots` runs this file with
// SCREENSHOT_DIR=docs/screenshots; in `make test` they go where every run's pictures go.
// The theme is chosen as a person would (the sidebar's Theme list) and checked where it shows:
// the page's computed background must be light, or dark.
import { describe } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appSteps } from "./harness.mjs";

const files = mkdtempSync(join(tmpdir(), "tokendesk-e2e-screens-"));
const input = join(files, "new-phones.csv");
writeFileSync(
  input,
  "user,sms,ticket\ngrace,+60 12-345 6789,INC-201\nheidi,+60 13-222 0001,INC-202\n,+60 14-000 0000,INC-203\nivan,12345,INC-204\n",
);
// The open dialog's answer for the Bulk screen (read by the app at start; see bulk.test.mjs).
process.env.TOKENDESK_APP_AUTOMATION = "1";
process.env.TOKENDESK_APP_AUTOMATION_OPEN_FILE = input;

const SIDEBAR = "//aside[@aria-label='Profiles and practice']";
const FLOW = "//section[@data-testid='lost-token-flow']";

describe("the main screens, light and dark", { concurrency: false }, () => {
  const { s, step } = appSteps("screens");

  /** The relative luminance (0 black … 1 white) of the page's background as painted. */
  async function pageLuminance() {
    const rgb = await s.browser.execute(() => {
      const bg = (el) => getComputedStyle(el).backgroundColor;
      const body = bg(document.body);
      return body === "rgba(0, 0, 0, 0)" ? bg(document.documentElement) : body;
    });
    const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
    assert.ok([r, g, b].every(Number.isFinite), `no background colour: ${rgb}`);
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  }

  async function choose(profile) {
    await (
      await s.h.el(
        `${SIDEBAR}//label[.//span[normalize-space()=${s.h.q(profile)}]]`,
      )
    ).click();
    await s.h.tab("Find a user");
  }

  async function find(label, who, expect) {
    const f = await s.h.field(label);
    await f.clearValue();
    await f.setValue(who);
    await s.h.click("Find user");
    await s.h.waitText("//main", expect);
  }

  for (const theme of ["light", "dark"]) {
    step(`${theme}: the theme is chosen and painted`, async () => {
      await s.h.waitText(
        `${SIDEBAR}//section[.//h2[normalize-space()='Practice mode']]`,
        "running",
      );
      await (await s.h.el("#theme")).selectByAttribute("value", theme);
      await s.browser.waitUntil(
        async () =>
          (await s.browser.execute(
            () => document.documentElement.dataset.theme,
          )) === theme,
        { timeoutMsg: `data-theme never became ${theme}` },
      );
      const lum = await pageLuminance();
      if (theme === "dark")
        assert.ok(lum < 0.3, `a dark page is painted light (${lum})`);
      else assert.ok(lum > 0.7, `a light page is painted dark (${lum})`);
    });

    step(`${theme}: a CENTAGATE user's methods`, async () => {
      await choose("Practice");
      await find("Username", "bob", ["bob", "HW-2001", "Help-desk actions"]);
      await s.h.shot(`${theme}-centagate-user`);
    });

    step(`${theme}: the lost-token flow, first step`, async () => {
      await s.h.click("Lost or replaced token…");
      await s.h.type("Ticket number (optional)", "INC-4711");
      await s.h.click("Start", FLOW);
      await s.h.waitText(FLOW, ["Case case-", "Step 1 of"]);
      await s.h.shot(`${theme}-lost-token-flow`, FLOW);
      await s.h.click("Stop here (case stays unfinished)", FLOW);
    });

    step(`${theme}: a SecurID user's details and locks`, async () => {
      await choose("Practice-SecurID");
      await find("Email address", "bob@example.com", ["Bob Baker"]);
      await s.h.shot(`${theme}-securid-user`);
    });

    step(`${theme}: the practice panel`, async () => {
      await s.h.tab("Practice");
      await s.h.waitText("//main", ["HW-2001"]);
      await s.h.shot(`${theme}-practice`);
    });

    step(`${theme}: the Activity view`, async () => {
      await s.h.tab("Activity");
      await s.h.waitText("//main", [
        "Find user",
        "Look up user",
        "bob@example.com",
      ]);
      await s.h.shot(`${theme}-activity`);
    });

    step(`${theme}: a bulk job's preview`, async () => {
      await choose("Practice");
      await s.h.tab("Bulk");
      await s.h.click("Choose CSV file…");
      const op = await s.h.el("#bulk-operation");
      await s.browser.waitUntil(async () => (await op.isEnabled()) === true);
      await op.selectByAttribute("value", "token-register");
      await s.h.waitText("//section[@aria-labelledby='bulk-preview-heading']", [
        "4 rows",
        "INC-203",
      ]);
      await s.h.shot(`${theme}-bulk`);
    });

    step(`${theme}: the Add profile dialog`, async () => {
      await s.h.click("Add profile");
      await s.h.waitText("//dialog[@open]", ["Server URL"]);
      await s.h.shot(`${theme}-add-profile`);
      await s.h.click("Cancel", "//dialog[@open]");
    });
  }
});
