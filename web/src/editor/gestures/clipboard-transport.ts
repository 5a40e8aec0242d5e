/**
 * Where copied steps travel between editors: the system clipboard (so a paste works in another tab or window) and
 * localStorage (so it also works where the page may not touch the clipboard, e.g. a denied permission or an event
 * the browser does not fire).  The text in both is the serialized payload; it is parsed and checked on paste.
 */
export const CLIPBOARD_STORAGE_KEY = 'pipewright.clipboard.v1';

export function rememberCopy(text: string): void {
  try {
    window.localStorage.setItem(CLIPBOARD_STORAGE_KEY, text);
  } catch {
    // Storage full or disabled: the system clipboard still holds the copy.
  }
}

export function recallCopy(): string | null {
  try {
    return window.localStorage.getItem(CLIPBOARD_STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Writes to the system clipboard outside a copy event (the Ctrl+C fallback); a refusal is not an error. */
export async function writeSystemClipboard(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Denied or unavailable: localStorage holds the copy for this browser.
  }
}

/**
 * Whether a key or clipboard event belongs to a text field (its own copy, paste and shortcuts win) or to a dialog
 * (the canvas behind a modal is not edited).
 */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.closest('[role="dialog"]') !== null) return true;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** The user selected text on the page (in the run panel, say): Ctrl+C copies that text, not the steps. */
export function hasTextSelection(): boolean {
  const selection = window.getSelection();
  return selection !== null && !selection.isCollapsed && selection.toString().trim() !== '';
}
