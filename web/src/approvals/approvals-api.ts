import type { DecideApprovalBody, PendingApprovalView } from '@pipewright/api-contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callApi } from '../api/typed-request.ts';

const keys = { pending: ['approvals', 'pending'] as const };

/** The signed-in member's pending approvals (server/src/approvals), read again every 15 s for the nav badge. */
export const usePendingApprovals = () =>
  useQuery({
    queryKey: keys.pending,
    queryFn: () => callApi('get', '/api/approvals').then((body) => body.approvals),
    refetchInterval: 15_000,
  });

/** Approve or reject; the decided approval leaves the list at once, and the list is read again. */
export function useDecideApproval() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ approval, body }: { approval: PendingApprovalView; body: DecideApprovalBody }) =>
      callApi('post', '/api/approvals/{runId}/{nodeId}', {
        params: { runId: approval.runId, nodeId: approval.nodeId },
        body,
      }),
    onSuccess: (_decided, { approval }) => {
      client.setQueryData<PendingApprovalView[]>(keys.pending, (list) =>
        list?.filter((item) => item.runId !== approval.runId || item.nodeId !== approval.nodeId),
      );
    },
    onSettled: () => client.invalidateQueries({ queryKey: keys.pending }),
  });
}
