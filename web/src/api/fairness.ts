import type { PutFairnessBody } from '@pipewright/api-contract';
import { useQuery } from '@tanstack/react-query';
import { callApi } from './typed-request.ts';

/** The workspace's weight (server/src/fairness): set on the Limits page, shown on the Health page too. */
export const fairnessApi = {
  get: () => callApi('get', '/api/fairness'),
  put: (body: PutFairnessBody) => callApi('put', '/api/fairness', { body }),
};

export const fairnessKeys = { all: ['fairness'] as const };

export const useFairness = () => useQuery({ queryKey: fairnessKeys.all, queryFn: fairnessApi.get });

/** Runs accepted and not begun by a worker yet, per flow (server/src/fairness/waiting-runs.ts): refreshed every 5 s. */
export const useWaitingRuns = () =>
  useQuery({
    queryKey: [...fairnessKeys.all, 'waiting'],
    queryFn: () => callApi('get', '/api/waiting-runs'),
    refetchInterval: 5_000,
  });
