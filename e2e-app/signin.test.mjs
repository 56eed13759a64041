// End to end, CENTAGATE sign-in: the real app (WebKitGTK under Xvfb, tauri-driver) in practice
// mode, on its practice profile whose administrator signs in (Practice-SignIn). The password
// and the admin's current OTP code are read from the practice panel; finding a user before
// signing in opens the sign-in (a wrong password first, refused in words), and the find
// continues once signed in; the profile then reads "Signed in as … until …"; sign-out.
import { describe } from "node:test";
import assert from "node:assert/strict";
import { appSteps } from "./harness.mjs";

const SIDEBAR = "//aside[@aria-label='Profiles and practice']";
const PROFILE = "Practice-SignIn";
const DIALOG = "//dialog[@aria-labelledby='signin-title']";
const SESSION = `//*[@aria-label='Session of ${PROFILE}']`;

describe("TokenDesk desktop app: CENTAGATE sign-in (tauri-driver)", { concurrency: false }, () => {
  const { s, step } = appSteps("signin");
  /** What the practice panel shows for the practice admin. */
  const seen = { password: "", otp: "" };

  const text = (selector) =>
    s.browser.execute(
      (sel) =>
        (
          document.evaluate(sel, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null)
            .singleNodeValue?.textContent ?? ""
        ).trim(),
      selector,
    );

  step("practice mode lists the signing-in profile, not signed in", async () => {
    await s.h.waitText(`${SIDEBAR}//section[.//h2[normalize-space()='Practice mode']]`, "running");
    await s.h.waitText(SIDEBAR, PROFILE);
    await s.h.waitText(SESSION, "Not signed in");
    await s.h.button(`Sign in to ${PROFILE}`);
  });

  step("the practice panel shows the admin's password and OTP code", async () => {
    await s.h.tab("Practice");
    await s.h.waitText("//section[@aria-labelledby='practice-signin-heading']", [
      `Sign in to ${PROFILE}`,
      "practice-admin",
    ]);
    await s.h.el("//*[@data-testid='practice-admin-otp']");
    seen.password = await text("//*[@data-testid='practice-admin-password']");
    assert.equal(seen.password, "practice-password");
    await s.h.shot(
      "signin-01-practice-panel",
      "//section[@aria-labelledby='practice-signin-heading']",
    );
  });

  step(
    "finding a user before signing in opens the sign-in; a wrong password is refused in words",
    async () => {
      const radio = await s.h.el(`${SIDEBAR}//label[.//span[normalize-space()=${s.h.q(PROFILE)}]]`);
      await radio.click();
      await s.h.tab("Find a user");
      await s.h.waitText("//main", `On ${PROFILE}`);
      await s.h.type("Username", "bob");
      await s.h.click("Find user");
      await s.h.waitText(DIALOG, [
        `Sign in to ${PROFILE}`,
        `Not signed in to profile '${PROFILE}'`,
        "practice-admin",
      ]);
      await s.h.type("Password", "not-the-password", DIALOG);
      await s.h.click("Sign in", DIALOG);
      await s.h.waitText(`${DIALOG}//*[@role='alert']`, ["Sign-in refused", "23001"]);
      await s.h.shot("signin-02-dialog-wrong-password");
    },
  );

  step(
    "the password, then the OTP code read from the practice panel: signed in, the find continues",
    async () => {
      const pw = await s.h.field("Password", DIALOG);
      await pw.clearValue();
      await pw.setValue(seen.password);
      await s.h.click("Sign in", DIALOG);
      await s.h.waitText(DIALOG, "Second factor");
      const otpChoice = await s.h.el(`${DIALOG}//input[@name='signin-factor' and @value='otp']`);
      assert.equal(await otpChoice.isSelected(), true, "OTP is the default when offered");
      // SMS is offered too, but not chosen: its Send button shows only for the SMS factor.
      await s.h.el(`${DIALOG}//input[@name='signin-factor' and @value='sms']`);
      const send = await s.browser.$(`${DIALOG}//button[normalize-space()='Send SMS code']`);
      assert.equal(await send.isExisting(), false);
      // The dialog covers the practice panel, so it shows the panel's codes itself.
      seen.otp = await s.h.waitText(`${DIALOG}//*[@data-testid='practice-otp']`, "");
      assert.match(seen.otp, /^[0-9]{6}$/);
      await s.h.shot("signin-03-dialog-code", DIALOG);
      await s.h.type("OTP code", seen.otp, DIALOG);
      await s.h.click("Verify code", DIALOG);
      await s.browser.waitUntil(async () => !(await (await s.browser.$(DIALOG)).isDisplayed()), {
        timeout: 15_000,
        timeoutMsg: "the sign-in dialog did not close",
      });
      await s.h.waitRow("//table[@aria-label='Methods bound to bob']", "HW-2001", [
        "OTP token",
        "HW-2001",
        "active",
      ]);
    },
  );

  step("the profile reads Signed in as … until …, with the time left", async () => {
    const t = await s.h.waitText(SESSION, ["Signed in as practice-admin until"]);
    assert.match(t, /until \d{1,2}:\d{2}/, t);
    assert.match(t, /\d+:\d{2} left/, t);
    await s.h.button(`Sign out of ${PROFILE}`);
    await s.h.shot(
      "signin-04-signed-in",
      `${SIDEBAR}//li[.//span[normalize-space()=${s.h.q(PROFILE)}]]`,
    );
  });

  step("the Activity lists the sign-in steps", async () => {
    await s.h.tab("Activity");
    await s.h.waitText("//main", ["Sign in", "Sign-in code"]);
  });

  step("sign out: not signed in, and the next action asks to sign in again", async () => {
    await s.h.click(`Sign out of ${PROFILE}`);
    await s.h.waitText(SESSION, "Not signed in");
    await s.h.button(`Sign in to ${PROFILE}`);
    await s.h.tab("Find a user");
    const f = await s.h.field("Username");
    await f.clearValue();
    await f.setValue("bob");
    await s.h.click("Find user");
    await s.h.waitText(DIALOG, `Sign in to ${PROFILE}`);
    await s.h.click("Cancel", DIALOG);
    await s.h.waitText("//main", `Not signed in to profile '${PROFILE}'`);
    await s.h.shot("signin-05-signed-out");
  });

  step(
    "the SMS code: Send SMS code, the resend cool-down, the code the practice server sent",
    async () => {
      await s.h.click(`Sign in to ${PROFILE}`);
      await s.h.type("Password", seen.password, DIALOG);
      await s.h.click("Sign in", DIALOG);
      await (
        await s.h.el(`${DIALOG}//label[input[@name='signin-factor' and @value='sms']]`)
      ).click();
      await s.h.click("Send SMS code", DIALOG);
      await s.h.waitText(DIALOG, [
        "Sent a sign-in code by SMS to +60120009001",
        "Resend SMS code in",
      ]);
      const sms = await s.h.waitText(`${DIALOG}//*[@data-testid='practice-sms']`, "");
      assert.match(sms, /^[0-9]{6}$/);
      await s.h.shot("signin-06-dialog-sms", DIALOG);
      await s.h.type("SMS code", sms, DIALOG);
      await s.h.click("Verify code", DIALOG);
      await s.h.waitText(SESSION, "Signed in as practice-admin until");
      await s.h.click(`Sign out of ${PROFILE}`);
      await s.h.waitText(SESSION, "Not signed in");
    },
  );

  step("Add profile offers a CENTAGATE profile that signs in", async () => {
    await s.h.click("Add profile", SIDEBAR);
    const dialog = "//dialog[@aria-labelledby='profile-title']";
    await (
      await s.h.el(`${dialog}//label[input[@name='profile-signin' and @value='signs-in']]`)
    ).click();
    await s.h.field("Integration Key", dialog);
    await s.h.field("App Secret Key", dialog);
    await s.h.field("Auth base path (optional)", dialog);
    await s.h.shot("signin-07-add-profile-signs-in", dialog);
    await s.h.click("Cancel", dialog);
  });
});
