import { useEffect } from 'react';
import type { EditorStore } from '../../canvas/editor.store.ts';
import { parseClipboardPayload, serializeClipboardPayload } from './clipboard-payload.ts';
import {
  hasTextSelection,
  isTypingTarget,
  recallCopy,
  rememberCopy,
  writeSystemClipboard,
} from './clipboard-transport.ts';
import { autoLayout, copySelection, cutSelection, duplicateSelection, pastePayload } from './gesture-commands.ts';
import type { GesturesApi } from './gestures-context.ts';

/**
 * Copy, cut and paste ride the browser's clipboard events, which hand the page the system clipboard without a
 * permission prompt.  Where a browser sends no such event for a non-editable focus, the key press itself falls back
 * (after the event would have arrived) to localStorage and the async clipboard API.  Other keys: Ctrl/⌘+D duplicate,
 * Ctrl/⌘+A select all, Ctrl/⌘+F find, Shift+Alt+L auto-layout, ? help.
 */
export function useGestureKeys(store: EditorStore, api: GesturesApi): void {
  useEffect(() => {
    const { notify } = api;
    const plural = (count: number) => `${count} step${count === 1 ? '' : 's'}`;
    let pending: 'copy' | 'cut' | 'paste' | null = null;

    const copyOut = (kind: 'copy' | 'cut', clipboard: DataTransfer | null): boolean => {
      const payload = kind === 'cut' ? cutSelection(store) : copySelection(store);
      if (!payload) return false;
      const text = serializeClipboardPayload(payload);
      rememberCopy(text);
      if (clipboard) clipboard.setData('text/plain', text);
      else void writeSystemClipboard(text);
      notify(`${kind === 'cut' ? 'Cut' : 'Copied'} ${plural(payload.nodes.length)}`);
      return true;
    };

    const pasteText = (text: string | null) => {
      const stored = recallCopy();
      // An empty or unreadable system clipboard falls back to this browser's last copy.
      const source = text !== null && text !== '' ? text : stored;
      if (source === null || source === '') return;
      const parsed = parseClipboardPayload(source);
      if (!parsed.ok) {
        if (parsed.reason === 'invalid') notify(`Cannot paste: ${parsed.error}`, 'error');
        return;
      }
      try {
        notify(`Pasted ${plural(pastePayload(store, parsed.payload))}`);
      } catch (error) {
        notify(`Cannot paste: ${error instanceof Error ? error.message : String(error)}`, 'error');
      }
    };

    const onCopyOrCut = (event: ClipboardEvent) => {
      const kind = event.type === 'cut' ? 'cut' : 'copy';
      if (pending === kind) pending = null;
      if (isTypingTarget(event.target) || hasTextSelection()) return;
      if (copyOut(kind, event.clipboardData)) event.preventDefault();
    };
    const onPaste = (event: ClipboardEvent) => {
      if (pending === 'paste') pending = null;
      if (isTypingTarget(event.target)) return;
      event.preventDefault();
      pasteText(event.clipboardData?.getData('text/plain') ?? null);
    };

    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || isTypingTarget(event.target)) return;
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      if (mod && !event.shiftKey && !event.altKey && (key === 'c' || key === 'x' || key === 'v')) {
        if ((key === 'c' || key === 'x') && hasTextSelection()) return;
        const kind = key === 'c' ? 'copy' : key === 'x' ? 'cut' : 'paste';
        pending = kind;
        // The clipboard event, if the browser sends one, arrives before this timer and clears `pending`.
        window.setTimeout(() => {
          if (pending !== kind) return;
          pending = null;
          if (kind === 'paste') pasteText(null);
          else copyOut(kind, null);
        }, 0);
        return;
      }
      if (mod && key === 'd') {
        event.preventDefault();
        try {
          const count = duplicateSelection(store);
          if (count) notify(`Duplicated ${plural(count)}`);
        } catch (error) {
          notify(`Cannot duplicate: ${error instanceof Error ? error.message : String(error)}`, 'error');
        }
      } else if (mod && key === 'a') {
        event.preventDefault();
        const { document, actions } = store.getState();
        actions.select({ nodeIds: document.doc.nodes.map((node) => node.id), edgeIds: [] });
      } else if (mod && key === 'f') {
        event.preventDefault();
        api.openSearch();
      } else if (event.shiftKey && event.altKey && event.code === 'KeyL') {
        event.preventDefault();
        notify(autoLayout(store) ? 'Laid out the flow' : 'The flow is already laid out');
      } else if (event.key === '?' && !mod) {
        event.preventDefault();
        api.openHelp();
      }
    };

    document.addEventListener('copy', onCopyOrCut);
    document.addEventListener('cut', onCopyOrCut);
    document.addEventListener('paste', onPaste);
    window.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('copy', onCopyOrCut);
      document.removeEventListener('cut', onCopyOrCut);
      document.removeEventListener('paste', onPaste);
      window.removeEventListener('keydown', onKeyDown);
    };
  }, [store, api]);
}
