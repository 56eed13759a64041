// End-to-end tests of the built UI (e2e build: the real app over the stateful mock backend)
// in Debian's chromium. Run with `npm run test:e2e`.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { axe, launch, mock, openApp, serve, shot, UI } from "./harness.mjs";

/** @type {import("playwright-core").Browser} */
let browser;
/** @type {{ url: string, close: () => void }} */
let server;

before(async () => {
  server = await serve();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  server?.close();
});

/**
 * Opens a fresh app, runs `fn`, then checks nothing went wrong in the page (no page error,
 * no console error, no CSP violation).
 * @param {Parameters<typeof openApp>[2]} opts
 * @param {(page: import("playwright-core").Page) => Promise<void>} fn
 */
async function withApp(opts, fn) {
  const { context, page, problems } = await openApp(browser, server.url, opts);
  try {
    await fn(page);
    assert.deepEqual(problems, [], "errors in the page");
  } finally {
    await context.close();
  }
}

const main = (page) => page.getByRole("main");
const side = (page) => page.getByRole("complementary", { name: "Profiles and practice" });
const field = (page, label) => page.getByLabel(label, { exact: true });
const button = (scope, name) => scope.getByRole("button", { name, exact: true });

async function startPractice(page) {
  await button(page, "Start practice").click();
  await side(page).getByText("running").waitFor();
}

async function addProfile(page, p) {
  await button(
    page.getByRole("complementary", { name: "Profiles and practice" }),
    "Add profile",
  ).click();
  const d = page.getByRole("dialog");
  await field(d, "Profile name").fill(p.name);
  await field(d, "Server URL").fill(p.url);
  await field(d, "Admin username").fill(p.admin ?? "helpdesk");
  if (p.timeout) await field(d, "Timeout in seconds (optional)").fill(p.timeout);
  await field(d, "Auth token").fill(p.authToken ?? "token-of-" + p.name);
  await field(d, "Secret code").fill(p.secretCode ?? "secret-of-" + p.name);
  await button(d, "Add profile").click();
}

async function findUser(page, username) {
  await field(page, "Username").fill(username);
  await button(page, "Find user").click();
  await main(page)
    .getByText(/Looking up/)
    .waitFor({ state: "detached" });
}

const methodsTable = (page, username) =>
  page.getByRole("table", { name: `Methods bound to ${username}` });

async function rowOf(page, username, sn) {
  return methodsTable(page, username).getByRole("row").filter({ hasText: sn });
}

async function clipboard(page) {
  return page.evaluate(() => navigator.clipboard.readText());
}

// ------------------------------------------------------------------------------------------

describe("build", () => {
  it("keeps the mock backend out of the production bundle", async () => {
    const dir = join(UI, "dist", "assets");
    const files = await readdir(dir);
    assert.ok(
      files.some((f) => f.endsWith(".js")),
      "dist has JavaScript",
    );
    for (const f of files) {
      const text = await readFile(join(dir, f), "utf8");
      for (const marker of [
        "tokendesk-mock-backend",
        "mockIPC",
        "__tokendeskMock",
        "practice-auth-token",
      ])
        assert.ok(!text.includes(marker), `${f} contains ${marker}`);
    }
    const html = await readFile(join(UI, "dist", "index.html"), "utf8");
    assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/.test(html), "no inline script in index.html");
  });
});

