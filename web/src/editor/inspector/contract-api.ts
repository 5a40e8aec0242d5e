import type { ContractViolationCounts, InferContractBody, InferContractResponse } from '@pipewright/api-contract';
import { apiRequest } from '../../api/api.ts';

const contractPath = (flowId: string) => `/flows/${encodeURIComponent(flowId)}/contract`;

/** The webhook contract's endpoints (server/src/contracts). */
export const contractApi = {
  infer: (flowId: string, body: InferContractBody) =>
    apiRequest<InferContractResponse>('POST', `${contractPath(flowId)}/infer`, body),
  violations: (flowId: string, hours: number) =>
    apiRequest<ContractViolationCounts>('GET', `${contractPath(flowId)}/violations?hours=${hours}`),
};

export const contractQueryKeys = {
  violations: (flowId: string) => ['flows', flowId, 'contract', 'violations'] as const,
};
