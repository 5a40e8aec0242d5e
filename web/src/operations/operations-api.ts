import type { HealthWindow } from '@pipewright/operations';
import { keepPreviousData, queryOptions, usePrefetchQuery, useQuery } from '@tanstack/react-query';
import { callApi } from '../api/typed-request.ts';

export interface HealthScope {
  window: HealthWindow;
  flowId?: string | undefined;
  connector?: string | undefined;
}

export const healthKeys = {
  scope: (scope: HealthScope) => ['operations', 'health', scope.window, scope.flowId ?? '', scope.connector ?? ''],
};

/** What the page shows without a scope in the URL: the whole workspace over 24 h. */
export const DEFAULT_HEALTH_SCOPE: HealthScope = { window: '24h' };

const healthQuery = (scope: HealthScope) =>
  queryOptions({
    queryKey: healthKeys.scope(scope),
    queryFn: () =>
      callApi('get', '/api/operations/health', {
        // An empty flow or connector is no scope: left out, as undefined values are.
        query: { window: scope.window, flowId: scope.flowId || undefined, connector: scope.connector || undefined },
      }),
  });

/** The health view, refreshed every 15 s (the rollups move about once a second; a dashboard need not). */
export function useHealth(scope: HealthScope) {
  return useQuery({ ...healthQuery(scope), refetchInterval: 15_000, placeholderData: keepPreviousData });
}

/**
 * Asks for the first view while the page's code (charts included) is still loading, instead of after it: the
 * request and the chunk travel side by side.
 */
export function usePrefetchHealth(scope: HealthScope): void {
  usePrefetchQuery(healthQuery(scope));
}