describe("profiles", () => {
  it("starts empty, then adds a profile with every validation message shown as typed", async () =>
    withApp({}, async (page) => {
      await side(page).getByText("No profiles yet").waitFor();
      await main(page).getByText("Choose a server profile first.").waitFor();
      // The page runs under the strict CSP (any violation fails the test in withApp).
      const csp = await page
        .locator('meta[http-equiv="Content-Security-Policy"]')
        .getAttribute("content");
      assert.match(csp ?? "", /script-src 'self';/);
      assert.doesNotMatch(csp ?? "", /unsafe/);
      await shot(page, "01-first-run");
      await axe(page, "first run");

      await button(page, "Add profile").click();
      const d = page.getByRole("dialog", { name: "Add a server profile" });
      await d.waitFor();
      // Focus lands where the person types first.
      assert.equal(await page.evaluate(() => document.activeElement?.id), "profile-profileName");

      const expectMsg = async (text) => d.getByText(text, { exact: true }).waitFor();
      await field(d, "Profile name").fill("my profile");
      await expectMsg("Profile name: must be 1 to 64 letters, digits, -, _ or .");
      await field(d, "Server URL").fill("mfa.example.com");
      await expectMsg("Server URL: must be a full address such as https://mfa.example.com");
      await field(d, "Server URL").fill("http://mfa.example.com");
      await expectMsg(
        "Server URL: must use https:// — plain http:// is allowed only for this computer (localhost, 127.0.0.1, [::1])",
      );
      await field(d, "Server URL").fill("ftp://mfa.example.com");
      await expectMsg("Server URL: must be an https:// address with a host name");
      await field(d, "Server URL").fill("https://admin:pw@mfa.example.com");
      await expectMsg("Server URL: must not contain a user name or password");
      await field(d, "Server URL").fill("https://mfa.example.com/?x=1");
      await expectMsg("Server URL: must not contain ? or #");
      await field(d, "Admin username").fill("x");
      await field(d, "Admin username").fill("");
      await expectMsg("Admin username: must not be empty");
      await field(d, "Admin username").fill("a\tb");
      await expectMsg("Admin username: must not contain control characters (tabs, line breaks)");
      await field(d, "Admin username").fill("a".repeat(129));
      await expectMsg("Admin username: must be at most 128 characters");
      await field(d, "Base path (optional)").fill("CentagateWS");
      await expectMsg("Base path: must start with / and contain no spaces, ? or #");
      await field(d, "Timeout in seconds (optional)").fill("0");
      await expectMsg("Timeout: must be between 1 and 600 seconds");
      await field(d, "Auth token").fill("x");
      await field(d, "Auth token").fill("");
      await expectMsg("Auth token: must not be empty");
      await field(d, "Secret code").fill("x");
      await field(d, "Secret code").fill("");
      await expectMsg("Secret code: must not be empty");
      await shot(page, "02-profile-dialog-errors");
      await axe(page, "profile dialog with errors");

      // Submitting with errors sends nothing and focuses the first bad field.
      await button(d, "Add profile").click();
      assert.equal(await page.evaluate(() => document.activeElement?.id), "profile-profileName");
      const sent = await mock(
        page,
        () => window.__tokendeskMock.exchanges.filter((x) => x.cmd === "save_profile").length,
      );
      assert.equal(sent, 0);

      await field(d, "Profile name").fill("kl-prod");
      await field(d, "Server URL").fill("https://mfa.example.com/CentagateWS/webresources");
      await field(d, "Admin username").fill("helpdesk");
      await field(d, "Base path (optional)").fill("");
      await field(d, "Timeout in seconds (optional)").fill("");
      await field(d, "Auth token").fill("tok");
      await field(d, "Secret code").fill("sec");
      assert.equal(await d.locator(".error").count(), 0, "no message left once valid");
      await field(d, "Secret code").press("Enter"); // Enter submits
      await d.waitFor({ state: "detached" });
      const item = page.getByRole("listitem").filter({ hasText: "kl-prod" });
      await item.getByText("https://mfa.example.com · helpdesk").waitFor();
      assert.ok(await item.getByRole("radio").isChecked(), "the new profile is selected");
      await main(page).getByText("On kl-prod").waitFor();
      await shot(page, "03-profile-added");
      // Focus lands where the person types next: the username.
      assert.equal(await page.evaluate(() => document.activeElement?.id), "find-username");
    }));

  it("edits with write-only secrets, removes after confirmation, Esc closes dialogs", async () =>
    withApp({}, async (page) => {
      await addProfile(page, { name: "prod", url: "https://mfa.example.com" });
      await button(page, "Edit prod").click();
      const d = page.getByRole("dialog", { name: "Edit profile prod" });
      await d.getByText("set", { exact: true }).waitFor();
      assert.equal(await field(d, "Auth token").count(), 0, "secret fields hidden until Replace");
      assert.equal(await field(d, "Profile name").inputValue(), "prod");
      await shot(page, "04-profile-edit");
      await axe(page, "edit dialog");
      await page.keyboard.press("Escape");
      await d.waitFor({ state: "detached" });
      // Focus returns to the button that opened the dialog.
      assert.equal(
        await page.evaluate(() => document.activeElement?.getAttribute("aria-label")),
        "Edit prod",
      );

      await button(page, "Edit prod").click();
      await button(d, "Replace credentials").click();
      assert.equal(await page.evaluate(() => document.activeElement?.id), "profile-authToken");
      assert.equal(await field(d, "Auth token").inputValue(), "", "never filled from the backend");
      await field(d, "Auth token").fill("new-token");
      await field(d, "Secret code").fill("new-secret");
      await field(d, "Timeout in seconds (optional)").fill("45");
      await button(d, "Save changes").click();
      await d.waitFor({ state: "detached" });
      const saved = await mock(page, () =>
        window.__tokendeskMock.exchanges.filter((x) => x.cmd === "save_profile").map((x) => x.args),
      );
      assert.equal(saved.length, 2);
      assert.deepEqual(saved[1].secrets, { authToken: "new-token", secretCode: "new-secret" });
      assert.equal(saved[1].replace, true);
      assert.equal(saved[1].draft.timeoutSecs, 45);

      // Edit without Replace keeps the stored secrets: secrets null.
      await button(page, "Edit prod").click();
      await button(d, "Save changes").click();
      await d.waitFor({ state: "detached" });
      const last = await mock(
        page,
        () => window.__tokendeskMock.exchanges.filter((x) => x.cmd === "save_profile").at(-1)?.args,
      );
      assert.equal(/** @type {any} */ (last).secrets, null);

      await button(page, "Remove prod").click();
      const c = page.getByRole("dialog", { name: "Remove profile prod?" });
      await c.getByText("deletes its auth token and secret code").waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Cancel");
      await shot(page, "05-remove-confirm");
      await axe(page, "remove confirmation");
      await page.keyboard.press("Escape");
      await c.waitFor({ state: "detached" });
      // (the profile list's item; the activity column lists the profile's changes too)
      assert.equal(await side(page).getByRole("listitem").filter({ hasText: "prod" }).count(), 1);
      await button(page, "Remove prod").click();
      await button(c, "Remove profile").click();
      await side(page).getByText("No profiles yet").waitFor();
      const names = await mock(page, async () =>
        /** @type {{ name: string }[]} */ (
          await window.__tokendeskMock.backend.handle("list_profiles")
        ).map((p) => p.name),
      );
      assert.deepEqual(names, []);
    }));

  it("tests connections in place: success and every transport failure", async () =>
    withApp({}, async (page) => {
      const cases = [
        ["ok", "https://mfa.example.com", null],
        ["down", "https://down.example.com", "The server could not be reached"],
        ["slow", "https://slow.example.com", "The server did not answer in time"],
        ["proxy", "https://proxy.example.com", "The server answered with an HTTP error"],
        ["portal", "https://portal.example.com", "The answer was not a CENTAGATE answer"],
      ];
      for (const [name, url] of cases) await addProfile(page, { name, url });
      for (const [name, , title] of cases) {
        await button(page, `Test connection of ${name}`).click();
        const status = page.getByRole("status", { name: `Connection test of ${name}` });
        if (title) {
          await status.getByText(title).waitFor();
          await status.getByText("Connection problem").waitFor();
        } else {
          await status
            .getByText("https://mfa.example.com answered and accepted the credentials of helpdesk.")
            .waitFor();
        }
      }
      const proxy = page.getByRole("status", { name: "Connection test of proxy" });
      await proxy.getByText("502", { exact: true }).waitFor();
      await proxy
        .getByText("the server answered HTTP 502: <html><body>Bad Gateway</body></html>")
        .waitFor();
      await shot(page, "06-connection-tests");
      await axe(page, "connection tests");
      await button(proxy, "Copy details").click();
      const text = await clipboard(page);
      assert.match(text, /TokenDesk: The server answered with an HTTP error/);
      assert.match(text, /Kind: transport/);
      assert.match(text, /Code: 502/);
      assert.match(text, /Profile: proxy/);
    }));
});

