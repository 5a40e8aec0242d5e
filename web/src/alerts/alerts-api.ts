import type { AlertEventView, AlertRuleView, CreateAlertRuleBody, UpdateAlertRuleBody } from '@pipewright/api-contract';
import { useQuery } from '@tanstack/react-query';
import { apiRequest } from '../api/api.ts';

const path = (id: string) => `/alerts/${encodeURIComponent(id)}`;
const items = <T>(body: { items: T[] }): T[] => body.items;

/** The alerts endpoints (server/src/alerts).  Channels name credentials by id; no answer carries a secret. */
export const alertsApi = {
  list: (flowId: string) =>
    apiRequest<{ items: AlertRuleView[] }>('GET', `/alerts?flowId=${encodeURIComponent(flowId)}`).then(items),
  create: (body: CreateAlertRuleBody) => apiRequest<AlertRuleView>('POST', '/alerts', body),
  update: (id: string, body: UpdateAlertRuleBody) => apiRequest<AlertRuleView>('PATCH', path(id), body),
  delete: (id: string) => apiRequest<null>('DELETE', path(id)),
  test: (id: string) => apiRequest<AlertEventView>('POST', `${path(id)}/test`),
  events: (flowId: string) =>
    apiRequest<{ items: AlertEventView[] }>('GET', `/alerts/events?flowId=${encodeURIComponent(flowId)}&limit=50`).then(
      items,
    ),
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
