/** Light/dark theme: follows the OS unless the person overrides it (kept in localStorage). */
export type ThemeChoice = "system" | "light" | "dark";
const KEY = "tokendesk.theme";
const DARK_QUERY = "(prefers-color-scheme: dark)";

let stopFollowing: (() => void) | null = null;

export function loadTheme(): ThemeChoice {
  const v = globalThis.localStorage?.getItem(KEY);
  return v === "light" || v === "dark" ? v : "system";
}

/**
 * Sets `data-theme` on the root to the theme in force ("light" or "dark"), so the stylesheet
 * has one dark palette; with "system" it follows the OS as it changes.
 */
export function applyTheme(choice: ThemeChoice) {
  const root = document.documentElement;
  stopFollowing?.();
  stopFollowing = null;
  if (choice === "system") {
    localStorage.removeItem(KEY);
    const query = globalThis.matchMedia?.(DARK_QUERY);
    const follow = () => (root.dataset.theme = query?.matches ? "dark" : "light");
    follow();
    query?.addEventListener("change", follow);
    stopFollowing = () => query?.removeEventListener("change", follow);
  } else {
    localStorage.setItem(KEY, choice);
    root.dataset.theme = choice;
  }
}