describe("error kinds", () => {
  it("renders input, server, transport and config errors from the backend", async () =>
    withApp({}, async (page) => {
      // input: the CA file the shell's dialog chose, which only the backend can check (the
      // window names no path: it gets only the answer)
      await mock(page, () => (window.__tokendeskMock.backend.caFilePick = "/nope/ca.crt"));
      await button(
        page.getByRole("complementary", { name: "Profiles and practice" }),
        "Add profile",
      ).click();
      const d = page.getByRole("dialog");
      await button(d, "Choose the CA certificate file").click();
      const alert = d.getByRole("alert");
      await alert.getByText("CA certificate file is not valid").waitFor();
      await alert.getByText("Not sent: invalid input").waitFor();
      await alert
        .getByText("CA certificate file: not a readable PEM file. Nothing was sent to the server.")
        .waitFor();
      await shot(page, "07-error-input");
      await axe(page, "input error");
      await page.keyboard.press("Escape");

      // config: no credential store
      await mock(page, () => (window.__tokendeskMock.backend.storeAvailable = false));
      await addProfile(page, { name: "nostore", url: "https://mfa.example.com" });
      await d.getByRole("alert").getByText("No credential store is available").waitFor();
      await d.getByRole("alert").getByText("Setup problem").waitFor();
      await shot(page, "08-error-config");
      await page.keyboard.press("Escape");
      await mock(page, () => (window.__tokendeskMock.backend.storeAvailable = true));

      // server: credentials refused (10001)
      await addProfile(page, {
        name: "expired",
        url: "https://mfa.example.com",
        authToken: "expired",
      });
      await findUser(page, "bob");
      await main(page).getByText("Credentials refused or session expired").waitFor();
      await main(page).getByText("The server refused").waitFor();
      await main(page).getByText("Permission not allowed").waitFor();
      await main(page).getByText("10001", { exact: true }).waitFor();
      await shot(page, "09-error-server");

      // transport: unreachable during an operation
      await addProfile(page, { name: "down", url: "https://down.example.com" });
      await findUser(page, "bob");
      await main(page).getByText("The server could not be reached").waitFor();
      await main(page)
        .getByText("could not connect to down.example.com: Connection refused (os error 111)")
        .waitFor();
      await shot(page, "10-error-transport");
      await axe(page, "transport error");
      await button(page.getByRole("main"), "Copy details").click();
      const text = await clipboard(page);
      assert.match(text, /Action: Find user/);
      assert.match(text, /User: bob/);
      assert.match(text, /Profile: down/);
      assert.match(text, /Kind: transport/);
      await main(page).getByText("Details copied.").waitFor();
    }));
});

