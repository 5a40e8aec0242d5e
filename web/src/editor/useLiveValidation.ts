import { withoutPinnedData } from '@pipewright/flow';
import { useEffect } from 'react';
import { api } from '../api/api.ts';
import type { EditorStore } from '../canvas/editor.store.ts';

/** How long the editor waits after the last edit before it checks the document (ms). */
export const CHECK_AFTER_MS = 600;

/**
 * Live validation: a moment after each edit (and once on open) the document is checked as publishing would check it
 * (`POST /flows/:id/check`, nothing stored), and the problems are marked on the nodes.  An answer about a document
 * that has changed since is dropped; a document the server refuses outright (400) or a failed request leaves the
 * marks as they are.
 */
export function useLiveValidation(store: EditorStore, flowId: string) {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let checked: unknown;
    let stopped = false;
    const check = () => {
      const document = store.getState().document.doc;
      if (document === checked) return;
      checked = document;
      // Pinned sample data changes nothing a check finds, and may be large: it stays home.
      api.checkFlow(flowId, withoutPinnedData(document)).then(
        (answer) => {
          if (stopped || store.getState().document.doc !== document) return;
          store.getState().actions.setCompileErrors(answer.compileErrors);
        },
        () => {},
      );
    };
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(check, CHECK_AFTER_MS);
    };
    schedule();
    const unsubscribe = store.subscribe((state, previous) => {
      if (state.document.doc !== previous.document.doc) schedule();
    });
    return () => {
      stopped = true;
      clearTimeout(timer);
      unsubscribe();
    };
  }, [store, flowId]);
}
