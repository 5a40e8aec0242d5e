import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import { useEditorStore } from '../../canvas/editor-context.ts';
import { type GesturesApi, GesturesContext } from './gestures-context.ts';
import { NodeSearch } from './NodeSearch.tsx';
import { ShortcutsHelp } from './ShortcutsHelp.tsx';
import { useGestureKeys } from './useGestureKeys.ts';
import './gestures.css';

interface GestureMessage {
  text: string;
  tone: 'info' | 'error';
  id: number;
}

/**
 * The editor's gestures around its layout: clipboard and arrange keys, the shortcuts dialog, the find box and a
 * short status line.  Must sit inside the editor's store and React Flow providers.
 */
export function GesturesProvider({ children }: { children: ReactNode }) {
  const store = useEditorStore();
  const [helpOpen, setHelpOpen] = useState(false);
  const [searchOpen, setSearchOpen] = useState(false);
  const [message, setMessage] = useState<GestureMessage | null>(null);

  const notify = useCallback<GesturesApi['notify']>(
    (text, tone = 'info') => setMessage((previous) => ({ text, tone, id: (previous?.id ?? 0) + 1 })),
    [],
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

  useEffect(() => {
    if (!message) return;
    const timer = window.setTimeout(() => setMessage(null), message.tone === 'error' ? 6000 : 2500);
    return () => window.clearTimeout(timer);
  }, [message]);

  return (
    <GesturesContext.Provider value={api}>
      {children}
      {searchOpen && <NodeSearch onClose={() => setSearchOpen(false)} />}
      {helpOpen && <ShortcutsHelp onClose={() => setHelpOpen(false)} />}
      {message && (
        <div
          key={message.id}
          className={`gesture-message ${message.tone}`}
          data-testid="gesture-message"
          role={message.tone === 'error' ? 'alert' : 'status'}
        >
          {message.text}
        </div>
      )}
    </GesturesContext.Provider>
  );
}
