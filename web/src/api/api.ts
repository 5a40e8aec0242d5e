import type {
  ApiErrorBody,
  CreateFlowBody,
  FlowCheckResponse,
  FlowDetail,
  FlowImportResponse,
  FlowSummary,
  FlowVersionDetail,
  FlowVersionSummary,
  ManualRunBody,
  MigrateNodeBody,
  MigrateNodeResponse,
  N8nImportResponse,
  RunDetail,
  StartRunResponse,
  StepTestResult,
  TestStepBody,
  UpdateFlowBody,
} from '@pipewright/api-contract';
import type { FlowDiff, FlowDocument } from '@pipewright/flow';
import type { StepManifest } from '@pipewright/step-sdk';

/** An HTTP error from the API, carrying the server's error body so screens can show codes and compile errors. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly body: ApiErrorBody | null;

  constructor(status: number, body: ApiErrorBody | null, fallback: string) {
    super(body?.error.message ?? fallback);
    this.status = status;
    this.body = body;
  }

  get code(): string {
    return this.body?.error.code ?? `http_${this.status}`;
  }

  get compileErrors(): NonNullable<ApiErrorBody['error']['compileErrors']> {
    return this.body?.error.compileErrors ?? [];
  }
}

function isApiErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const { error } = value;
  return typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string';
}

/** Called when a signed-in request answers 401 (session expired, signed out elsewhere): the app shows the login. */
let onUnauthenticated: () => void = () => {};
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  // The session cookie rides along; the custom header is the server's CSRF check for cookie-authenticated changes.
  const headers: Record<string, string> = { accept: 'application/json', 'x-requested-with': 'pipewright' };
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(`/api${path}`, init);
  if (response.status === 401 && !path.startsWith('/auth/')) onUnauthenticated();
  const text = await response.text();
  let parsed: unknown = null;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!response.ok) {
    throw new ApiError(
      response.status,
      isApiErrorBody(parsed) ? parsed : null,
      `${method} /api${path} failed with ${response.status}`,
    );
  }
  // The server builds these bodies from the shared contract types; the web trusts its own API here.
  return parsed as T;
}

interface ListBody<T> {
  items: T[];
}

const items = <T>(body: ListBody<T>): T[] => body.items;

export const api = {
  catalog: () => request<{ steps: StepManifest[] }>('GET', '/catalog').then((body) => body.steps),
  /** One version of a step type (a node pinned to an older version shows that version's form). */
  stepVersion: (type: string, version: number) =>
    request<{ step: StepManifest }>('GET', `/catalog/steps/${encodeURIComponent(type)}/versions/${version}`).then(
      (body) => body.step,
    ),
  migrateNode: (body: MigrateNodeBody) => request<MigrateNodeResponse>('POST', '/catalog/migrate', body),
  listFlows: () => request<ListBody<FlowSummary>>('GET', '/flows').then(items),
  getFlow: (id: string) => request<FlowDetail>('GET', `/flows/${encodeURIComponent(id)}`),
  createFlow: (body: CreateFlowBody) => request<FlowDetail>('POST', '/flows', body),
  /** An n8n workflow export (parsed JSON) → a new draft and the import report. */
  importN8nWorkflow: (workflow: unknown) => request<N8nImportResponse>('POST', '/flows/import/n8n', workflow),
  /** A flow file (`GET /flows/:id/export`, parsed JSON) → a new draft and what is left to set. */
  importFlowFile: (file: unknown) => request<FlowImportResponse>('POST', '/flows/import', file),
  /** The download of a flow's saved draft as a flow file (a plain GET: the browser saves it). */
  flowExportUrl: (id: string) => `/api/flows/${encodeURIComponent(id)}/export`,
  updateFlow: (id: string, body: UpdateFlowBody) =>
    request<FlowDetail>('PUT', `/flows/${encodeURIComponent(id)}`, body),
  deleteFlow: (id: string) => request<null>('DELETE', `/flows/${encodeURIComponent(id)}`),
  publishFlow: (id: string) => request<FlowVersionSummary>('POST', `/flows/${encodeURIComponent(id)}/publish`),
  checkFlow: (id: string, document: FlowDocument) =>
    request<FlowCheckResponse>('POST', `/flows/${encodeURIComponent(id)}/check`, { document }),
  listVersions: (id: string) =>
    request<ListBody<FlowVersionSummary>>('GET', `/flows/${encodeURIComponent(id)}/versions`).then(items),
  getVersion: (id: string, version: number) =>
    request<FlowVersionDetail>('GET', `/flows/${encodeURIComponent(id)}/versions/${version}`),
  diffVersions: (id: string, from: number, to: number) =>
    request<FlowDiff>('GET', `/flows/${encodeURIComponent(id)}/versions/${from}/diff/${to}`),
  rollbackVersion: (id: string, version: number) =>
    request<FlowVersionSummary>('POST', `/flows/${encodeURIComponent(id)}/versions/${version}/rollback`),
  testStep: (id: string, nodeId: string, body: TestStepBody) =>
    request<StepTestResult>('POST', `/flows/${encodeURIComponent(id)}/nodes/${encodeURIComponent(nodeId)}/test`, body),
  rerunRun: (runId: string) => request<StartRunResponse>('POST', `/runs/${encodeURIComponent(runId)}/rerun`),
  startRun: (id: string, body: ManualRunBody) =>
    request<StartRunResponse>('POST', `/flows/${encodeURIComponent(id)}/runs`, body),
  getRun: (id: string) => request<RunDetail>('GET', `/runs/${encodeURIComponent(id)}`),
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
export { request as apiRequest };
