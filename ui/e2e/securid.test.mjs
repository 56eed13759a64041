// SecurID Cloud screens of the built UI over the mock backend, in Debian's chromium: a
// SecurID profile from a key file, the practice SecurID profile's lookup and unlock (also the
// HTTP 500 with the statuses), the practice panel's lock buttons — each scanned with axe, in
// light and dark, with screenshots.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { axe, launch, mock, openApp, serve, shot } from "./harness.mjs";

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

const side = (page) => page.getByRole("complementary", { name: "Profiles and practice" });
const main = (page) => page.getByRole("main");
const button = (scope, name) => scope.getByRole("button", { name, exact: true });

async function practiceSecurId(page) {
  await button(page, "Start practice").click();
  await side(page).getByText("running").waitFor();
  await side(page)
    .getByRole("radio", { name: /Practice-SecurID/ })
    .check();
  await button(page, "Find a user").click();
}

describe("SecurID Cloud", () => {
  it("adds a SecurID profile from its key file; the list shows kind and customer", async () => {
    await withApp({}, async (page) => {
      await button(side(page), "Add profile").click();
      const d = page.getByRole("dialog");
      await d.getByRole("radio", { name: /RSA SecurID Cloud/ }).check();
      await d.getByLabel("Profile name", { exact: true }).fill("cloud-prod");
      await button(d, "Add profile").click();
      await d.getByText("API key file: must be given").waitFor();
      await button(d, "Browse for the key file").click();
      const keyField = d.getByLabel("Key file", { exact: true });
      await page.waitForFunction(() =>
        /** @type {HTMLInputElement | null} */ (
          document.getElementById("profile-keyFile")
        )?.value.endsWith(".json"),
      );
      assert.match(await keyField.inputValue(), /securid-api-key\.json$/);
      await shot(page, "securid-01-profile-dialog");
      await axe(page, "SecurID profile dialog");
      await button(d, "Add profile").click();
      await d.waitFor({ state: "detached" });
      const item = side(page).getByRole("listitem").filter({ hasText: "cloud-prod" });
      await item.getByText("SecurID Cloud").waitFor();
      await item.getByText("Example Tenant").waitFor();
      await button(item, "Test connection of cloud-prod").click();
      await item.getByText(/accepted the API key of access ID/).waitFor();
      // Edit: the key is stored, replaced only on request.
      await button(item, "Edit cloud-prod").click();
      await page
        .getByRole("dialog")
        .getByText(/API key of access ID .* stored/)
        .waitFor();
      await page.getByRole("dialog").getByRole("button", { name: "Replace key file" }).waitFor();
      await shot(page, "securid-02-edit-dialog");
      await axe(page, "SecurID edit dialog");
      const sent = await mock(page, () => JSON.stringify(window.__tokendeskMock?.exchanges));
      assert.match(sent ?? "", /save_securid_profile/);
      assert.doesNotMatch(sent ?? "", /PRIVATE KEY|accessKey|keyJson/);
    });
  });

  for (const colorScheme of /** @type {const} */ (["light", "dark"])) {
    it(`looks up, unlocks, shows a 500 with the statuses (${colorScheme})`, async () => {
      await withApp({ colorScheme }, async (page) => {
        await practiceSecurId(page);
        const m = main(page);
        await m.getByLabel("Email address", { exact: true }).fill("bob@example.com");
        await m.getByLabel("Email address", { exact: true }).press("Enter");
        await m.getByRole("heading", { name: "Bob Baker" }).waitFor();
        assert.equal(await m.getByTestId("lock-TOKEN").innerText(), "unknown");
        await shot(page, `securid-03-found-${colorScheme}`);
        await axe(page, `SecurID user found (${colorScheme})`);
        await m.getByRole("checkbox", { name: /^SMS/ }).uncheck();
        await m.getByRole("checkbox", { name: /^Voice/ }).uncheck();
        await button(m, "Unlock tokencodes").click();
        await m.getByText(/Unlocked token for user/).waitFor();
        assert.equal(await m.getByTestId("lock-TOKEN").innerText(), "unlocked");
        await shot(page, `securid-04-unlocked-${colorScheme}`);

        await m.getByLabel("Email address", { exact: true }).fill("frank@example.com");
        await m.getByLabel("Email address", { exact: true }).press("Enter");
        await m.getByRole("heading", { name: "Frank Fischer" }).waitFor();
        await button(m, "Unlock tokencodes").click();
        const result = m.getByRole("status", { name: "Result of the unlock" });
        await result.getByText("The unlock did not complete").waitFor();
        await result.getByText(/Now: token unlocked, SMS unlocked, voice locked/).waitFor();
        assert.equal(await m.getByTestId("lock-VOICE").innerText(), "locked");
        await shot(page, `securid-05-unlock-500-${colorScheme}`);
        await axe(page, `SecurID unlock 500 (${colorScheme})`);
      });
    });
  }

  it("the practice panel locks a SecurID method; the unlock clears it", async () => {
    await withApp({}, async (page) => {
      await practiceSecurId(page);
      await button(side(page), "Open practice panel").click();
      const m = main(page);
      const cell = m.getByTestId("securid-alice-TOKEN");
      await button(cell, "Lock token of alice@example.com").click();
      await m.getByText(/alice@example.com: token tokencodes are now locked/).waitFor();
      await cell.getByText("locked", { exact: true }).waitFor();
      await shot(page, "securid-06-practice-panel");
      await axe(page, "practice panel with SecurID users");
      await page.getByRole("button", { name: "Find a user", exact: true }).click();
      await m.getByLabel("Email address", { exact: true }).fill("alice@example.com");
      await m.getByLabel("Email address", { exact: true }).press("Enter");
      await m.getByRole("heading", { name: "Alice Archer" }).waitFor();
      await button(m, "Unlock tokencodes").click();
      await m.getByText(/Unlocked token, SMS, voice for user/).waitFor();
    });
  });
});