describe("find a user and act", () => {
  it("shows loading, methods, empty and not-found states", async () =>
    withApp({}, async (page) => {
      await startPractice(page);
      await button(page, "Find a user").click();
      await main(page).getByText("On Practice").waitFor();

      await mock(page, () => window.__tokendeskMock.backend.hold("list_methods"));
      await field(page, "Username").fill("oscar");
      await field(page, "Username").press("Enter");
      await main(page).getByText("Looking up oscar…").waitFor();
      await shot(page, "11-user-loading");
      await mock(page, () => window.__tokendeskMock.backend.release("list_methods"));
      const t = methodsTable(page, "oscar");
      await t.waitFor();
      for (const text of [
        "+60120001012",
        "HW-2009",
        "FIDO-5001",
        "4F2A9C01",
        "Oscar's phone · Pixel 8 · Android 15",
      ])
        await t.getByText(text).waitFor();
      await main(page).getByText("oscar has 5 methods bound.").waitFor();
      await shot(page, "12-user-methods");
      await axe(page, "methods table");

      await findUser(page, "grace");
      await main(page).getByText("No methods bound.", { exact: true }).waitFor();
      await shot(page, "13-user-no-methods");

      await findUser(page, "nobody");
      await main(page).getByText("No user named “nobody”").waitFor();
      await main(page).getByText("No such user").waitFor();
      await main(page).getByText("22002", { exact: true }).waitFor();
      await shot(page, "14-user-not-found");
      await axe(page, "not found");

      // Username rules, as typed.
      await field(page, "Username").fill("x");
      await field(page, "Username").fill("  ");
      await main(page).getByText("Username: must not be empty").waitFor();
      await field(page, "Username").fill("a\u0007b");
      await main(page)
        .getByText("Username: must not contain control characters (tabs, line breaks)")
        .waitFor();
      await field(page, "Username").fill("u".repeat(129));
      await main(page).getByText("Username: must be at most 128 characters").waitFor();
      await field(page, "Username").press("Enter");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "find-username");
    }));

  it("unlocks a locked token, refreshes the table, and explains a needless unlock", async () =>
    withApp({}, async (page) => {
      await startPractice(page);
      await button(page, "Find a user").click();
      await findUser(page, "carol");
      const row = await rowOf(page, "carol", "HW-2002");
      await row.getByText("locked").waitFor();
      await main(page).getByText("The OTP token HW-2002 is locked").waitFor();
      // Focus lands on the prominent Unlock button.
      assert.equal(
        await page.evaluate(() => document.activeElement?.textContent?.trim()),
        "Unlock token",
      );
      await shot(page, "15-unlock-offered");
      await axe(page, "unlock offered");
      await page.keyboard.press("Enter");
      const result = page.getByRole("status", { name: "Result of the last action" });
      await result.getByText("Unlocked the OTP token of carol; it is active again.").waitFor();
      await (await rowOf(page, "carol", "HW-2002")).getByText("active", { exact: true }).waitFor();
      await shot(page, "16-unlocked");

      await button(page.getByRole("group", { name: "Unlock OTP token" }), "Unlock token").click();
      await result.getByText("The token is not locked or suspended").waitFor();
      await result.getByText("Invalid token status").waitFor();
      await result.getByText("29017", { exact: true }).waitFor();
      await shot(page, "17-unlock-not-needed");
      await button(result, "Copy details").click();
      const text = await clipboard(page);
      assert.match(text, /TokenDesk: The token is not locked or suspended/);
      assert.match(text, /Action: Unlock\nUser: carol\nProfile: Practice\nKind: server/);
      assert.match(
        text,
        /Code: 29017\nServer message: Invalid token status\nWhat to do: Nothing to unlock/,
      );
    }));

  it("resyncs: rules as typed, paste splits, auto-advance, wrong codes, then right codes", async () =>
    withApp({}, async (page) => {
      await startPractice(page);
      await button(page, "Find a user").click();
      await findUser(page, "erin");
      const first = field(page, "First code");
      const second = field(page, "Second code");
      await first.fill("12345");
      await main(page).getByText("First code: must be 6 to 8 digits").waitFor();
      await first.fill("123456");
      await second.fill("1234567");
      await main(page)
        .getByText("Second code: must have as many digits as the first code")
        .waitFor();
      await second.fill("123456");
      await main(page)
        .getByText(
          "Second code: must differ from the first code: ask for the next code the token shows",
        )
        .waitFor();
      await second.fill("12a456");
      await main(page).getByText("Second code: must be 6 to 8 digits").waitFor();
      await shot(page, "18-resync-errors");
      await axe(page, "resync errors");

      // Paste of "123456 654321" splits into both fields.
      await first.fill("");
      await second.fill("");
      await page.evaluate(() => navigator.clipboard.writeText("123456 654321"));
      await first.focus();
      await page.keyboard.press("Control+V");
      assert.equal(await first.inputValue(), "123456");
      assert.equal(await second.inputValue(), "654321");
      await second.press("Enter");
      const result = page.getByRole("status", { name: "Result of the last action" });
      await result.getByText("The two codes did not match the token").waitFor();
      await result.getByText("54002", { exact: true }).waitFor();
      await shot(page, "19-resync-wrong-codes");

      // Read erin's drifted token's codes from the practice panel, then type them.
      await button(page, "Practice").click();
      await page.getByTestId("code-HW-2004").waitFor();
      // Both codes in one read, so a TOTP step cannot pass between them.
      const [current, next] = await page.evaluate(() =>
        ["code-HW-2004", "next-HW-2004"].map(
          (id) => document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() ?? "",
        ),
      );
      await button(page, "Find a user").click();
      await findUser(page, "erin");
      await first.click();
      await page.keyboard.type((current ?? "").trim());
      // Auto-advance: the sixth digit moves focus to the second field.
      assert.equal(await page.evaluate(() => document.activeElement?.id), "otp2");
      await page.keyboard.type((next ?? "").trim());
      await page.keyboard.press("Enter");
      await result
        .getByText("Resynchronised the OTP token of erin; the next code it shows will work.")
        .waitFor();
      assert.equal(await first.inputValue(), "", "fields cleared after success");
      await shot(page, "20-resynced");
    }));

  it("registers an SMS number (showing the normalised number) and a hardware token", async () =>
    withApp({}, async (page) => {
      await startPractice(page);
      await button(page, "Find a user").click();
      await findUser(page, "grace");
      const phone = field(page, "Phone number");
      await phone.fill("12345");
      await main(page)
        .getByText(
          "Phone number: must be 7 to 15 digits, optionally starting with +; spaces, dashes and brackets are allowed",
        )
        .waitFor();
      await phone.fill("+60 12-999 1234");
      await main(page).getByText("Will be sent as +60129991234").waitFor();
      await shot(page, "21-register-sms");
      await axe(page, "register form");
      await phone.press("Enter");
      const result = page.getByRole("status", { name: "Result of the last action" });
      await result
        .getByText("Registered SMS number +60129991234 to grace; it is active.")
        .waitFor();
      await (await rowOf(page, "grace", "+60129991234")).getByText("active").waitFor();
      const sent = await mock(
        page,
        () =>
          window.__tokendeskMock.exchanges.filter((x) => x.cmd === "register_token").at(-1)?.args,
      );
      assert.deepEqual(sent, {
        profile: "Practice",
        request: { username: "grace", token: { kind: "sms", phone: "+60129991234" } },
      });

      await page.getByLabel("Hardware token").check();
      const serial = field(page, "Token serial");
      await serial.fill("HW 1001");
      await main(page).getByText("Token serial: must be 1 to 64 letters, digits, - or _").waitFor();
      await serial.fill("HW-1001");
      await serial.press("Enter");
      await result.getByText("Registered hardware token HW-1001 to grace; it is active.").waitFor();
      await (await rowOf(page, "grace", "HW-1001")).getByText("active").waitFor();
      await shot(page, "22-registered");

      await serial.fill("HW-1002");
      await serial.press("Enter");
      await result.getByText("The user already has an OTP token").waitFor();
      await result.getByText("29008", { exact: true }).waitFor();

      await page.getByLabel("SMS number").check();
      await phone.fill("+60120001001");
      await phone.press("Enter");
      await result.getByText("This phone number is already in use").waitFor();
      await shot(page, "23-register-refused");
    }));
});

