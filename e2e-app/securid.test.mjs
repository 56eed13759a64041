// End to end, SecurID Cloud: the real app (WebKitGTK under Xvfb, tauri-driver) in practice
// mode, on its practice SecurID profile (the embedded practice server's SecurID routes, signed
// with the public practice key): look a user up by email, unlock a subset of methods, see the
// statuses; an unlock that fails part-way (HTTP 500) shows the failure in words and the
// statuses; the practice panel locks a method for the next rehearsal.
import { describe } from "node:test";
import assert from "node:assert/strict";
import { appSteps } from "./harness.mjs";

const SIDEBAR = "//aside[@aria-label='Profiles and practice']";
const PROFILE = "Practice-SecurID";
const RESULT = "//*[@aria-label='Result of the unlock']";
const lock = (m) => `//*[@data-testid='lock-${m}']`;

describe(
  "TokenDesk desktop app: SecurID Cloud (tauri-driver)",
  { concurrency: false },
  () => {
    const { s, step } = appSteps("securid");

    /** Looks `email` up on the chosen SecurID profile; waits for the user's heading. */
    async function find(email, name) {
      await s.h.tab("Find a user");
      const f = await s.h.type("Email address", email);
      assert.equal(await f.getValue(), email);
      await s.h.click("Find user");
      await s.h.el(`//h3[normalize-space()=${s.h.q(name)}]`);
    }

    async function checked(method) {
      const box = await s.h.el(`//input[@id='unlock-${method}']`);
      return box.isSelected();
    }

    step(
      "practice mode lists the practice SecurID profile; choosing it",
      async () => {
        await s.h.waitText(
          `${SIDEBAR}//section[.//h2[normalize-space()='Practice mode']]`,
          "running",
        );
        await s.h.waitText(SIDEBAR, [
          PROFILE,
          "SecurID Cloud",
          "TokenDesk Practice",
        ]);
        const radio = await s.h.el(
          `${SIDEBAR}//label[.//span[normalize-space()=${s.h.q(PROFILE)}]]`,
        );
        await radio.click();
        await s.h.tab("Find a user");
        await s.h.waitText("//main", [PROFILE, "SecurID Cloud", "Look up"]);
      },
    );

    step(
      "looks up bob@example.com: details, statuses unknown until an unlock",
      async () => {
        await find("bob@example.com", "Bob Baker");
        await s.h.waitText("//main", [
          "bob@example.com",
          "Enabled",
          "SMS tokencode",
          "on",
        ]);
        for (const m of ["TOKEN", "SMS", "VOICE"])
          await s.h.waitText(lock(m), "unknown");
        await s.h.waitText("//main", "unknown until you unlock");
        for (const m of ["TOKEN", "SMS", "VOICE"])
          assert.equal(await checked(m), true, m);
        await s.h.shot("securid-01-bob-found", "//h3[@id='locks-heading']");
      },
    );

    step(
      "unlocks bob's TOKEN only: the answer's statuses are shown",
      async () => {
        await (await s.h.el("//input[@id='unlock-SMS']")).click();
        await (await s.h.el("//input[@id='unlock-VOICE']")).click();
        assert.equal(await checked("SMS"), false);
        await s.h.click("Unlock tokencodes");
        await s.h.waitText(RESULT, [
          "Unlocked token for user",
          "token unlocked, SMS unlocked, voice unlocked",
        ]);
        for (const m of ["TOKEN", "SMS", "VOICE"])
          await s.h.waitText(lock(m), "unlocked");
        await s.h.waitText("//main", "As the server reported after the unlock");
        await s.h.shot("securid-02-bob-unlocked", RESULT);
      },
    );

    step(
      "frank's voice will not unlock: HTTP 500 in words, and the statuses",
      async () => {
        await find("frank@example.com", "Frank Fischer");
        for (const m of ["TOKEN", "SMS", "VOICE"])
          assert.equal(await checked(m), true, m);
        await s.h.click("Unlock tokencodes");
        const text = await s.h.waitText(RESULT, [
          "The unlock did not complete",
          "Now: token unlocked, SMS unlocked, voice locked",
          "500",
        ]);
        assert.doesNotMatch(text, /[{}]/, "no raw JSON in front of the person");
        await s.h.waitText(lock("VOICE"), "locked");
        await s.h.waitText(lock("SMS"), "unlocked");
        await s.h.shot("securid-03-frank-500", RESULT);
      },
    );

    step("nobody@example.com: not found, in words", async () => {
      await s.h.tab("Find a user");
      await s.h.type("Email address", "nobody@example.com");
      await s.h.click("Find user");
      await s.h.waitText("//*[@data-testid='not-found']", [
        "No SecurID user",
        "No user with this email address or username",
      ]);
    });

    step(
      "the practice panel locks alice's token; the unlock clears it again",
      async () => {
        await s.h.tab("Practice");
        const cell = "//*[@data-testid='securid-alice-TOKEN']";
        await s.h.waitText(cell, "unlocked");
        await s.h.click("Lock token of alice@example.com");
        await s.h.waitText(
          "//main",
          "alice@example.com: token tokencodes are now locked",
        );
        await s.browser.waitUntil(
          async () =>
            (await s.browser.execute(
              (sel) =>
                document
                  .evaluate(
                    sel,
                    document,
                    null,
                    XPathResult.FIRST_ORDERED_NODE_TYPE,
                    null,
                  )
                  .singleNodeValue?.textContent?.includes("unlocked") === false,
              cell,
            )) === true,
          { timeout: 10_000, timeoutMsg: "alice's token did not show locked" },
        );
        await s.h.shot(
          "securid-04-practice-panel",
          "//h3[@id='practice-securid-heading']",
        );
        await find("alice@example.com", "Alice Archer");
        await s.h.click("Unlock tokencodes");
        await s.h.waitText(RESULT, "Unlocked token, SMS, voice for user");
        await s.h.tab("Practice");
        await s.h.waitText(cell, "unlocked");
      },
    );

    step(
      "the activity lists the lookups and unlocks with their outcomes",
      async () => {
        await s.h.tab("Activity");
        await s.h.waitText("//main", [
          "Unlock tokencodes",
          "bob@example.com",
          "frank@example.com",
          "The unlock did not complete",
          "(code 500)",
        ]);
        await s.h.shot("securid-06-activity");
      },
    );
  },
);
