import type { ApiRoutes } from '../api-operation.ts';
import { flowImportEnvelope, flowImportResponseSchema } from '../index.ts';

/** The OpenAPI entries of flow files: export and import (merged in routes/index.ts). */
export const flowFileApiRoutes = {
  '/api/flows/{id}/export': {
    get: {
      summary:
        'Viewer+: download the draft (or `?version=N`: that published version) as a flow file, ' +
        '`<flow name>.pipewright.json`: `{ format: "pipewright.flow", formatVersion: 1, name, exportedAt, version?, ' +
        'document }` with sorted keys. Credential references are removed; flow ids it names are kept',
      params: ['id'],
      query: [
        {
          name: 'version',
          description: 'A published version (default: the draft)',
          schema: { type: 'integer', minimum: 1 },
        },
      ],
      responses: {
        // A download (the browser saves it), not an API answer; `flowFileSchema` describes the file.
        200: 'The flow file (FlowFile, `flowFileSchema`) as an attachment `<flow name>.pipewright.json`',
        404: 'No such flow or version in this workspace',
      },
    },
  },
  '/api/flows/import': {
    post: {
      summary:
        'Builder+: import a flow file as a new draft flow (never published). Body: the file as is, or ' +
        '`{ file, name? }`. Answers `{ flow: FlowDetail, report: { node?, field?, problem }[] }`: every credential ' +
        'slot is left unset and reported, and flows it names that this workspace lacks are reported',
      body: flowImportEnvelope,
      responses: {
        201: { description: 'FlowImportResponse', body: flowImportResponseSchema },
        400: 'Not a flow file, another formatVersion, or a document the flow schema refuses (issues name the field)',
        403: 'Not a builder',
        413: 'Over the API body limit',
      },
    },
  },
} satisfies ApiRoutes;
