// End to end: a small bulk job in the real app (practice mode) — choose the file, preview with
// the invalid row named, dry run, run with progress to the end, results filtered to the rows
// that did not succeed, and the results exported. WebDriver cannot answer a native dialog, so
// the app is started for automation on purpose (TOKENDESK_APP_AUTOMATION=1) with the files the
// open and save dialogs answer (TOKENDESK_APP_AUTOMATION_OPEN_FILE / _SAVE_FILE); without
// automation the app ignores those variables (src-tauri/src/commands/dialog.rs tests that).
import { describe } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appSteps } from "./harness.mjs";

const files = mkdtempSync(join(tmpdir(), "tokendesk-e2e-bulk-"));
const input = join(files, "unlock-after-incident.csv");
const output = join(files, "results.csv");
writeFileSync(
  input,
  "user,ticket\nbob,INC-1\ncarol,INC-2\n,INC-3\nnobody-at-all,INC-4\nerin,=1+1\n",
);
// Read by the app at start (the harness passes its environment on).
process.env.TOKENDESK_APP_AUTOMATION = "1";
process.env.TOKENDESK_APP_AUTOMATION_OPEN_FILE = input;
process.env.TOKENDESK_APP_AUTOMATION_SAVE_FILE = output;

const VIEW = "//section[@aria-labelledby='bulk-heading']";
const PREVIEW = "//section[@aria-labelledby='bulk-preview-heading']";
const RUN = "//section[@aria-labelledby='bulk-run-heading']";
const RESULTS = "//section[@aria-labelledby='bulk-results-heading']";

describe("a bulk job in the app", { concurrency: false }, () => {
  const { s, step } = appSteps("bulk");

  step(
    "the Bulk screen previews the chosen file with its invalid row",
    async () => {
      const { h, browser } = s;
      await h.waitText(
        "//aside[@aria-label='Profiles and practice']",
        "Practice",
      );
      await h.tab("Bulk");
      await h.waitText(VIEW, ["Bulk jobs", "Profile: Practice"]);
      await h.click("Choose CSV file…");
      await h.waitText(VIEW, "unlock-after-incident.csv");
      const op = await h.el("#bulk-operation");
      await browser.waitUntil(async () => (await op.isEnabled()) === true, {
        timeout: 15_000,
      });
      await op.selectByAttribute("value", "token-unlock");
      await h.waitText(PREVIEW, ["5 rows: 4 valid, 1 invalid, 0 duplicates"]);
      const bad = await h.row(`${PREVIEW}//table`, "INC-3");
      assert.equal(bad[0], "3");
      assert.match(bad[3], /^Username: must/);
      await h.shot("bulk-1-preview", PREVIEW);
    },
  );

  step("a dry run sends nothing but the profile's test", async () => {
    const { h } = s;
    await h.click("Dry run");
    await h.waitText(PREVIEW, [
      "Dry run:",
      "4 of 5 rows valid",
      "Nothing was sent",
      "Profile:",
    ]);
  });

  step("the job runs with progress to its end", async () => {
    const { h, browser } = s;
    await h
      .el(`${PREVIEW}//label[contains(., 'Skip the 1 invalid row (')]/input`)
      .then((c) => c.click());
    await h.click("Run");
    const text = await h.waitText(RUN, "finished:", 30_000);
    assert.match(text, /1 skipped/);
    const bar = await h.el(`${RUN}//progress`);
    assert.equal(await bar.getAttribute("value"), "100");
    await h.waitText(RESULTS, ["Results", "1 skipped"]);
    await h.shot("bulk-2-run", RUN);
    // Carol's token was locked (the practice data): unlocked. Bob's and erin's were not:
    // "not locked" failures, with the catalog's words. Filtered, carol's row goes.
    assert.match(text, /1 ok, 3 failed/);
    await h.waitText(RESULTS, [
      "The token is not locked or suspended (code 29017): 2 rows (1, 5)",
    ]);
    await h.waitRow(`${RESULTS}//table`, "INC-2", [
      "2",
      "carol",
      "INC-2",
      "ok",
    ]);
    const filter = await h.el(`${RESULTS}//select[@aria-label='Rows to show']`);
    await filter.selectByAttribute("value", "problems");
    await browser.waitUntil(
      async () => (await browser.$$(`${RESULTS}//tbody/tr`)).length === 4,
      { timeout: 5000, timeoutMsg: "four rows did not succeed" },
    );
    await h.waitRow(`${RESULTS}//table`, "INC-4", [
      "4",
      "nobody-at-all",
      "INC-4",
      "failed",
    ]);
    await h.waitRow(`${RESULTS}//table`, "INC-3", [
      "3",
      "",
      "INC-3",
      "skipped",
    ]);
    await h.shot("bulk-3-results", RESULTS);
  });

  step("Export results writes core's CSV", async () => {
    const { h } = s;
    await h.click("Export results…");
    await h.waitText(RESULTS, ["Exported to", "results.csv"]);
    const lines = readFileSync(output, "utf8").split("\r\n");
    assert.equal(lines[0], "user,ticket,outcome,code,title,serverMessage,at");
    assert.match(lines[4], /^nobody-at-all,INC-4,failed,/);
    assert.match(lines[5], /^erin,'=1\+1,/);
    assert.equal(lines.length, 7); // the header, five rows, and the last line's end
  });

  step(
    "Cancel stops a job, which is offered for resume after a reload",
    async () => {
      const { h, browser } = s;
      const many = Array.from({ length: 1500 }, (_, i) => `user${i}`).join(
        "\n",
      );
      writeFileSync(input, `user\n${many}\n`);
      await h.click("Choose CSV file…");
      await (
        await h.el("#bulk-operation")
      ).selectByAttribute("value", "user-enable");
      await h.waitText(PREVIEW, "1500 rows: 1500 valid");
      await h.click("Run");
      await h.click("Cancel", RUN);
      const text = await h.waitText(RUN, "stopped by you", 30_000);
      const job = /Job (\w+) stopped/.exec(text)?.[1];
      assert.ok(job, text);
      await h.shot("bulk-4-cancelled", RUN);
      // A new page (as after a restart): the job is offered, and resumed to its end.
      await browser.refresh();
      await h.tab("Bulk");
      const offer = "//section[@aria-labelledby='bulk-unfinished-heading']";
      await h.waitText(offer, [
        "Unfinished jobs",
        job,
        "user-enable on Practice",
      ]);
      await h.shot("bulk-5-unfinished", offer);
      await h.click(`Resume job ${job}`);
      await h.waitText(
        RUN,
        [`Job ${job} finished:`, "0 ok, 1500 failed"],
        60_000,
      );
    },
  );
});
