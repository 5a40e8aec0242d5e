import type { PutRateLimitsBody } from '@pipewright/api-contract';
import { useQuery } from '@tanstack/react-query';
import { callApi } from '../api/typed-request.ts';

/** The workspace's rate limits (server/src/rate-limits). */
export const rateLimitsApi = {
  get: () => callApi('get', '/api/rate-limits'),
  put: (body: PutRateLimitsBody) => callApi('put', '/api/rate-limits', { body }),
};

export const rateLimitKeys = { all: ['rate-limits'] as const };

export const useRateLimits = () => useQuery({ queryKey: rateLimitKeys.all, queryFn: rateLimitsApi.get });
