import type { InferContractBody } from '@pipewright/api-contract';
import { callApi } from '../../api/typed-request.ts';

const flow = (flowId: string) => ({ params: { id: flowId } });

/** The webhook contract's endpoints (server/src/contracts). */
export const contractApi = {
  infer: (flowId: string, body: InferContractBody) =>
    callApi('post', '/api/flows/{id}/contract/infer', { ...flow(flowId), body }),
  violations: (flowId: string, hours: number) =>
    callApi('get', '/api/flows/{id}/contract/violations', { ...flow(flowId), query: { hours } }),
};

export const contractQueryKeys = {
  violations: (flowId: string) => ['flows', flowId, 'contract', 'violations'] as const,
};