describe("practice", () => {
  it("shows codes with countdown, fails logins until locked, drifts, stops", async () =>
    withApp({}, async (page) => {
      await button(page, "Practice").click();
      await main(page)
        .getByText("Practice mode runs a practice CENTAGATE and SecurID Cloud server")
        .waitFor();
      await shot(page, "24-practice-off");
      await axe(page, "practice off");
      await button(page, "Start practice mode").click();
      const table = page.getByRole("table", { name: "Practice users" });
      await table.waitFor();
      await page.getByTestId("code-HW-2001").waitFor();
      assert.match((await page.getByTestId("code-HW-2009").textContent()) ?? "", /^\d{8}$/);
      assert.match((await page.getByTestId("code-HW-2004").textContent()) ?? "", /^\d{6}$/);
      const bobRow = table.getByRole("row").filter({ hasText: "HW-2001" });
      assert.equal(await bobRow.locator(".countdown").count(), 0, "HOTP has no countdown");
      const erinRow = table.getByRole("row").filter({ hasText: "HW-2004" });
      assert.match((await erinRow.locator(".countdown").textContent()) ?? "", /^\d+s left$/);
      await page
        .getByRole("listitem")
        .filter({ hasText: "Practice" })
        .first()
        .getByText("practice", { exact: true })
        .waitFor();
      await shot(page, "25-practice-panel");
      await axe(page, "practice panel");

      for (let i = 1; i <= 5; i++) {
        await button(page, "Fail login for bob").click();
        await page
          .getByRole("status")
          .getByText(new RegExp(`failure ${i} of 5`))
          .waitFor();
      }
      await bobRow.getByText("locked").waitFor();
      assert.ok(
        await button(page, "Fail login for bob").isDisabled(),
        "no more logins once locked",
      );
      await shot(page, "26-practice-locked");

      const before = await page.getByTestId("code-HW-2005").textContent();
      await button(page, "Add drift to HW-2005").click();
      await main(page).getByText("HW-2005 now runs 10 steps ahead").waitFor();
      assert.notEqual(await page.getByTestId("code-HW-2005").textContent(), before);

      await button(page, "Copy codes of HW-2005").click();
      assert.match(await clipboard(page), /^\d{6} \d{6}$/);

      // The lock shows on the user screen too; unlock it there.
      await button(page, "Find a user").click();
      await findUser(page, "bob");
      await button(page, "Unlock token").click();
      await main(page).getByText("Unlocked the OTP token of bob").waitFor();

      await button(page, "Stop practice").click();
      await button(page, "Start practice").waitFor();
      await side(page).getByText("No profiles yet").waitFor();
    }));
});

