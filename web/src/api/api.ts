import type {
  CreateFlowBody,
  FlowImportResponse,
  ManualRunBody,
  MigrateNodeBody,
  N8nImportResponse,
  TestStepBody,
  UpdateFlowBody,
} from '@pipewright/api-contract';
import type { FlowDocument } from '@pipewright/flow';
import { ApiError, apiRequest } from './request.ts';
import { callApi } from './typed-request.ts';

const flow = (id: string) => ({ params: { id } });

/** The core routes (catalog, flows, versions, runs), each typed from the API contract's route table. */
export const api = {
  catalog: () => callApi('get', '/api/catalog').then((body) => body.steps),
  /** One version of a step type (a node pinned to an older version shows that version's form). */
  stepVersion: (type: string, version: number) =>
    callApi('get', '/api/catalog/steps/{type}/versions/{version}', { params: { type, version } }).then(
      (body) => body.step,
    ),
  migrateNode: (body: MigrateNodeBody) => callApi('post', '/api/catalog/migrate', { body }),
  listFlows: () => callApi('get', '/api/flows').then((body) => body.items),
  getFlow: (id: string) => callApi('get', '/api/flows/{id}', flow(id)),
  createFlow: (body: CreateFlowBody) => callApi('post', '/api/flows', { body }),
  /** An n8n workflow export (parsed JSON) → a new draft and the import report. */
  // These two also take the file as it is (not only the contract's `{ workflow | file, name }` envelope).
  importN8nWorkflow: (workflow: unknown) => apiRequest<N8nImportResponse>('POST', '/flows/import/n8n', workflow),
  /** A flow file (`GET /flows/:id/export`, parsed JSON) → a new draft and what is left to set. */
  importFlowFile: (file: unknown) => apiRequest<FlowImportResponse>('POST', '/flows/import', file),
  /** The download of a flow's saved draft as a flow file (a plain GET: the browser saves it). */
  flowExportUrl: (id: string) => `/api/flows/${encodeURIComponent(id)}/export`,
  updateFlow: (id: string, body: UpdateFlowBody) => callApi('put', '/api/flows/{id}', { ...flow(id), body }),
  deleteFlow: (id: string) => callApi('delete', '/api/flows/{id}', flow(id)),
  publishFlow: (id: string) => callApi('post', '/api/flows/{id}/publish', { ...flow(id), body: {} }),
  checkFlow: (id: string, document: FlowDocument) =>
    callApi('post', '/api/flows/{id}/check', { ...flow(id), body: { document } }),
  listVersions: (id: string) => callApi('get', '/api/flows/{id}/versions', flow(id)).then((body) => body.items),
  getVersion: (id: string, version: number) =>
    callApi('get', '/api/flows/{id}/versions/{version}', { params: { id, version } }),
  diffVersions: (id: string, a: number, b: number) =>
    callApi('get', '/api/flows/{id}/versions/{a}/diff/{b}', { params: { id, a, b } }),
  rollbackVersion: (id: string, version: number) =>
    callApi('post', '/api/flows/{id}/versions/{version}/rollback', { params: { id, version } }),
  testStep: (id: string, nodeId: string, body: TestStepBody) =>
    callApi('post', '/api/flows/{id}/nodes/{nodeId}/test', { params: { id, nodeId }, body }),
  rerunRun: (runId: string) => callApi('post', '/api/runs/{id}/rerun', { params: { id: runId } }),
  startRun: (id: string, body: ManualRunBody) => callApi('post', '/api/flows/{id}/runs', { ...flow(id), body }),
  getRun: (id: string) => callApi('get', '/api/runs/{id}', { params: { id } }),
  runEventsUrl: (id: string) => `/api/runs/${encodeURIComponent(id)}/events`,
};

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'stale_revision') {
      return 'Someone else saved this flow since you opened it. Reload to get their version, or overwrite it with yours.';
    }
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** For feature modules with their own endpoints (credentials/): the same fetch, error shape and headers. */
export { ApiError, apiRequest, setUnauthenticatedHandler } from './request.ts';
