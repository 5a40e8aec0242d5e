import type { CreateAlertRuleBody, UpdateAlertRuleBody } from '@pipewright/api-contract';
import { useQuery } from '@tanstack/react-query';
import { callApi } from '../api/typed-request.ts';

const rule = (id: string) => ({ params: { id } });
const items = <T>(body: { items: T[] }): T[] => body.items;

/** The alerts endpoints (server/src/alerts).  Channels name credentials by id; no answer carries a secret. */
export const alertsApi = {
  list: (flowId: string) => callApi('get', '/api/alerts', { query: { flowId } }).then(items),
  create: (body: CreateAlertRuleBody) => callApi('post', '/api/alerts', { body }),
  update: (id: string, body: UpdateAlertRuleBody) => callApi('patch', '/api/alerts/{id}', { ...rule(id), body }),
  delete: (id: string) => callApi('delete', '/api/alerts/{id}', { params: { id } }),
  test: (id: string) => callApi('post', '/api/alerts/{id}/test', rule(id)),
  events: (flowId: string) => callApi('get', '/api/alerts/events', { query: { flowId, limit: 50 } }).then(items),
};

export const alertKeys = {
  all: ['alerts'] as const,
  rules: (flowId: string) => ['alerts', 'rules', flowId] as const,
  events: (flowId: string) => ['alerts', 'events', flowId] as const,
};

export const useAlertRules = (flowId: string) =>
  useQuery({ queryKey: alertKeys.rules(flowId), queryFn: () => alertsApi.list(flowId), refetchInterval: 15_000 });

/** Polls faster while a delivery is still pending (a test alert just sent). */
export const useAlertEvents = (flowId: string) =>
  useQuery({
    queryKey: alertKeys.events(flowId),
    queryFn: () => alertsApi.events(flowId),
    refetchInterval: (query) =>
      query.state.data?.some((event) => event.deliveries.some((delivery) => delivery.status === 'pending'))
        ? 1_000
        : 15_000,
  });
