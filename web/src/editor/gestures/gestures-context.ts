import { createContext, useContext } from 'react';

/** The editor's gesture overlays (help, search) and their short status line, shared by the top bar and the keys. */
export interface GesturesApi {
  openHelp(): void;
  openSearch(): void;
  /** A short message for a gesture's outcome ("Pasted 2 steps", or why a paste was refused). */
  notify(text: string, tone?: 'info' | 'error'): void;
}

export const GesturesContext = createContext<GesturesApi | null>(null);

export function useGestures(): GesturesApi {
  const api = useContext(GesturesContext);
  if (!api) throw new Error('useGestures must be used inside GesturesProvider');
  return api;
}
