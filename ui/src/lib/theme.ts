/** Light/dark theme: follows the OS unless the person overrides it (kept in localStorage). */
export type ThemeChoice = "system" | "light" | "dark";
const KEY = "tokendesk.theme";

export function loadTheme(): ThemeChoice {
  const v = globalThis.localStorage?.getItem(KEY);
  return v === "light" || v === "dark" ? v : "system";
}

export function applyTheme(choice: ThemeChoice) {
  const root = document.documentElement;
  if (choice === "system") delete root.dataset.theme;
  else root.dataset.theme = choice;
  if (choice === "system") localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, choice);
}
