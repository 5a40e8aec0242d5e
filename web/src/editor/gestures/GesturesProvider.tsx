import { type ReactNode, useCallback, useMemo, useState } from 'react';
import { useEditorStore } from '../../canvas/editor-context.ts';
import { useToast } from '../../ui/Toast.tsx';
import { type GesturesApi, GesturesContext } from './gestures-context.ts';
import { NodeSearch } from './NodeSearch.tsx';
import { ShortcutsHelp } from './ShortcutsHelp.tsx';
import { useGestureKeys } from './useGestureKeys.ts';
import './gestures.css';

/**
 * The editor's gestures around its layout: clipboard and arrange keys, the shortcuts dialog, the find box and short
 * notices (ui/ toasts).  Must sit inside the editor's store and React Flow providers.
 */
export function GesturesProvider({ children }: { children: ReactNode }) {
  const store = useEditorStore();
  const [helpOpen, setHelpOpen] = useState(false);
  const [searchOpen, setSearchOpen] = useState(false);
  const toast = useToast();

  const notify = useCallback<GesturesApi['notify']>(
    (text, tone = 'info') => toast({ text, tone, testId: 'gesture-message' }),
    [toast],
  );
  const api = useMemo<GesturesApi>(
    () => ({
      openHelp: () => {
        setSearchOpen(false);
        setHelpOpen(true);
      },
      openSearch: () => {
        setHelpOpen(false);
        setSearchOpen(true);
      },
      notify,
    }),
    [notify],
  );
  useGestureKeys(store, api);

  return (
    <GesturesContext.Provider value={api}>
      {children}
      {searchOpen && <NodeSearch onClose={() => setSearchOpen(false)} />}
      {helpOpen && <ShortcutsHelp onClose={() => setHelpOpen(false)} />}
    </GesturesContext.Provider>
  );
}
