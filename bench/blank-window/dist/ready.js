// The same yardstick as the app (ui/src/App.svelte): once the form's input exists and is
// enabled, tell the Rust side once, with the ms since this page's navigation began. A module
// script runs after the document is parsed.
const input = document.getElementById("q");
if (input && !input.disabled) {
  const page = Math.round(performance.now());
  void window.__TAURI_INTERNALS__.invoke("ui_ready", { page }).catch(() => {});
}
