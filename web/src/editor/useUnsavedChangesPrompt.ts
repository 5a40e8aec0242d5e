import { useEffect } from 'react';
import type { EditorStore } from '../canvas/editor.store.ts';
import { addNavigationGuard } from '../routing/router.ts';

/** Asks before leaving the editor with unsaved changes: in-app navigation and closing/reloading the tab. */
export function useUnsavedChangesPrompt(store: EditorStore) {
  useEffect(() => {
    const isDirty = () => store.getState().document.dirty;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!isDirty()) return;
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    const removeGuard = addNavigationGuard(
      () => !isDirty() || window.confirm('This flow has unsaved changes. Leave without saving?'),
    );
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      removeGuard();
    };
  }, [store]);
}
