import type { PutRateLimitsBody, RateLimitsView } from '@pipewright/api-contract';
import { useQuery } from '@tanstack/react-query';
import { apiRequest } from '../api/api.ts';

/** The workspace's rate limits (server/src/rate-limits). */
export const rateLimitsApi = {
  get: () => apiRequest<RateLimitsView>('GET', '/rate-limits'),
  put: (body: PutRateLimitsBody) => apiRequest<RateLimitsView>('PUT', '/rate-limits', body),
};

export const rateLimitKeys = { all: ['rate-limits'] as const };

export const useRateLimits = () => useQuery({ queryKey: rateLimitKeys.all, queryFn: rateLimitsApi.get });
