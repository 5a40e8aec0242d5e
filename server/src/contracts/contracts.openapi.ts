import { inferContractBody } from '@pipewright/api-contract';
import type { ApiRoutes } from '../openapi-operation.ts';

const id = ['id'];

/** The OpenAPI entries of a webhook's body contract (merged into openapi.ts). */
export const contractsApiRoutes: ApiRoutes = {
  '/api/flows/{id}/contract/infer': {
    post: {
      summary:
        'Builder+: a JSON Schema inferred from `samples`, else from the bodies of the flow’s last `limit` webhook runs: `{ schema, sampleCount }` (types, `required` = keys in every sample, nested objects and arrays)',
      params: id,
      body: inferContractBody,
      responses: {
        200: 'InferContractResponse',
        400: 'Invalid body (names the field)',
        404: 'Unknown flow',
        409: 'No recent webhook deliveries and no samples (`no_samples`)',
      },
    },
  },
  '/api/flows/{id}/contract/violations': {
    get: {
      summary: 'Deliveries that broke the flow’s contract in the last `hours`: `{ from, to, rejected, flagged }`',
      params: id,
      query: [
        { name: 'hours', description: '1-744, default 24', schema: { type: 'integer', minimum: 1, maximum: 744 } },
      ],
      responses: { 200: 'ContractViolationCounts', 400: 'Invalid hours', 404: 'Unknown flow' },
    },
  },
};
