import { useBlocker } from '@tanstack/react-router';
import { useCallback } from 'react';

/**
 * While `hasUnsavedWork()` is true, leaving asks `question` first: in-app links, `navigate` and back/forward (the
 * router's blocker), and a reload or closing the tab (the browser's own prompt, which shows its own wording).
 * `hasUnsavedWork` must be stable (a `useCallback`), or the blocker is registered again on every render.
 */
export function useLeaveGuard(hasUnsavedWork: () => boolean, question: string): void {
  const shouldBlockFn = useCallback(() => hasUnsavedWork() && !window.confirm(question), [hasUnsavedWork, question]);
  useBlocker({ shouldBlockFn, enableBeforeUnload: hasUnsavedWork });
}
