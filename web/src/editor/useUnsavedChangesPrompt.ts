import { useCallback } from 'react';
import type { EditorStore } from '../canvas/editor.store.ts';
import { useLeaveGuard } from '../routing/useLeaveGuard.ts';

/** Asks before leaving the editor with unsaved changes: in-app navigation, back/forward and closing/reloading the tab. */
export function useUnsavedChangesPrompt(store: EditorStore) {
  const isDirty = useCallback(() => store.getState().document.dirty, [store]);
  useLeaveGuard(isDirty, 'This flow has unsaved changes. Leave without saving?');
}
