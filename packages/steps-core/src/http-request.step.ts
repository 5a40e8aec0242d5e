import { bearerTokenCredential, defineStep, StepError } from '@pipewright/step-sdk';
import { z } from 'zod';

const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** Makes an HTTP request; 2xx → output, 429/5xx → retryable failure, other statuses → final failure. */
export const httpRequestStep = defineStep({
  type: 'http.request',
  version: 1,
  kind: 'action',
  title: 'HTTP request',
  description: 'Call any HTTP API and use its response.',
  category: 'Actions',
  keywords: ['api', 'rest', 'fetch', 'get', 'post', 'url'],
  input: z.object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default('GET'),
    url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
    headers: z.record(z.string(), z.string()).default({}),
    query: z.record(z.string(), z.string()).default({}),
    body: z.unknown().optional().describe('JSON value, or a string sent as is'),
    responseFormat: z.enum(['auto', 'json', 'text']).default('auto'),
  }),
  output: z.object({
    status: z.number(),
    headers: z.record(z.string(), z.string()),
    body: z.unknown(),
  }),
  ui: {
    method: { label: 'Method', widget: 'select', order: 1 },
    url: { label: 'URL', widget: 'expression', placeholder: 'https://api.example.com/items', order: 2 },
    headers: { label: 'Headers', widget: 'keyValue', order: 3 },
    query: { label: 'Query parameters', widget: 'keyValue', order: 4 },
    body: { label: 'Body', widget: 'code', help: 'JSON or {{ expression }}', order: 5 },
    responseFormat: { label: 'Response format', widget: 'select', order: 6 },
  },
  /**
   * Optional: when chosen, sent as `Authorization: Bearer …` (unless the headers set one).  An admin can also open
   * private networks on it (credential `network`), which the worker's SSRF guard honours for this node.
   */
  credentials: { auth: bearerTokenCredential },
  retry: { maxAttempts: 3, initialIntervalMs: 1000, backoffCoefficient: 2, maxIntervalMs: 30_000 },
  timeoutMs: 30_000,
  async run(input, ctx) {
    const url = new URL(input.url);
    for (const [key, value] of Object.entries(input.query)) url.searchParams.set(key, value);
    const headers: Record<string, string> = { ...lowerKeys(input.headers) };
    let body: string | undefined;
    if (input.body !== undefined && input.body !== null && input.method !== 'GET' && input.method !== 'HEAD') {
      if (typeof input.body === 'string') body = input.body;
      else {
        body = JSON.stringify(input.body);
        headers['content-type'] ??= 'application/json';
      }
    }
    headers['idempotency-key'] ??= ctx.run.idempotencyKey;
    if (ctx.credentials.has?.('auth') === true && headers.authorization === undefined) {
      const { token } = await ctx.credentials.get('auth');
      if (typeof token === 'string') headers.authorization = `Bearer ${token}`;
    }
    const response = await ctx.http.request({
      method: input.method,
      url: url.toString(),
      headers,
      ...(body === undefined ? {} : { body }),
      // A large JSON body is parsed as it arrives, never held as text as well (ports that cannot leave it to us).
      ...(input.responseFormat === 'text'
        ? {}
        : { parseJson: input.responseFormat === 'json' ? 'always' : 'if-json-content-type' }),
    });
    const parsed =
      'json' in response
        ? response.json
        : parseBody(response.body, response.headers['content-type'] ?? '', input.responseFormat);
    if (response.status >= 200 && response.status < 300) {
      return { status: response.status, headers: response.headers, body: parsed };
    }
    const retryable = response.status === 429 || response.status === 408 || response.status >= 500;
    const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    throw new StepError(`${input.method} ${url.origin}${url.pathname} answered ${response.status}`, {
      retryable,
      details: { status: response.status, body: truncate(parsed) },
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  },
});

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]));
}

function parseBody(text: string, contentType: string, format: 'auto' | 'json' | 'text'): unknown {
  if (format === 'text') return text;
  if (format === 'json' || contentType.includes('json')) {
    if (text === '') return null;
    try {
      return JSON.parse(text);
    } catch (error) {
      if (format === 'json') throw new StepError('response body is not valid JSON', { retryable: false, cause: error });
      return text;
    }
  }
  return text;
}

function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

function truncate(value: unknown): unknown {
  if (typeof value === 'string' && value.length > 2000) return `${value.slice(0, 2000)}…`;
  return value;
}
