import type { ApiRoutes } from '../api-operation.ts';
import { draftTestsResponseSchema, draftTestViewSchema, startDraftTestBody } from '../index.ts';

/** The OpenAPI entries of the draft-test routes (merged in routes/index.ts). */
export const draftTestsApiRoutes = {
  '/api/flows/{id}/draft-tests': {
    post: {
      summary:
        'Builder+: test the saved draft against past runs (docs/adr/016): `runIds` (of this flow, at most 50), or the ' +
        'newest `count` (default 20) runs of the published version; `realCalls`: node ids allowed to call out where ' +
        'no recording answers them. Runs on the worker; answers at once with the test (`running`)',
      body: startDraftTestBody,
      params: ['id'],
      responses: {
        202: { description: 'DraftTestView, `running`', body: draftTestViewSchema },
        400: 'A field is wrong (named), or a run id is not this flow’s',
        404: 'Unknown flow',
        409: 'No runs to test against (`no_runs_to_test`)',
        422: 'The draft does not compile',
      },
    },
    get: {
      summary: 'The flow’s newest draft tests (20): `{ items: DraftTestView[] }`',
      params: ['id'],
      responses: { 200: { description: 'Draft tests', body: draftTestsResponseSchema }, 404: 'Unknown flow' },
    },
  },
  '/api/flows/{id}/draft-tests/{testId}': {
    get: {
      summary:
        'One draft test: `running`, then `done` with its report (per run a verdict and the nodes that differ) or `failed`',
      params: ['id', 'testId'],
      responses: { 200: { description: 'DraftTestView', body: draftTestViewSchema }, 404: 'Unknown flow or test' },
    },
  },
} satisfies ApiRoutes;
