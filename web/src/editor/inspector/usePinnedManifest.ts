import type { FlowNode } from '@pipewright/flow';
import type { StepManifest } from '@pipewright/step-sdk';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/api.ts';
import { queryKeys } from '../../api/queries.ts';

export interface PinnedManifest {
  /** The manifest of the version the node is pinned to: what its form, credentials and ports follow. */
  manifest: StepManifest | undefined;
  /** The node is pinned to another version than the catalog's current one. */
  isPinnedOlder: boolean;
  loading: boolean;
  /** The pinned version could not be loaded (e.g. no longer registered): the current one is shown instead. */
  error: unknown;
}

/**
 * The step manifest a node's inspector draws: the catalog's current one when the node uses it, else the version the
 * node is pinned to, from `GET /api/catalog/steps/:type/versions/:version` (published versions are immutable, so it
 * is fetched once).  Until it arrives, or when it cannot be had, no form rather than the wrong one, then the current.
 */
export function usePinnedManifest(
  node: Pick<FlowNode, 'type' | 'typeVersion'> | undefined,
  current: StepManifest | undefined,
): PinnedManifest {
  const isPinnedOlder = node !== undefined && current !== undefined && node.typeVersion !== current.version;
  const pinned = useQuery({
    queryKey: queryKeys.stepVersion(node?.type ?? '', node?.typeVersion ?? 0),
    queryFn: () => api.stepVersion(node?.type ?? '', node?.typeVersion ?? 0),
    enabled: isPinnedOlder,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  if (!isPinnedOlder) return { manifest: current, isPinnedOlder, loading: false, error: null };
  if (pinned.error) return { manifest: current, isPinnedOlder, loading: false, error: pinned.error };
  return { manifest: pinned.data, isPinnedOlder, loading: pinned.isPending, error: null };
}
