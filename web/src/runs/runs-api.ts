import { useInfiniteQuery } from '@tanstack/react-query';
import { callApi } from '../api/typed-request.ts';
import { type RunsFilter, runsQueryString } from './runs-filter.ts';

// runsQueryString (tested in Node) sets each key at most once, so its pairs become callApi's query as they are.
export const listRunsPage = (filter: RunsFilter, cursor?: string) =>
  callApi('get', '/api/runs', { query: Object.fromEntries(new URLSearchParams(runsQueryString(filter, cursor))) });

/** The filtered runs list, one page per "load more" (the server's cursor); the loaded pages refresh every 3 s. */
export const useRunsPages = (filter: RunsFilter) =>
  useInfiniteQuery({
    queryKey: ['runs', 'list', 'filtered', filter],
    queryFn: ({ pageParam }) => listRunsPage(filter, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 3000,
  });
