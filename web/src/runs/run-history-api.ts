import type { RunAttemptView } from '@pipewright/api-contract';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { callApi } from '../api/typed-request.ts';

/** `GET /runs/:id/history`: the run's Temporal history in words, and every attempt of its steps. */
export const getRunHistory = (runId: string, after = 0) =>
  callApi('get', '/api/runs/{id}/history', { params: { id: runId }, query: { after } });

/**
 * The attempts of a run's steps, by node.  Read only when a person looks at a step (the server reads the run's
 * history for it), and again when `revision` changes (the run's status or the step's attempt count).
 */
export const useRunAttempts = (runId: string | null, revision: string) =>
  useQuery({
    queryKey: ['runs', runId, 'attempts', revision],
    queryFn: () => getRunHistory(runId ?? '', 0),
    select: (body): Record<string, RunAttemptView[]> => body.attempts,
    enabled: runId !== null,
    staleTime: Number.POSITIVE_INFINITY,
  });

/** The history's rows, a page at a time ("Show more"), read again when `revision` changes. */
export const useRunHistoryPages = (runId: string, revision: string) =>
  useInfiniteQuery({
    queryKey: ['runs', runId, 'history', revision],
    queryFn: ({ pageParam }) => getRunHistory(runId, pageParam),
    initialPageParam: 0,
    getNextPageParam: (last) => last.nextAfter ?? undefined,
    staleTime: Number.POSITIVE_INFINITY,
  });
