import type { RunsPage } from '@pipewright/api-contract';
import { useInfiniteQuery } from '@tanstack/react-query';
import { apiRequest } from '../api/api.ts';
import { type RunsFilter, runsQueryString } from './runs-filter.ts';

export const listRunsPage = (filter: RunsFilter, cursor?: string) =>
  apiRequest<RunsPage>('GET', `/runs?${runsQueryString(filter, cursor)}`);

/** The filtered runs list, one page per "load more" (the server's cursor); the loaded pages refresh every 3 s. */
export const useRunsPages = (filter: RunsFilter) =>
  useInfiniteQuery({
    queryKey: ['runs', 'list', 'filtered', filter],
    queryFn: ({ pageParam }) => listRunsPage(filter, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 3000,
  });
