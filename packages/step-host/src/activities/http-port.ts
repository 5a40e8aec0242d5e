import type { HttpPort, HttpResponse } from '@pipewright/step-sdk';
import { isStepError } from '@pipewright/step-sdk';
import { guardedRequest, type RequestNetworkPolicy, type ResolveHost } from '../net/guarded-request.ts';

export interface HttpPortOptions {
  signal: AbortSignal;
  defaultTimeoutMs: number;
  /**
   * What this request may reach, asked once per request: the worker-wide allowance combined with the network
   * settings of the credentials the node chose (see run-step.ts).  Public addresses are always allowed.
   */
  policy: () => Promise<RequestNetworkPolicy>;
  /** Host name resolution; default `dns.lookup(…, { all: true })`.  Tests inject one to simulate rebinding. */
  resolve?: ResolveHost;
  /** The largest response body a step may read; default DEFAULT_MAX_RESPONSE_BYTES (net/guarded-request.ts). */
  maxResponseBytes?: number;
}

/**
 * The worker's HTTP port: every hop goes through the SSRF guard (resolve, check every address, pin it, re-check
 * redirects — see net/guarded-request.ts), with a per-request timeout, aborted too when the activity is cancelled.
 */
export function createGuardedHttpPort(options: HttpPortOptions): HttpPort {
  return {
    async request(request): Promise<HttpResponse> {
      const timeoutMs = request.timeoutMs ?? options.defaultTimeoutMs;
      const signal = AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)]);
      try {
        return await guardedRequest({
          method: request.method,
          url: request.url,
          headers: request.headers ?? {},
          ...(request.body === undefined ? {} : { body: request.body }),
          ...(request.parseJson ? { parseJson: request.parseJson } : {}),
          signal,
          policy: await options.policy(),
          ...(options.resolve ? { resolve: options.resolve } : {}),
          ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}),
        });
      } catch (error) {
        if (isStepError(error)) throw error;
        throw new Error(
          `${request.method} ${withoutQuery(request.url)} failed: ${describeError(error, timeoutMs, signal)}`,
          { cause: error },
        );
      }
    },
  };
}

function withoutQuery(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return url;
  }
}

function describeError(error: unknown, timeoutMs: number, signal: AbortSignal): string {
  if (signal.aborted && signal.reason instanceof DOMException && signal.reason.name === 'TimeoutError')
    return `no response within ${timeoutMs} ms`;
  return error instanceof Error ? error.message : String(error);
}
