/**
 * The UI's one way to the clipboard ("Copy details", "Copy for ticket"): the async clipboard
 * API, which the webview may refuse (no permission, no focus). The caller then shows the text
 * selected in a read-only box for the person to copy themselves.
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** How long a copied secret (an emergency tokencode) stays on the clipboard. */
export const SECRET_CLIPBOARD_MS = 60_000;

/**
 * Copies a secret of the moment (an emergency tokencode) and, after `ms`, clears the
 * clipboard — only if it still holds that secret (the person may have copied something else
 * since, which is theirs). Where the clipboard cannot be read back, it is cleared anyway:
 * losing what they copied later is better than leaving the code there. Resolves whether the
 * copy worked; `cancel` stops the clearing (not needed in normal use).
 */
export async function copySecret(
  text: string,
  ms: number = SECRET_CLIPBOARD_MS,
): Promise<{ copied: boolean; cancel: () => void }> {
  if (!(await copyText(text))) return { copied: false, cancel: () => undefined };
  const timer = setTimeout(() => void clearIfStill(text), ms);
  return { copied: true, cancel: () => clearTimeout(timer) };
}

async function clearIfStill(text: string): Promise<void> {
  let current: string | null = null;
  try {
    current = await navigator.clipboard.readText();
  } catch {
    current = null;
  }
  if (current === null || current === text) await copyText("");
}
