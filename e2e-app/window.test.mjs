// The window remembers its size and position across launches (tauri-plugin-window-state,
// kept on the Rust side), and cannot be made smaller than its minimum size; the Activity view
// shows the previous launch's actions (the audit log is durable).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { startApp, helpers } from "./harness.mjs";

describe("the main window (tauri-driver)", { concurrency: false }, () => {
  test("size and position are remembered across launches", async () => {
    const first = await startApp({ keepHome: true });
    let second;
    try {
      const h = helpers(first.browser);
      await h.el("//h1[normalize-space()='TokenDesk']");
      // An action to find again after the restart: a connection test of the practice profile.
      await h.click("Test connection of Practice");
      await h.waitText("//*[@aria-label='Connection test of Practice']", "answered and accepted");
      const before = await first.browser.getWindowRect();
      const want = { x: 60, y: 40, width: before.width - 137, height: before.height - 91 };
      await first.browser.setWindowRect(want.x, want.y, want.width, want.height);
      await first.browser.waitUntil(
        async () => (await first.browser.getWindowRect()).width === want.width,
        { timeout: 10_000, timeoutMsg: "the window did not take the new size" },
      );
      const set = await first.browser.getWindowRect();
      // Saved once the window settles, not only on a clean exit: the driver kills the app.
      const stateFile = () =>
        readdirSync(first.xdgConfig, { recursive: true })
          .map(String)
          .find((f) => f.endsWith(".window-state.json"));
      const saved = () => {
        const f = stateFile();
        return f ? JSON.parse(readFileSync(join(first.xdgConfig, f), "utf8")).main : undefined;
      };
      await first.browser
        .waitUntil(async () => saved()?.width === set.width && saved()?.height === set.height, {
          timeout: 10_000,
        })
        .catch(() => assert.fail(`the new size was not saved: ${JSON.stringify(saved())}`));
      await first.stop();

      second = await startApp({ home: first.home });
      const h2 = helpers(second.browser);
      await h2.el("//h1[normalize-space()='TokenDesk']");
      await h2.tab("Activity");
      await h2.waitText("//ol[@aria-label='Recorded actions, newest first']", [
        "Test connection",
        "Practice",
        "(app)",
      ]);
      const again = await second.browser.getWindowRect();
      assert.deepEqual(
        { width: again.width, height: again.height },
        { width: set.width, height: set.height },
        "the size of the last session",
      );
      assert.deepEqual({ x: again.x, y: again.y }, { x: set.x, y: set.y }, "its position");

      // Not smaller than the minimum size in tauri.conf.json.
      await second.browser.setWindowRect(null, null, 300, 200);
      const small = await second.browser.getWindowRect();
      assert.ok(small.width >= 900 && small.height >= 600, JSON.stringify(small));
    } finally {
      await second?.stop();
      if (existsSync(first.home)) rmSync(first.home, { recursive: true, force: true });
    }
  });
});
