import type {
  FailureActionBody,
  FailureActionResponse,
  FailureGroupView,
  FailuresPage,
} from '@pipewright/api-contract';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../api/api.ts';

export type FailureAction = 'retry' | 'rerun' | 'dismiss';

const keys = {
  all: ['failures'] as const,
  groups: ['failures', 'groups'] as const,
  group: (errorGroup: string) => ['failures', 'group', errorGroup] as const,
};

export const useFailureGroups = () =>
  useQuery({
    queryKey: keys.groups,
    queryFn: () =>
      apiRequest<{ groups: FailureGroupView[] }>('GET', '/failures?groupBy=error').then((body) => body.groups),
    refetchInterval: 5000,
  });

/** A group's failed runs, newest first, a page per "load more". */
export const useGroupFailures = (errorGroup: string) =>
  useInfiniteQuery({
    queryKey: keys.group(errorGroup),
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams({ errorGroup, limit: '50' });
      if (pageParam) params.set('cursor', pageParam);
      return apiRequest<FailuresPage>('GET', `/failures?${params.toString()}`);
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

/** A bulk action; the queue is read again once it is done. */
export function useFailureAction() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ action, body }: { action: FailureAction; body: FailureActionBody }) =>
      apiRequest<FailureActionResponse>('POST', `/failures/${action}`, body),
    onSettled: () => client.invalidateQueries({ queryKey: keys.all }),
  });
}
