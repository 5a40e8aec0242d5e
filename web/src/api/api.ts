import type {
  ApiErrorBody,
  CreateFlowBody,
  FlowDetail,
  FlowSummary,
  FlowVersionSummary,
  ManualRunBody,
  RunDetail,
  RunSummary,
  StartRunResponse,
  UpdateFlowBody,
} from '@pipewright/api-contract';
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

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.headers = { accept: 'application/json', 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  const response = await fetch(`/api${path}`, init);
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
  listFlows: () => request<ListBody<FlowSummary>>('GET', '/flows').then(items),
  getFlow: (id: string) => request<FlowDetail>('GET', `/flows/${encodeURIComponent(id)}`),
  createFlow: (body: CreateFlowBody) => request<FlowDetail>('POST', '/flows', body),
  updateFlow: (id: string, body: UpdateFlowBody) =>
    request<FlowDetail>('PUT', `/flows/${encodeURIComponent(id)}`, body),
  deleteFlow: (id: string) => request<null>('DELETE', `/flows/${encodeURIComponent(id)}`),
  publishFlow: (id: string) => request<FlowVersionSummary>('POST', `/flows/${encodeURIComponent(id)}/publish`),
  listVersions: (id: string) =>
    request<ListBody<FlowVersionSummary>>('GET', `/flows/${encodeURIComponent(id)}/versions`).then(items),
  startRun: (id: string, body: ManualRunBody) =>
    request<StartRunResponse>('POST', `/flows/${encodeURIComponent(id)}/runs`, body),
  listRuns: (flowId?: string) =>
    request<ListBody<RunSummary>>('GET', `/runs${flowId ? `?flowId=${encodeURIComponent(flowId)}` : ''}`).then(items),
  getRun: (id: string) => request<RunDetail>('GET', `/runs/${encodeURIComponent(id)}`),
  runEventsUrl: (id: string) => `/api/runs/${encodeURIComponent(id)}/events`,
};

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'stale_revision') {
      return 'Someone else saved this flow since you opened it. Reload to get their version (your changes here are not saved).';
    }
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
