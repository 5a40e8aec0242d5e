import type { ApiRoutes } from '../api-operation.ts';
import { contractViolationCountsSchema, inferContractBody, inferContractResponseSchema } from '../index.ts';

const id = ['id'];

/** The OpenAPI entries of a webhook's body contract (merged in routes/index.ts). */
export const contractsApiRoutes = {
  '/api/flows/{id}/contract/infer': {
    post: {
      summary:
        'Builder+: a JSON Schema inferred from `samples`, else from the bodies of the flow’s last `limit` webhook runs: `{ schema, sampleCount }` (types, `required` = keys in every sample, nested objects and arrays)',
      params: id,
      body: inferContractBody,
      responses: {
        200: { description: 'InferContractResponse', body: inferContractResponseSchema },
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
      responses: {
        200: { description: 'ContractViolationCounts', body: contractViolationCountsSchema },
        400: 'Invalid hours',
        404: 'Unknown flow',
      },
    },
  },
} satisfies ApiRoutes;
