import type {
  FlowPauseMode,
  FlowPauseState,
  PausedConnectorView,
  PausedCredentialView,
  PausesView,
} from '@pipewright/api-contract';
import { useQuery } from '@tanstack/react-query';
import { apiRequest } from '../api/api.ts';

const flowPath = (flowId: string) => `/flows/${encodeURIComponent(flowId)}/pause`;

/** The kill-switch endpoints (server/src/pauses). */
export const pausesApi = {
  list: () => apiRequest<PausesView>('GET', '/pauses'),
  flowState: (flowId: string) => apiRequest<FlowPauseState>('GET', flowPath(flowId)),
  pauseFlow: (flowId: string, mode: FlowPauseMode) => apiRequest<FlowPauseState>('POST', flowPath(flowId), { mode }),
  resumeFlow: (flowId: string) => apiRequest<FlowPauseState & { released: number }>('DELETE', flowPath(flowId)),
  pauseConnector: (connector: string) =>
    apiRequest<PausedConnectorView>('POST', `/pauses/connectors/${encodeURIComponent(connector)}`, {}),
  resumeConnector: (connector: string) =>
    apiRequest<null>('DELETE', `/pauses/connectors/${encodeURIComponent(connector)}`),
  pauseCredential: (id: string) =>
    apiRequest<PausedCredentialView>('POST', `/pauses/credentials/${encodeURIComponent(id)}`, {}),
  resumeCredential: (id: string) => apiRequest<null>('DELETE', `/pauses/credentials/${encodeURIComponent(id)}`),
};

export const pauseKeys = {
  all: ['pauses'] as const,
  flow: (flowId: string) => ['pauses', 'flow', flowId] as const,
};

/** The flow's pause; polled while it holds runs, so the count stays current. */
export const useFlowPause = (flowId: string) =>
  useQuery({
    queryKey: pauseKeys.flow(flowId),
    queryFn: () => pausesApi.flowState(flowId),
    refetchInterval: (query) => (query.state.data?.paused ? 5_000 : false),
  });

export const usePauses = () => useQuery({ queryKey: pauseKeys.all, queryFn: pausesApi.list });

/** A connector type is a step type's prefix (`http` of `http.request`), as the server and workers read it. */
export const connectorOf = (stepType: string): string => stepType.split('.')[0] ?? stepType;
