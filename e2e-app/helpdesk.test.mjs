// End to end, the help desk's guided "Lost or replaced token" flow in the real app (WebKitGTK
// under Xvfb, tauri-driver) on the embedded practice server, once per server:
// - CENTAGATE: uma got a new phone — confirm identity, remove the mobile token (confirm
//   dialog naming her and the token), register an SMS number, check the methods;
// - SecurID: trent lost his SID700 — confirm identity, an emergency tokencode (shown once,
//   with its expiry), unassign 000700000001, assign the spare 000700000003, unlock, check.
// Then the Activity view shows each case's steps. Screenshots of every step are saved.
import { describe } from "node:test";
import assert from "node:assert/strict";
import { appSteps } from "./harness.mjs";

const SIDEBAR = "//aside[@aria-label='Profiles and practice']";
const FLOW = "//section[@data-testid='lost-token-flow']";

describe(
  "TokenDesk desktop app: Lost or replaced token (tauri-driver)",
  { concurrency: false },
  () => {
    const { s, step } = appSteps("helpdesk");

    async function choose(profile) {
      await s.h.waitText(
        `${SIDEBAR}//section[.//h2[normalize-space()='Practice mode']]`,
        "running",
      );
      await (
        await s.h.el(
          `${SIDEBAR}//label[.//span[normalize-space()=${s.h.q(profile)}]]`,
        )
      ).click();
      await s.h.tab("Find a user");
    }

    /** Starts the flow with a ticket, ticks every identity check and confirms. */
    async function startAndConfirm(ticket, shotName) {
      await s.h.click("Lost or replaced token…");
      await s.h.type("Ticket number (optional)", ticket);
      await s.h.click("Start", FLOW);
      await s.h.waitText(FLOW, ["Case case-", `ticket ${ticket}`, "Step 1 of"]);
      const boxes = await s.browser.$$(
        `${FLOW}//fieldset//input[@type='checkbox']`,
      );
      assert.equal(boxes.length, 3);
      for (const b of boxes) await b.click();
      await s.h.shot(shotName, FLOW);
      await s.h.click("Identity confirmed", FLOW);
      await s.h.waitText(FLOW, "Confirmed the identity of");
      await s.h.click("Next step", FLOW);
    }

    async function confirmDialog(words, shotName) {
      const dialog = "//dialog[@open]";
      await s.h.waitText(dialog, words);
      await s.h.shot(shotName);
      await s.h.click("Yes, go ahead", dialog);
    }

    step("CENTAGATE: uma's new phone, step by step", async () => {
      await choose("Practice");
      await s.h.type("Username", "uma");
      await s.h.click("Find user");
      await s.h.waitText("//main", ["uma", "Help-desk actions", "Remove access"]);
      await s.h.shot("helpdesk-01-centagate-user-actions");
      await startAndConfirm("INC-4711", "helpdesk-02-centagate-identity");
      await s.h.waitText(FLOW, "Step 2 of 4: Remove or deactivate the old token");
      await s.h.click("Remove…", FLOW);
      await confirmDialog(
        "Remove the mobile token of uma?",
        "helpdesk-03-centagate-confirm",
      );
      await s.h.waitText(FLOW, "Removed the mobile token of uma");
      await s.h.click("Next step", FLOW);
      await s.h.type("Phone number", "+60 12-000 1099", FLOW);
      await s.h.click("Register SMS number", FLOW);
      await s.h.waitText(FLOW, "Registered SMS number");
      await s.h.shot("helpdesk-04-centagate-registered", FLOW);
      await s.h.click("Next step", FLOW);
      await s.h.click("Show the methods now", FLOW);
      await s.h.waitText(FLOW, ["+60120001099"]);
      await s.h.shot("helpdesk-05-centagate-check", FLOW);
      await s.h.click("Finish case", FLOW);
      await s.h.waitText(FLOW, "Case finished");
      await s.h.click("Done", FLOW);
    });

    step("SecurID: trent's lost SID700, step by step", async () => {
      await choose("Practice-SecurID");
      await s.h.type("Email address", "trent@example.com");
      await s.h.click("Find user");
      await s.h.waitText("//main", ["Trent Turner", "000700000001"]);
      await s.h.shot("helpdesk-06-securid-user");
      await startAndConfirm("RITM-88", "helpdesk-07-securid-identity");
      await s.h.click("Issue emergency tokencode", FLOW);
      const code = await s.h.waitText("//*[@data-testid='emergency-code']", [
        "Works until",
        "once",
      ]);
      assert.match(code, /\d{6,}/);
      await s.h.shot("helpdesk-08-securid-emergency-code", FLOW);
      await s.h.click("Next step", FLOW);
      const serial = await s.h.el(`${FLOW}//input[@id='old-serial']`);
      await s.browser.waitUntil(
        async () => (await serial.getValue()) === "000700000001",
      );
      await s.h.click("Unassign…", FLOW);
      await confirmDialog(
        "Unassign hardware token 000700000001 from trent@example.com?",
        "helpdesk-09-securid-confirm",
      );
      await s.h.waitText(FLOW, "Unassigned hardware token 000700000001");
      await s.h.click("Next step", FLOW);
      // A token bound to someone else: the words, and Retry.
      await s.h.type("Serial of the replacement", "000700000002", FLOW);
      await s.h.click("Assign", FLOW);
      await s.h.waitText(FLOW, "409");
      await s.h.shot("helpdesk-10-securid-assign-refused", FLOW);
      await s.h.click("Retry", FLOW);
      const next = await s.h.el(`${FLOW}//input[@id='new-serial']`);
      await next.clearValue();
      await next.setValue("000700000003");
      await s.h.click("Assign", FLOW);
      await s.h.waitText(FLOW, "Assigned hardware token 000700000003");
      await s.h.click("Next step", FLOW);
      await s.h.click("Unlock token, SMS and voice", FLOW);
      await s.h.waitText(FLOW, "Unlocked");
      await s.h.click("Next step", FLOW);
      await s.h.click("Show the methods now", FLOW);
      await s.h.waitText(FLOW, "000700000003");
      await s.h.shot("helpdesk-11-securid-check", FLOW);
      await s.h.click("Finish case", FLOW);
      await s.h.waitText(FLOW, "Case finished");
      await s.h.click("Done", FLOW);
    });

    step("the Activity view lists the cases' steps", async () => {
      await s.h.tab("Activity");
      await s.h.waitText("//main", [
        "Open case",
        "Confirm identity",
        "Close case",
        "INC-4711",
        "RITM-88",
      ]);
      await s.h.shot("helpdesk-12-activity");
    });
  },
);
