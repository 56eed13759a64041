/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { svelteTesting } from "@testing-library/svelte/vite";

/**
 * The strict Content-Security-Policy the app must work under. The Tauri shell sets the same
 * policy in tauri.conf.json (see ui/README.md); the e2e build also puts it in a <meta> tag so
 * the Playwright run proves the UI needs no inline script, eval or remote content.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src ipc: http://ipc.localhost",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

/**
 * `--mode e2e` only: swap the entry for one that first installs the stateful mock backend
 * (Tauri's mockIPC), and add the CSP meta tag. The production build never references
 * src/mock or src/e2e.
 */
function e2eEntry(withCsp: boolean): Plugin {
  return {
    name: "tokendesk-e2e-entry",
    transformIndexHtml: {
      order: "pre",
      handler: (html) =>
        html
          .replace("/src/main.ts", "/src/e2e/entry.ts")
          .replace(
            "<!--csp-->",
            withCsp ? `<meta http-equiv="Content-Security-Policy" content="${CSP}" />` : "",
          ),
    },
  };
}

export default defineConfig(({ mode, command }) => ({
  // The dev server injects styles with <style> elements, so `dev:mock` runs without the CSP.
  plugins: [svelte(), svelteTesting(), ...(mode === "e2e" ? [e2eEntry(command === "build")] : [])],
  clearScreen: false,
  base: "./",
  server: { port: 1420, strictPort: true },
  build: {
    target: "es2022",
    sourcemap: false,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  test: {
    environment: "jsdom",
    include: ["tests/**/*.test.ts"],
    setupFiles: ["tests/setup.ts"],
    // A few tests render whole screens in jsdom; on a loaded 2-core machine that outlasts
    // vitest's default 5 s. A hang still fails, a slow render does not.
    testTimeout: 30_000,
  },
}));
