import { MAX_DRAFT_TEST_RUNS, type StartDraftTestBody } from '@pipewright/api-contract';
import type { StepManifest } from '@pipewright/step-sdk';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from './api.ts';
import { callApi } from './typed-request.ts';

/** Server data lives in TanStack Query; these keys are the only place that names it. */
export const queryKeys = {
  catalog: ['catalog'] as const,
  stepVersion: (type: string, version: number) => ['catalog', 'steps', type, version] as const,
  flows: ['flows'] as const,
  flow: (id: string) => ['flows', id] as const,
  versions: (id: string) => ['flows', id, 'versions'] as const,
  versionDiff: (id: string, from: number, to: number) => ['flows', id, 'versions', 'diff', from, to] as const,
  run: (id: string) => ['runs', 'detail', id] as const,
};

const toCatalogMap = (steps: StepManifest[]) => new Map(steps.map((step) => [step.type, step]));

export function useCatalog() {
  return useQuery({
    queryKey: queryKeys.catalog,
    queryFn: api.catalog,
    // Developers publish step packages while builders work, and package workers come and go: stay current.
    staleTime: 10_000,
    refetchInterval: 15_000,
    select: toCatalogMap,
  });
}

/** Loaded manifests only (a stable function, so the combined array keeps its identity while nothing changed). */
const loadedManifests = (results: { data?: StepManifest | undefined }[]): StepManifest[] =>
  results.flatMap((result) => (result.data === undefined ? [] : [result.data]));

/**
 * The manifests of the older step versions `nodes` are pinned to (nodes whose version is not the catalog's current
 * one), as they arrive.  Published versions are immutable: each is fetched once.
 */
export function usePinnedVersions(
  nodes: readonly { type: string; typeVersion: number }[],
  catalog: ReadonlyMap<string, StepManifest>,
): StepManifest[] {
  const wanted = useMemo(() => {
    const pairs = new Map<string, { type: string; version: number }>();
    for (const node of nodes) {
      const current = catalog.get(node.type);
      if (current === undefined || current.version === node.typeVersion) continue;
      pairs.set(`${node.type}\n${node.typeVersion}`, { type: node.type, version: node.typeVersion });
    }
    return [...pairs.values()];
  }, [nodes, catalog]);
  return useQueries({
    queries: wanted.map(({ type, version }) => ({
      queryKey: queryKeys.stepVersion(type, version),
      queryFn: () => api.stepVersion(type, version),
      staleTime: Number.POSITIVE_INFINITY,
      retry: false,
    })),
    combine: loadedManifests,
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

export const useRun = (id: string) => useQuery({ queryKey: queryKeys.run(id), queryFn: () => api.getRun(id) });

export const useVersionDiff = (id: string, pair: readonly [number, number] | null) =>
  useQuery({
    queryKey: pair ? queryKeys.versionDiff(id, pair[0], pair[1]) : ['flows', id, 'versions', 'diff', 'none'],
    queryFn: () => (pair ? api.diffVersions(id, pair[0], pair[1]) : null),
    enabled: pair !== null,
    // Versions are immutable, so a diff never goes stale.
    staleTime: Number.POSITIVE_INFINITY,
  });

// ---- Draft tests ("Test against recent runs", docs/adr/016) ----

const flow = (flowId: string) => ({ params: { id: flowId } });

export const draftTestKeys = {
  list: (flowId: string) => ['flows', flowId, 'draft-tests'] as const,
  detail: (flowId: string, testId: string) => ['flows', flowId, 'draft-tests', testId] as const,
};

export const draftTestApi = {
  start: (flowId: string, body: StartDraftTestBody) =>
    callApi('post', '/api/flows/{id}/draft-tests', { ...flow(flowId), body }),
  get: (flowId: string, testId: string) =>
    callApi('get', '/api/flows/{id}/draft-tests/{testId}', { params: { id: flowId, testId } }),
  list: (flowId: string) => callApi('get', '/api/flows/{id}/draft-tests', flow(flowId)).then((body) => body.items),
};

/** The flow's newest runs (any version), for picking which ones a draft test replays. */
export const useFlowRunsToPick = (flowId: string, enabled: boolean) =>
  useQuery({
    queryKey: ['flows', flowId, 'draft-tests', 'runs-to-pick'] as const,
    queryFn: () =>
      callApi('get', '/api/runs', { query: { flowId, limit: MAX_DRAFT_TEST_RUNS } }).then((page) => page.items),
    enabled,
  });

/** The flow's last draft tests, newest first. */
export const useDraftTests = (flowId: string) =>
  useQuery({ queryKey: draftTestKeys.list(flowId), queryFn: () => draftTestApi.list(flowId) });

/** One draft test, polled about once a second while the worker is still running it. */
export const useDraftTest = (flowId: string, testId: string | null) =>
  useQuery({
    queryKey: testId === null ? ['flows', flowId, 'draft-tests', 'none'] : draftTestKeys.detail(flowId, testId),
    queryFn: () => (testId === null ? null : draftTestApi.get(flowId, testId)),
    enabled: testId !== null,
    refetchInterval: (query) => (query.state.data?.status === 'running' ? 1_000 : false),
  });

/** Starts a test of the saved draft; the answer (status `running`) seeds the test's query. */
export function useStartDraftTest(flowId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: StartDraftTestBody) => draftTestApi.start(flowId, body),
    onSuccess: (view) => {
      queryClient.setQueryData(draftTestKeys.detail(flowId, view.id), view);
      void queryClient.invalidateQueries({ queryKey: draftTestKeys.list(flowId), exact: true });
    },
  });
}

// ---- Staged rollouts (a new version on a share of new runs, docs/adr/017) ----

export const rolloutKeys = {
  detail: (flowId: string) => ['flows', flowId, 'rollout'] as const,
};

export const rolloutApi = {
  /** Publishes the saved draft as a new version on `percent` % of new runs, beside the current version. */
  start: (flowId: string, percent: number) =>
    callApi('post', '/api/flows/{id}/publish', { ...flow(flowId), body: { rollout: { percent } } }),
  get: (flowId: string) => callApi('get', '/api/flows/{id}/rollout', flow(flowId)),
  promote: (flowId: string) => callApi('post', '/api/flows/{id}/rollout/promote', flow(flowId)),
  rollback: (flowId: string) => callApi('post', '/api/flows/{id}/rollout/rollback', flow(flowId)),
};

/** The rollout in progress with both versions' numbers, refreshed every 5 s while shown. */
export const useRollout = (flowId: string) =>
  useQuery({
    queryKey: rolloutKeys.detail(flowId),
    queryFn: () => rolloutApi.get(flowId),
    refetchInterval: 5_000,
  });

/**
 * Start, promote and roll back change which versions run: the flow (its `latestVersion`, `rollout`), its versions
 * list and the comparison are refreshed (the `['flows', id]` prefix), and the flows list.
 */
function useRolloutMutation<T, V = void>(flowId: string, mutationFn: (variables: V) => Promise<T>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSettled: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.flow(flowId) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.flows, exact: true }),
      ]);
    },
  });
}

export const useStartRollout = (flowId: string) =>
  useRolloutMutation(flowId, (percent: number) => rolloutApi.start(flowId, percent));
export const usePromoteRollout = (flowId: string) => useRolloutMutation(flowId, () => rolloutApi.promote(flowId));
export const useRollbackRollout = (flowId: string) => useRolloutMutation(flowId, () => rolloutApi.rollback(flowId));
