// Shared machinery of the Playwright run: a static server for the e2e build, Debian's
// chromium through playwright-core, screenshots, the axe scan and CSP-violation capture.
import { createServer } from "node:http";
import { readFile, mkdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { extname, join, normalize, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { AxeBuilder } from "@axe-core/playwright";

const here = dirname(fileURLToPath(import.meta.url));
export const UI = resolve(here, "..");
export const DIST = join(UI, "dist-e2e");
export const SCREENSHOT_DIR = resolve(
  process.env.SCREENSHOT_DIR || join(UI, "test-results", "screenshots"),
);

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
};

/** Serves dist-e2e on 127.0.0.1 (a secure context, so the clipboard API works). */
export async function serve() {
  if (!existsSync(join(DIST, "index.html")))
    throw new Error(`${DIST} is missing: run npm run build:e2e first`);
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
    const file = join(DIST, path === "/" ? "index.html" : path);
    if (!file.startsWith(DIST)) return void res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(undefined)));
  const addr = /** @type {import("node:net").AddressInfo} */ (server.address());
  return { url: `http://127.0.0.1:${addr.port}/`, close: () => server.close() };
}

export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    // playwright-core gives every launch a fresh temporary user-data-dir.
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * A fresh page on the app with the mock backend, clipboard access and CSP-violation capture.
 * @param {import("playwright-core").Browser} browser
 * @param {string} url
 * @param {{ colorScheme?: "light" | "dark", width?: number, height?: number }} [opts]
 */
export async function openApp(browser, url, opts = {}) {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 820 },
    colorScheme: opts.colorScheme ?? "light",
    reducedMotion: "reduce",
  });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: url });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  /** @type {string[]} */
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  await page.goto(url);
  await page.getByRole("heading", { name: "TokenDesk" }).waitFor();
  return { context, page, problems };
}

/** Saves a full-page screenshot as SCREENSHOT_DIR/name.png. */
export async function shot(page, name) {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Fails on any serious or critical axe-core violation on the page as it is now. */
export async function axe(page, what) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(
    bad.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
    ),
    [],
    `axe on ${what}`,
  );
  return results;
}

/** Runs `fn` against the page's mock backend (window.__tokendeskMock). */
export function mock(page, fn, arg) {
  return page.evaluate(fn, arg);
}