describe("activity (the audit log)", () => {
  it("lists today's actions with outcomes, filters, exports and copies for a ticket", async () =>
    withApp({}, async (page) => {
      // Entries another process left: one whose answer never came, one still waiting, and
      // yesterday's, which today's view does not show.
      await mock(page, () => {
        const y = new Date(Date.now() - 86_400_000);
        y.setHours(12);
        window.__tokendeskMock.backend.seedAudit([
          { target: "dave", outcome: "unknown", surface: "cli" },
          {
            target: "erin@example.com",
            operation: "unlockMethods",
            profile: "Practice-SecurID",
            outcome: "inProgress",
            surface: "cli",
          },
          { target: "frank", at: y.toISOString(), summary: "Unlocked yesterday." },
        ]);
      });
      await startPractice(page);
      await button(page, "Find a user").click();
      await findUser(page, "carol");
      await button(page, "Unlock token").click();
      await main(page).getByText("Unlocked the OTP token of carol").waitFor();
      await findUser(page, "nobody");
      const column = page.getByRole("complementary", { name: "Today's activity" });
      await column.getByText("No such user (code 22002)").waitFor();
      await shot(page, "27-activity-side");

      await button(page, "Activity").click();
      const list = page.getByRole("list", { name: "Recorded actions, newest first" });
      const items = list.getByRole("listitem");
      await main(page).getByText("6 actions: 1 failed, 1 unknown, 1 in progress").waitFor();
      // find carol, unlock, refresh after unlock, find nobody; dave and erin from the CLI
      assert.deepEqual(
        await items.evaluateAll((els) => els.map((e) => e.getAttribute("data-outcome"))),
        ["failed", "ok", "ok", "ok", "inProgress", "unknown"],
      );
      const unknown = items.filter({ hasText: "dave" });
      await unknown.getByText("No answer was recorded", { exact: false }).waitFor();
      // Unknown looks unlike done and failed: its own border colour.
      const borders = await items.evaluateAll((els) =>
        els.map((e) => getComputedStyle(e).borderLeftColor),
      );
      assert.equal(new Set([borders[0], borders[1], borders[5]]).size, 3, borders.join(" / "));
      await shot(page, "28-activity");
      await axe(page, "activity");

      // Copy for ticket: core's text of that entry.
      await items
        .first()
        .getByRole("button", { name: /^Copy for ticket/ })
        .click();
      await items.first().getByText("Copied for a ticket.").waitFor();
      const ticket = await clipboard(page);
      assert.match(ticket, /^TokenDesk audit entry #\d+\n/);
      assert.match(ticket, /Action: +listMethods nobody/);
      assert.match(ticket, /Error: +No such user \(code 22002\)/);

      // Filters: outcome, then user, then the days back to yesterday.
      await field(page, "Outcome").selectOption("unknown");
      await main(page).getByText("1 action: 1 unknown").waitFor();
      await field(page, "Outcome").selectOption("");
      await field(page, "User").fill("Carol");
      await field(page, "User").press("Enter");
      await main(page).getByText("3 actions", { exact: true }).waitFor();
      await field(page, "User").fill("");
      await field(page, "Operation").selectOption("unlock");
      await main(page).getByText("2 actions: 1 unknown", { exact: true }).waitFor();
      const yesterday = await page.evaluate(() => {
        const d = new Date(Date.now() - 86_400_000);
        const p = (n) => String(n).padStart(2, "0");
        return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
      });
      await field(page, "From").fill(yesterday);
      await main(page).getByText("3 actions: 1 unknown", { exact: true }).waitFor();
      await list.getByText("Unlocked yesterday.").waitFor();
      await shot(page, "28a-activity-filtered");

      // Export: the filtered entries, all of them, through the shell's dialog.
      await button(main(page), "Export CSV…").click();
      await main(page).getByText("/home/helpdesk/Documents/tokendesk-audit.csv").waitFor();
      const exported = await mock(page, () =>
        window.__tokendeskMock.backend.exports.map((x) => x.entries.map((e) => e.target)),
      );
      assert.deepEqual(exported, [["dave", "frank", "carol"]]);
      await mock(page, () => {
        window.__tokendeskMock.backend.exportPick = null;
      });
      await button(main(page), "Export CSV…").click();
      await main(page).getByText("Export cancelled: nothing was written.").waitFor();

      // A range that runs backwards is said, not sent.
      await field(page, "To").fill("2020-01-01");
      await main(page).getByText("To: must not be before From").waitFor();
      await button(main(page), "Today").click();
      await main(page).getByText("6 actions: 1 failed, 1 unknown, 1 in progress").waitFor();

      // Dark, and the minimum window size without sideways scrolling.
      await page.emulateMedia({ colorScheme: "dark" });
      await page.waitForFunction(() => document.documentElement.dataset.theme === "dark");
      await shot(page, "28b-activity-dark");
      await axe(page, "activity, dark");
      await page.setViewportSize({ width: 900, height: 600 });
      const overflow = await page.evaluate(() => {
        const m = /** @type {HTMLElement} */ (document.querySelector("main"));
        return {
          page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          main: m.scrollWidth - m.clientWidth,
        };
      });
      assert.deepEqual(overflow, { page: 0, main: 0 });
      await shot(page, "28c-activity-min-size");
    }));
});

describe("keyboard", () => {
  it("reaches everything with Tab, Enter submits, Esc closes", async () =>
    withApp({}, async (page) => {
      // Tab from the top to the sidebar's Add profile button.
      let found = false;
      for (let i = 0; i < 10 && !found; i++) {
        await page.keyboard.press("Tab");
        found = await page.evaluate(
          () => document.activeElement?.textContent?.trim() === "Add profile",
        );
      }
      assert.ok(found, "Add profile reachable with Tab");
      await page.keyboard.press("Enter");
      const d = page.getByRole("dialog");
      await d.waitFor();
      await page.keyboard.type("keyboard");
      await page.keyboard.press("Tab");
      await page.keyboard.type("https://mfa.example.com");
      await page.keyboard.press("Tab");
      await page.keyboard.type("helpdesk");
      // Base path, timeout, CA file (its name, read-only) and its Choose… button, how the
      // administrator signs in (one stop), auth token.
      for (let i = 0; i < 6; i++) await page.keyboard.press("Tab");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "profile-authToken");
      await page.keyboard.type("tok");
      await page.keyboard.press("Tab");
      await page.keyboard.type("sec");
      await page.keyboard.press("Enter");
      await d.waitFor({ state: "detached" });

      // Start practice and use the tabs, all with the keyboard.
      await button(page, "Start practice").focus();
      await page.keyboard.press("Enter");
      await button(page, "Open practice panel").waitFor();
      await button(page, "Find a user").focus();
      await page.keyboard.press("Enter");
      await field(page, "Username").focus();
      await page.keyboard.type("carol");
      await page.keyboard.press("Enter");
      await main(page).getByText("The OTP token HW-2002 is locked").waitFor();
      await page.keyboard.press("Enter"); // focus is on Unlock token
      await main(page).getByText("Unlocked the OTP token of carol").waitFor();
      // Focus stayed on the button (it is never disabled under the person's feet).
      assert.equal(
        await page.evaluate(() => document.activeElement?.textContent?.trim()),
        "Unlock token",
      );

      // Every control on the user screen has an accessible name and is focusable by Tab.
      const unnamed = await page.evaluate(() =>
        [...document.querySelectorAll("button, input, select, textarea")]
          .filter((el) => !el.closest("[inert]"))
          .filter((el) => {
            const id = el.id;
            const labelled =
              el.getAttribute("aria-label") ||
              el.getAttribute("aria-labelledby") ||
              (id && document.querySelector(`label[for="${id}"]`)) ||
              el.closest("label") ||
              (el.tagName === "BUTTON" && el.textContent.trim());
            return !labelled;
          })
          .map((el) => el.outerHTML.slice(0, 80)),
      );
      assert.deepEqual(unnamed, []);
      const tabbable = new Set();
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press("Tab");
        tabbable.add(
          await page.evaluate(
            () =>
              document.activeElement?.id ||
              document.activeElement?.getAttribute("aria-label") ||
              document.activeElement?.textContent?.trim(),
          ),
        );
      }
      for (const want of [
        "find-username",
        "otp1",
        "otp2",
        "register-phone",
        "Resync token",
        "Register SMS number",
        "Unlock token",
        "theme",
        "Test connection of keyboard",
        "Edit keyboard",
        "Remove keyboard",
      ])
        assert.ok(
          tabbable.has(want),
          `${want} reachable with Tab (got ${[...tabbable].join(", ")})`,
        );
    }));
});

