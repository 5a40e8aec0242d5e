import { useSyncExternalStore } from 'react';

/**
 * A tiny history router: four routes do not need a dependency.  Screens with unsaved work register a guard that
 * in-app navigation asks before leaving (the browser's own unload prompt covers reloads and closing the tab).
 */
export type Route =
  | { name: 'flows' }
  | { name: 'editor'; flowId: string }
  | { name: 'flowRuns'; flowId: string }
  | { name: 'flowAlerts'; flowId: string }
  | { name: 'run'; runId: string }
  | { name: 'runs' }
  | { name: 'failures' }
  | { name: 'approvals' }
  | { name: 'health' }
  | { name: 'credentials' }
  | { name: 'login' }
  | { name: 'signup' }
  | { name: 'members' }
  | { name: 'tokens' }
  | { name: 'audit' }
  | { name: 'rateLimits' }
  | { name: 'notFound' };

export function matchRoute(pathname: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { name: 'flows' };
  if (parts[0] === 'flows' && parts[1] && parts.length === 2) return { name: 'editor', flowId: parts[1] };
  if (parts[0] === 'flows' && parts[1] && parts[2] === 'runs' && parts.length === 3)
    return { name: 'flowRuns', flowId: parts[1] };
  if (parts[0] === 'flows' && parts[1] && parts[2] === 'alerts' && parts.length === 3)
    return { name: 'flowAlerts', flowId: parts[1] };
  if (parts[0] === 'runs' && parts[1] && parts.length === 2) return { name: 'run', runId: parts[1] };
  if (parts.length === 1 && parts[0] === 'runs') return { name: 'runs' };
  if (parts.length === 1 && parts[0] === 'failures') return { name: 'failures' };
  if (parts.length === 1 && parts[0] === 'approvals') return { name: 'approvals' };
  if (parts.length === 1 && parts[0] === 'health') return { name: 'health' };
  if (parts[0] === 'credentials' && parts.length === 1) return { name: 'credentials' };
  if (parts.length === 1 && parts[0] === 'login') return { name: 'login' };
  if (parts.length === 1 && parts[0] === 'signup') return { name: 'signup' };
  if (parts.length === 2 && parts[0] === 'settings' && parts[1] === 'members') return { name: 'members' };
  if (parts.length === 2 && parts[0] === 'settings' && parts[1] === 'tokens') return { name: 'tokens' };
  if (parts.length === 2 && parts[0] === 'settings' && parts[1] === 'audit') return { name: 'audit' };
  if (parts.length === 2 && parts[0] === 'settings' && parts[1] === 'rate-limits') return { name: 'rateLimits' };
  return { name: 'notFound' };
}

export const paths = {
  flows: () => '/',
  editor: (flowId: string) => `/flows/${encodeURIComponent(flowId)}`,
  flowRuns: (flowId: string) => `/flows/${encodeURIComponent(flowId)}/runs`,
  flowAlerts: (flowId: string) => `/flows/${encodeURIComponent(flowId)}/alerts`,
  run: (runId: string) => `/runs/${encodeURIComponent(runId)}`,
  runs: () => '/runs',
  failures: () => '/failures',
  approvals: () => '/approvals',
  health: () => '/health',
  login: () => '/login',
  signup: () => '/signup',
  members: () => '/settings/members',
  tokens: () => '/settings/tokens',
  audit: () => '/settings/audit',
  rateLimits: () => '/settings/rate-limits',
  credentials: () => '/credentials',
};

const listeners = new Set<() => void>();
const guards = new Set<() => boolean>();

function notify() {
  for (const listener of listeners) listener();
}

if (typeof window !== 'undefined') window.addEventListener('popstate', notify);

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useLocationPath(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

/** Registers a guard returning true when leaving is fine; returns the unregister function. */
export function addNavigationGuard(guard: () => boolean): () => void {
  guards.add(guard);
  return () => guards.delete(guard);
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === window.location.pathname) return;
  for (const guard of guards) if (!guard()) return;
  if (options.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  notify();
}
