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