describe("themes and sizes", () => {
  it("follows the OS and honours the override, at the minimum size too", async () => {
    await withApp({ colorScheme: "dark" }, async (page) => {
      const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const dark = await bg();
      await startPractice(page);
      await button(page, "Find a user").click();
      await findUser(page, "carol");
      await shot(page, "29-dark-user");
      await axe(page, "dark user screen");
      await button(page, "Practice").click();
      await page.getByRole("table", { name: "Practice users" }).waitFor();
      await shot(page, "30-dark-practice");
      await axe(page, "dark practice");
      await button(side(page), "Add profile").click();
      await field(page.getByRole("dialog"), "Server URL").fill("http://mfa.example.com");
      await shot(page, "30b-dark-dialog");
      await axe(page, "dark dialog");
      await page.keyboard.press("Escape");
      await button(page, "Find a user").click();
      await findUser(page, "nobody");
      await shot(page, "30c-dark-error");
      await axe(page, "dark error");
      await page.getByLabel("Theme").selectOption("light");
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "light");
      assert.notEqual(await bg(), dark);
      await page.getByLabel("Theme").selectOption("system");
      assert.equal(await bg(), dark);
      await page.getByLabel("Theme").selectOption("dark");
      await page.reload();
      await page.getByRole("heading", { name: "TokenDesk" }).waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
    });
    await withApp({ width: 900, height: 600 }, async (page) => {
      await startPractice(page);
      await button(page, "Find a user").click();
      await findUser(page, "erin");
      await shot(page, "31-minimum-size");
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth > window.innerWidth,
      );
      assert.equal(overflow, false, "no horizontal scrolling at the minimum size");
    });
  });
});

