import type { FailureActionBody } from '@pipewright/api-contract';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { SuccessBody } from '../api/route-types.ts';
import { callApi } from '../api/typed-request.ts';

export type FailureAction = 'retry' | 'rerun' | 'dismiss';

// `GET /failures` answers groups (`groupBy=error`) or a page: the contract types the union, each caller takes its shape.
type FailuresList = SuccessBody<'/api/failures', 'get'>;

function groupsOf(body: FailuresList) {
  if ('groups' in body) return body.groups;
  throw new Error('GET /api/failures?groupBy=error answered a page of failures instead of groups');
}

function pageOf(body: FailuresList) {
  if ('items' in body) return body;
  throw new Error('GET /api/failures?errorGroup=… answered groups instead of a page of failures');
}

const keys = {
  all: ['failures'] as const,
  groups: ['failures', 'groups'] as const,
  group: (errorGroup: string) => ['failures', 'group', errorGroup] as const,
};

export const useFailureGroups = () =>
  useQuery({
    queryKey: keys.groups,
    queryFn: () => callApi('get', '/api/failures', { query: { groupBy: 'error' } }).then(groupsOf),
    refetchInterval: 5000,
  });

/** A group's failed runs, newest first, a page per "load more". */
export const useGroupFailures = (errorGroup: string) =>
  useInfiniteQuery({
    queryKey: keys.group(errorGroup),
    queryFn: ({ pageParam }) => {
      const query = { errorGroup, limit: 50, cursor: pageParam || undefined };
      return callApi('get', '/api/failures', { query }).then(pageOf);
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

/** A bulk action; the queue is read again once it is done. */
export function useFailureAction() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ action, body }: { action: FailureAction; body: FailureActionBody }) =>
      callApi('post', `/api/failures/${action}`, { body }),
    onSettled: () => client.invalidateQueries({ queryKey: keys.all }),
  });
}
