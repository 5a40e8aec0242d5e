import type { HealthResponse, HealthWindow } from '@pipewright/operations';
import { keepPreviousData, queryOptions, usePrefetchQuery, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../api/api.ts';

export interface HealthScope {
  window: HealthWindow;
  flowId?: string | undefined;
  connector?: string | undefined;
}

export const healthKeys = {
  scope: (scope: HealthScope) => ['operations', 'health', scope.window, scope.flowId ?? '', scope.connector ?? ''],
};

function healthPath(scope: HealthScope): string {
  const query = new URLSearchParams({ window: scope.window });
  if (scope.flowId) query.set('flowId', scope.flowId);
  if (scope.connector) query.set('connector', scope.connector);
  return `/operations/health?${query.toString()}`;
}

/** What the page shows first: the whole workspace over 24 h. */
export const DEFAULT_HEALTH_SCOPE: HealthScope = { window: '24h' };

const healthQuery = (scope: HealthScope) =>
  queryOptions({
    queryKey: healthKeys.scope(scope),
    queryFn: () => apiRequest<HealthResponse>('GET', healthPath(scope)),
  });

/** The health view, refreshed every 15 s (the rollups move about once a second; a dashboard need not). */
export function useHealth(scope: HealthScope) {
  return useQuery({ ...healthQuery(scope), refetchInterval: 15_000, placeholderData: keepPreviousData });
}

/**
 * Asks for the first view while the page's code (charts included) is still loading, instead of after it: the
 * request and the chunk travel side by side.
 */
export function usePrefetchHealth(): void {
  usePrefetchQuery(healthQuery(DEFAULT_HEALTH_SCOPE));
}
