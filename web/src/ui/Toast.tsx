import * as RadixToast from '@radix-ui/react-toast';
import { createContext, type ReactNode, useCallback, useContext, useState } from 'react';
import './toast.css';

export interface Notice {
  text: string;
  /** An error stays longer and is announced at once. */
  tone?: 'info' | 'error';
  testId?: string;
}

type Notify = (notice: Notice) => void;

const ToastContext = createContext<Notify | null>(null);

/** How many notices show at once: older ones give way to newer. */
const MAX_SHOWN = 3;

/**
 * Short notices ("Copied 2 steps") in the page's bottom corner (Radix Toast): each closes by itself — after 2.5 s, an
 * error after 6 s — pauses while hovered or focused, and is announced to screen readers.  `useToast` shows one.
 */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [shown, setShown] = useState<(Notice & { id: number })[]>([]);
  const notify = useCallback<Notify>(
    (notice) =>
      setShown((current) => [...current.slice(-(MAX_SHOWN - 1)), { ...notice, id: (current.at(-1)?.id ?? 0) + 1 }]),
    [],
  );
  const dismiss = (id: number) => setShown((current) => current.filter((notice) => notice.id !== id));
  return (
    <ToastContext.Provider value={notify}>
      <RadixToast.Provider label="Notification">
        {children}
        {shown.map((notice) => (
          <RadixToast.Root
            key={notice.id}
            className={`toast ${notice.tone ?? 'info'}`}
            data-testid={notice.testId}
            type={notice.tone === 'error' ? 'foreground' : 'background'}
            duration={notice.tone === 'error' ? 6000 : 2500}
            onOpenChange={(open) => !open && dismiss(notice.id)}
          >
            <RadixToast.Description>{notice.text}</RadixToast.Description>
          </RadixToast.Root>
        ))}
        <RadixToast.Viewport className="toast-viewport" label="Notifications ({hotkey})" />
      </RadixToast.Provider>
    </ToastContext.Provider>
  );
}

/** Shows a short notice; needs a `ToastProvider` above (main.tsx places one around the app). */
export function useToast(): Notify {
  const notify = useContext(ToastContext);
  if (notify === null) throw new Error('useToast needs a ToastProvider above it (web/src/main.tsx places one)');
  return notify;
}
