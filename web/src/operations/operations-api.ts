import type { HealthResponse, HealthWindow } from '@pipewright/operations';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
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

/** The health view, refreshed every 15 s (the rollups move about once a second; a dashboard need not). */
export function useHealth(scope: HealthScope) {
  return useQuery({
    queryKey: healthKeys.scope(scope),
    queryFn: () => apiRequest<HealthResponse>('GET', healthPath(scope)),
    refetchInterval: 15_000,
    placeholderData: keepPreviousData,
  });
}
