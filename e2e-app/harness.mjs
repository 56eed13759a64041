// Machinery of the end-to-end run against the real app: starts tauri-driver (which starts
// Debian's WebKitWebDriver, which starts the app), opens a WebdriverIO session, finds controls
// by their labels, and saves screenshots. Run through ../scripts/e2e-app.sh, which builds the
// app, and provides the X display (xvfb-run) and a throwaway unlocked Secret Service.
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, existsSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { remote } from "webdriverio";

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(here, "..");
export const APP =
  process.env.TOKENDESK_APP_BINARY || join(REPO, "target", "debug", "tokendesk-app");
export const SCREENSHOT_DIR = resolve(
  process.env.SCREENSHOT_DIR ||
    join(here, "screenshots", new Date().toISOString().replace(/[:.]/g, "-")),
);
const TAURI_DRIVER = process.env.TAURI_DRIVER || "tauri-driver";
const NATIVE_DRIVER = process.env.NATIVE_DRIVER || "/usr/bin/WebKitWebDriver";
/** How long to wait for an element or a text (the app talks to a local server). */
export const WAIT_MS = Number(process.env.E2E_WAIT_MS || 15_000);

async function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (s.address());
      s.close(() => ok(port));
    });
  });
}

function accepts(port) {
  return new Promise((ok) => {
    const c = createConnection({ port, host: "127.0.0.1" });
    c.once("connect", () => {
      c.destroy();
      ok(true);
    });
    c.once("error", () => ok(false));
  });
}

