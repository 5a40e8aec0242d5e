import type { FlowPauseMode } from '@pipewright/api-contract';
import { useQuery } from '@tanstack/react-query';
import { callApi } from '../api/typed-request.ts';

const flow = (flowId: string) => ({ params: { id: flowId } });

/** The kill-switch endpoints (server/src/pauses). */
export const pausesApi = {
  list: () => callApi('get', '/api/pauses'),
  flowState: (flowId: string) => callApi('get', '/api/flows/{id}/pause', flow(flowId)),
  pauseFlow: (flowId: string, mode: FlowPauseMode) =>
    callApi('post', '/api/flows/{id}/pause', { ...flow(flowId), body: { mode } }),
  resumeFlow: (flowId: string) => callApi('delete', '/api/flows/{id}/pause', flow(flowId)),
  pauseConnector: (connector: string) =>
    callApi('post', '/api/pauses/connectors/{connector}', { params: { connector }, body: {} }),
  resumeConnector: (connector: string) =>
    callApi('delete', '/api/pauses/connectors/{connector}', { params: { connector } }),
  pauseCredential: (id: string) => callApi('post', '/api/pauses/credentials/{id}', { params: { id }, body: {} }),
  resumeCredential: (id: string) => callApi('delete', '/api/pauses/credentials/{id}', { params: { id } }),
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
