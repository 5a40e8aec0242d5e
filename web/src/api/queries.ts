import type { StepManifest } from '@pipewright/step-sdk';
import { useQuery } from '@tanstack/react-query';
import { api } from './api.ts';

/** Server data lives in TanStack Query; these keys are the only place that names it. */
export const queryKeys = {
  catalog: ['catalog'] as const,
  flows: ['flows'] as const,
  flow: (id: string) => ['flows', id] as const,
  versions: (id: string) => ['flows', id, 'versions'] as const,
  runs: (flowId?: string) => ['runs', 'list', flowId ?? 'all'] as const,
  run: (id: string) => ['runs', 'detail', id] as const,
};

const toCatalogMap = (steps: StepManifest[]) => new Map(steps.map((step) => [step.type, step]));

export function useCatalog() {
  return useQuery({
    queryKey: queryKeys.catalog,
    queryFn: api.catalog,
    staleTime: 5 * 60_000,
    select: toCatalogMap,
  });
}

export const useFlows = () => useQuery({ queryKey: queryKeys.flows, queryFn: api.listFlows });

/**
 * The editor builds its store from this once, so it must not refetch underneath an open editor (staleTime), and a
 * reopened editor must not start from a draft cached minutes ago (gcTime 0: dropped once nobody shows it).
 */
export const useFlow = (id: string) =>
  useQuery({
    queryKey: queryKeys.flow(id),
    queryFn: () => api.getFlow(id),
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
  });

export const useVersions = (id: string) =>
  useQuery({ queryKey: queryKeys.versions(id), queryFn: () => api.listVersions(id) });

export const useRuns = (flowId?: string) =>
  useQuery({ queryKey: queryKeys.runs(flowId), queryFn: () => api.listRuns(flowId), refetchInterval: 3000 });

export const useRun = (id: string) => useQuery({ queryKey: queryKeys.run(id), queryFn: () => api.getRun(id) });