async function waitForPorts(ports, child, log, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`tauri-driver exited (${child.exitCode}):\n${log.join("")}`);
    const up = await Promise.all(ports.map(accepts));
    if (up.every(Boolean)) return;
    if (Date.now() > until)
      throw new Error(
        `ports ${ports.join(", ")} not accepting after ${timeoutMs} ms:\n${log.join("")}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Kills every app process started with this config folder (its environment names it). */
function killLeftApps(/** @type {string} */ configDir) {
  const mark = `TOKENDESK_CONFIG_DIR=${configDir}\0`;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    if (Number(pid) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, "latin1").includes(mark)) {
        process.kill(Number(pid), "SIGKILL");
      }
    } catch {
      /* gone, or not ours to read */
    }
  }
}

/**
 * Starts tauri-driver and a session on the app in practice mode, with a fresh config folder.
 * The app inherits tauri-driver's environment (through WebKitWebDriver).
 */
export async function startApp({ home = "", keepHome = false } = {}) {
  if (!existsSync(APP)) throw new Error(`${APP} is missing: build it (scripts/e2e-app.sh)`);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // `home` reuses the folders of an earlier launch (with `keepHome`, `stop` leaves them).
  home ||= mkdtempSync(join(tmpdir(), "tokendesk-e2e-app-"));
  const configDir = join(home, "tokendesk");
  const xdgConfig = join(home, "xdg-config"); // the window-state plugin's file goes here
  mkdirSync(configDir, { recursive: true });
  mkdirSync(xdgConfig, { recursive: true });
  const port = await freePort();
  let nativePort = await freePort();
  while (nativePort === port) nativePort = await freePort();
  /** @type {string[]} */
  const log = [];
  const driver = spawn(
    TAURI_DRIVER,
    ["--port", String(port), "--native-port", String(nativePort), "--native-driver", NATIVE_DRIVER],
    {
      env: {
        ...process.env,
        TOKENDESK_PRACTICE: "1",
        TOKENDESK_CONFIG_DIR: configDir,
        TOKENDESK_DATA_DIR: `${configDir}/data`,
        XDG_CONFIG_HOME: xdgConfig,
        NO_AT_BRIDGE: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const keep = (/** @type {Buffer} */ b) => {
    log.push(b.toString());
    if (process.env.E2E_VERBOSE) process.stderr.write(b);
  };
  driver.stdout.on("data", keep);
  driver.stderr.on("data", keep);
  try {
    await waitForPorts([port, nativePort], driver, log);
  } catch (e) {
    driver.kill("SIGTERM");
    throw e;
  }
  const browser = await remote({
    hostname: "127.0.0.1",
    port,
    logLevel: process.env.E2E_VERBOSE ? "info" : "warn",
    connectionRetryCount: 0,
    capabilities: /** @type {any} */ ({
      "tauri:options": { application: APP },
      "wdio:enforceWebDriverClassic": true,
    }),
  });
  browser.setTimeout({ implicit: 0 });
  const stop = async () => {
    try {
      // WebKitWebDriver ends the app when the session is deleted; a session that no longer
      // answers (after a page reload, say) must not hold the run.
      await Promise.race([
        browser.deleteSession(),
        new Promise((r) => setTimeout(r, 10_000).unref()),
      ]);
    } catch {
      /* the app may already be gone */
    }
    driver.kill("SIGTERM");
    await new Promise((r) => (driver.exitCode !== null ? r(undefined) : driver.once("exit", r)));
    // An app the driver left behind would keep its stdout (tauri-driver's pipe, inherited)
    // open, and with it this test file's process, for ever: end it, and let go of the pipes.
    killLeftApps(configDir);
    driver.stdout.destroy();
    driver.stderr.destroy();
    if (!keepHome) rmSync(home, { recursive: true, force: true });
  };
  return { browser, stop, home, configDir, xdgConfig, log };
}

/** Helpers bound to one session. */
export function helpers(/** @type {WebdriverIO.Browser} */ browser) {
  const q = (/** @type {string} */ s) => JSON.stringify(s); // an XPath string literal (no quotes inside)

  /** The element for an XPath or CSS selector, once it is displayed. */
  async function el(selector, timeout = WAIT_MS) {
    const e = await browser.$(selector);
    await e.waitForDisplayed({ timeout, timeoutMsg: `not displayed: ${selector}` });
    return e;
  }

  /** The input whose <label> reads `label` (optionally inside the element matched by `within`). */
  function field(label, within = "") {
    return el(`${within}//input[@id=${within}//label[normalize-space()=${q(label)}]/@for]`);
  }

  /** A button by its visible text (or, with `aria`, its aria-label). */
  function button(text, within = "") {
    return el(`${within}//button[normalize-space()=${q(text)} or @aria-label=${q(text)}]`);
  }

  async function type(label, value, within = "") {
    const f = await field(label, within);
    await f.click();
    await f.setValue(value);
    return f;
  }

  async function click(text, within = "") {
    const b = await button(text, within);
    await b.click();
    return b;
  }

  /** Waits until the element's text contains every one of `texts`; returns the text. */
  async function waitText(selector, texts, timeout = WAIT_MS) {
    const want = Array.isArray(texts) ? texts : [texts];
    let last = "";
    try {
      await browser.waitUntil(
        async () => {
          const e = await browser.$(selector);
          if (!(await e.isExisting())) return false;
          // textContent, whitespace collapsed: WebKitWebDriver's rendered text leaves out
          // text in overflow-hidden boxes and upper-cases text-transform'ed labels.
          last = await browser.execute(
            (node) => (node.textContent ?? "").replace(/\s+/g, " ").trim(),
            /** @type {any} */ (e),
          );
          return want.every((t) => last.includes(t));
        },
        { timeout, interval: 150 },
      );
    } catch {
      throw new Error(
        `waited ${timeout} ms for ${JSON.stringify(want)} in ${selector}; it read: ${JSON.stringify(last)}`,
      );
    }
    return last;
  }

  /** The text of each cell of the table row whose cells include `key` (e.g. a serial). */
  async function row(table, key) {
    const r = await browser.$(`${table}//tr[td[normalize-space()=${q(key)}]]`);
    if (!(await r.isExisting())) throw new Error(`no row ${key} in ${table}`);
    return browser.execute(
      (tr) =>
        Array.from(/** @type {HTMLTableRowElement} */ (tr).cells, (c) =>
          (c.textContent ?? "").replace(/\s+/g, " ").trim(),
        ),
      /** @type {any} */ (r),
    );
  }

  /** Waits until the row holding `key` reads `cells` (a prefix of its cells). */
  async function waitRow(table, key, cells, timeout = WAIT_MS) {
    let last = /** @type {string[]} */ ([]);
    try {
      await browser.waitUntil(
        async () => {
          last = await row(table, key).catch(() => []);
          return cells.every((c, i) => last[i] === c);
        },
        { timeout, interval: 150 },
      );
    } catch {
      throw new Error(
        `waited ${timeout} ms for row ${JSON.stringify(cells)} in ${table}; it read: ${JSON.stringify(last)}`,
      );
    }
    return last;
  }

  /** Saves SCREENSHOT_DIR/name.png of the window; `show` (a selector) is scrolled into view first. */
  async function shot(name, show = "") {
    if (show) await (await el(show)).scrollIntoView({ block: "center" });
    // WebKitWebDriver snapshots what was last painted: let two frames render first, or the
    // picture can show the page as it was before the last change.
    await browser.executeAsync((done) =>
      requestAnimationFrame(() => requestAnimationFrame(() => done(undefined))),
    );
    await browser.saveScreenshot(join(SCREENSHOT_DIR, `${name}.png`));
  }

  async function tab(name) {
    await click(name, "//nav[@aria-label='Screens']");
  }

  return { el, field, button, type, click, waitText, row, waitRow, shot, tab, q };
}

/**
 * One app for the tests of a `describe` block: started before them, stopped after. `step`
 * declares a test that saves FAIL-<prefix>-<name>.png when it fails; `s` holds the app, its
 * browser session and `helpers` once started.
 */
export function appSteps(prefix) {
  const s = {
    /** @type {Awaited<ReturnType<typeof startApp>>} */ app: /** @type {any} */ (null),
    /** @type {WebdriverIO.Browser} */ browser: /** @type {any} */ (null),
    /** @type {ReturnType<typeof helpers>} */ h: /** @type {any} */ (null),
  };
  before(async () => {
    s.app = await startApp();
    s.browser = s.app.browser;
    s.h = helpers(s.browser);
    console.log(`screenshots: ${SCREENSHOT_DIR}`);
  });
  after(async () => {
    await s.app?.stop();
  });
  const step = (/** @type {string} */ name, /** @type {() => Promise<void>} */ fn) =>
    test(name, async () => {
      try {
        await fn();
      } catch (e) {
        await s.h?.shot(`FAIL-${prefix}-${name.replace(/[^a-z0-9]+/gi, "-")}`).catch(() => {});
        throw e;
      }
    });
  return { s, step };
}
