import type { ApiRoutes } from '../api-operation.ts';
import { n8nImportEnvelope, n8nImportResponseSchema } from '../index.ts';

/** The OpenAPI entry of the n8n import route (merged in routes/index.ts). */
export const n8nImportApiRoutes = {
  '/api/flows/import/n8n': {
    post: {
      summary:
        'Builder+: import an n8n 1.x workflow export as a new draft flow. Body: the export as is, or ' +
        '`{ workflow, name? }`. Answers `{ flow: FlowDetail, report: { node, field?, problem }[] }`: every node, ' +
        'connection or expression not translated is in the report; credentials are never imported. Limits: ' +
        '2,000,000 characters, 500 nodes',
      body: n8nImportEnvelope,
      responses: {
        201: { description: 'N8nImportResponse', body: n8nImportResponseSchema },
        400: 'Not an n8n workflow, over the limits, duplicate node names or connections naming unknown nodes (issues name the field)',
        403: 'Not a builder',
      },
    },
  },
} satisfies ApiRoutes;