describe("secrets", () => {
  it("never come back across IPC, nor land in storage or the page", async () =>
    withApp({}, async (page) => {
      const CANARY_TOKEN = "CANARY-auth-7f3a91";
      const CANARY_SECRET = "CANARY-secret-b02c44";
      await addProfile(page, {
        name: "canary",
        url: "https://mfa.example.com",
        authToken: CANARY_TOKEN,
        secretCode: CANARY_SECRET,
      });
      await button(page, "Test connection of canary").click();
      await side(page)
        .getByText(/answered and accepted/)
        .waitFor();
      await button(page, "Edit canary").click();
      await page.keyboard.press("Escape");
      await findUser(page, "carol");
      await button(page, "Unlock token").click();
      await main(page).getByText("Unlocked the OTP token of carol").waitFor();
      await findUser(page, "bob");
      await page.getByLabel("Hardware token").check();
      await field(page, "Token serial").fill("HW-1003");
      await field(page, "Token serial").press("Enter");
      await main(page).getByText("The user already has an OTP token").waitFor();
      await button(page, "Activity").click();
      await button(page, "Practice").click();
      await button(page, "Start practice mode").click();
      await page.getByRole("table", { name: "Practice users" }).waitFor();

      const leaks = await page.evaluate(
        ([a, b]) => {
          const answers = JSON.stringify(window.__tokendeskMock.exchanges.map((x) => x.answer));
          const storage =
            JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage });
          const dom =
            document.documentElement.outerHTML +
            [...document.querySelectorAll("input")].map((i) => i.value).join("|");
          return [answers, storage, dom].map((s) => s.includes(a) || s.includes(b));
        },
        [CANARY_TOKEN, CANARY_SECRET],
      );
      assert.deepEqual(leaks, [false, false, false], "[IPC answers, storage, page]");
      // They did go one way: to the backend, once.
      const sentOnce = await mock(
        page,
        (a) =>
          window.__tokendeskMock.exchanges.filter((x) => JSON.stringify(x.args).includes(a)).length,
        CANARY_TOKEN,
      );
      assert.equal(sentOnce, 1);
    }));
});
