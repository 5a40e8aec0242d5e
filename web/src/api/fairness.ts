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
