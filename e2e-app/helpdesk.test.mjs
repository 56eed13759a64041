// End to end, the help desk's guided "Lost or replaced token" flow in the real app (WebKitGTK
// under Xvfb, tauri-driver) on the embedded practice server, once per server:
// - CENTAGATE: uma got a new phone — confirm identity, remove the mobile token (confirm
//   dialog naming her and the token), register an SMS number, check the methods;
// - SecurID: trent lost his SID700 — confirm identity, an emergency tokencode (shown once,
//   with its expiry), unassign 000700000001, assign the spare 000700000003, unlock, check.
// Then the Activity view shows each case's steps. Screenshots of every step are saved.
import { describe, before, after, test } from "node:test";
import assert from "node:assert/strict";
import { startApp, helpers, SCREENSHOT_DIR } from "./harness.mjs";

const SIDEBAR = "//aside[@aria-label='Profiles and practice']";
const FLOW = "//section[@data-testid='lost-token-flow']";

describe(
  "TokenDesk desktop app: Lost or replaced token (tauri-driver)",
  { concurrency: false },
  () => {
    /** @type {Awaited<ReturnType<typeof startApp>>} */
    let app;
    /** @type {WebdriverIO.Browser} */
    let browser;
    /** @type {ReturnType<typeof helpers>} */
    let h;

    before(async () => {
      app = await startApp();
      browser = app.browser;
      h = helpers(browser);
      console.log(`screenshots: ${SCREENSHOT_DIR}`);
    });

    after(async () => {
      await app?.stop();
    });

    function step(name, fn) {
      test(name, async () => {
        try {
          await fn();
        } catch (e) {
          await h
            ?.shot(`FAIL-helpdesk-${name.replace(/[^a-z0-9]+/gi, "-")}`)
            .catch(() => {});
          throw e;
        }
      });
    }

    async function choose(profile) {
      await h.waitText(
        `${SIDEBAR}//section[.//h2[normalize-space()='Practice mode']]`,
        "running",
      );
      await (
        await h.el(
          `${SIDEBAR}//label[.//span[normalize-space()=${h.q(profile)}]]`,
        )
      ).click();
      await h.tab("Find a user");
    }

    /** Starts the flow with a ticket, ticks every identity check and confirms. */
    async function startAndConfirm(ticket, shotName) {
      await h.click("Lost or replaced token…");
      await h.type("Ticket number (optional)", ticket);
      await h.click("Start", FLOW);
      await h.waitText(FLOW, ["Case case-", `ticket ${ticket}`, "Step 1 of"]);
      const boxes = await browser.$$(
        `${FLOW}//fieldset//input[@type='checkbox']`,
      );
      assert.equal(boxes.length, 3);
      for (const b of boxes) await b.click();
      await h.shot(shotName, FLOW);
      await h.click("Identity confirmed", FLOW);
      await h.waitText(FLOW, "Confirmed the identity of");
      await h.click("Next step", FLOW);
    }

    async function confirmDialog(words, shotName) {
      const dialog = "//dialog[@open]";
      await h.waitText(dialog, words);
      await h.shot(shotName);
      await h.click("Yes, go ahead", dialog);
    }

    step("CENTAGATE: uma's new phone, step by step", async () => {
      await choose("Practice");
      await h.type("Username", "uma");
      await h.click("Find user");
      await h.waitText("//main", ["uma", "Help-desk actions", "Remove access"]);
      await h.shot("helpdesk-01-centagate-user-actions");
      await startAndConfirm("INC-4711", "helpdesk-02-centagate-identity");
      await h.waitText(FLOW, "Step 2 of 4: Remove or deactivate the old token");
      await h.click("Remove…", FLOW);
      await confirmDialog(
        "Remove the mobile token of uma?",
        "helpdesk-03-centagate-confirm",
      );
      await h.waitText(FLOW, "Removed the mobile token of uma");
      await h.click("Next step", FLOW);
      await h.type("Phone number", "+60 12-000 1099", FLOW);
      await h.click("Register SMS number", FLOW);
      await h.waitText(FLOW, "Registered SMS number");
      await h.shot("helpdesk-04-centagate-registered", FLOW);
      await h.click("Next step", FLOW);
      await h.click("Show the methods now", FLOW);
      await h.waitText(FLOW, ["+60120001099"]);
      await h.shot("helpdesk-05-centagate-check", FLOW);
      await h.click("Finish case", FLOW);
      await h.waitText(FLOW, "Case finished");
      await h.click("Done", FLOW);
    });

    step("SecurID: trent's lost SID700, step by step", async () => {
      await choose("Practice-SecurID");
      await h.type("Email address", "trent@example.com");
      await h.click("Find user");
      await h.waitText("//main", ["Trent Turner", "000700000001"]);
      await h.shot("helpdesk-06-securid-user");
      await startAndConfirm("RITM-88", "helpdesk-07-securid-identity");
      await h.click("Issue emergency tokencode", FLOW);
      const code = await h.waitText("//*[@data-testid='emergency-code']", [
        "Works until",
        "once",
      ]);
      assert.match(code, /\d{6,}/);
      await h.shot("helpdesk-08-securid-emergency-code", FLOW);
      await h.click("Next step", FLOW);
      const serial = await h.el(`${FLOW}//input[@id='old-serial']`);
      await browser.waitUntil(
        async () => (await serial.getValue()) === "000700000001",
      );
      await h.click("Unassign…", FLOW);
      await confirmDialog(
        "Unassign hardware token 000700000001 from trent@example.com?",
        "helpdesk-09-securid-confirm",
      );
      await h.waitText(FLOW, "Unassigned hardware token 000700000001");
      await h.click("Next step", FLOW);
      // A token bound to someone else: the words, and Retry.
      await h.type("Serial of the replacement", "000700000002", FLOW);
      await h.click("Assign", FLOW);
      await h.waitText(FLOW, "409");
      await h.shot("helpdesk-10-securid-assign-refused", FLOW);
      await h.click("Retry", FLOW);
      const next = await h.el(`${FLOW}//input[@id='new-serial']`);
      await next.clearValue();
      await next.setValue("000700000003");
      await h.click("Assign", FLOW);
      await h.waitText(FLOW, "Assigned hardware token 000700000003");
      await h.click("Next step", FLOW);
      await h.click("Unlock token, SMS and voice", FLOW);
      await h.waitText(FLOW, "Unlocked");
      await h.click("Next step", FLOW);
      await h.click("Show the methods now", FLOW);
      await h.waitText(FLOW, "000700000003");
      await h.shot("helpdesk-11-securid-check", FLOW);
      await h.click("Finish case", FLOW);
      await h.waitText(FLOW, "Case finished");
      await h.click("Done", FLOW);
    });

    step("the Activity view lists the cases' steps", async () => {
      await h.tab("Activity");
      await h.waitText("//main", [
        "Open case",
        "Confirm identity",
        "Close case",
        "INC-4711",
        "RITM-88",
      ]);
      await h.shot("helpdesk-12-activity");
    });
  },
);
