import type { AnyRouter } from '@tanstack/react-router';

/**
 * Navigation for the features, on TanStack Router (docs/adr/023): `paths` builds the app's URLs and `navigate` goes
 * to one, through the router's blockers (unsaved changes ask first: `useLeaveGuard`).  The route tree itself lives in
 * `app/` because it names the pages; this folder knows no feature.
 */
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

let activeRouter: AnyRouter | undefined;

/** Called once by the app with the router it created, so `navigate` works outside React components too. */
export function bindNavigation(router: AnyRouter): void {
  activeRouter = router;
}

/** Goes to an app path (as `paths` builds it, query string allowed); the same URL again is a no-op. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (!activeRouter) throw new Error(`navigate("${path}") ran before the app created its router`);
  void activeRouter.navigate({ href: path, replace: options.replace ?? false });
}
