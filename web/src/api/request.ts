import type { ApiErrorBody } from '@pipewright/api-contract';

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

export async function apiRequest<T>(method: string, path: string, body?: unknown): Promise<T> {
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
  // The server's answers are checked against the contract's response schemas in its tests (response-contract.ts);
  // callApi types them from the same schemas.
  return parsed as T;
}
