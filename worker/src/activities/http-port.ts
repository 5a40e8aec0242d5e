import type { HttpPort, HttpResponse } from '@pipewright/step-sdk';

/**
 * The worker's HTTP port: global fetch with a per-request timeout, aborted too when the activity is cancelled.
 * TODO: SSRF guard (resolve, check and pin addresses; re-check redirects) before this faces untrusted flows.
 */
export function createFetchHttpPort(options: { signal: AbortSignal; defaultTimeoutMs: number }): HttpPort {
  return {
    async request(request): Promise<HttpResponse> {
      const timeoutMs = request.timeoutMs ?? options.defaultTimeoutMs;
      let response: Response;
      try {
        response = await fetch(request.url, {
          method: request.method,
          ...(request.headers === undefined ? {} : { headers: request.headers }),
          ...(request.body === undefined ? {} : { body: request.body }),
          signal: AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)]),
        });
      } catch (error) {
        throw new Error(
          `${request.method} ${withoutQuery(request.url)} failed: ${describeFetchError(error, timeoutMs)}`,
          { cause: error },
        );
      }
      const headers: Record<string, string> = {};
      response.headers.forEach((value, key) => {
        headers[key] = value;
      });
      return { status: response.status, headers, body: await response.text() };
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

// fetch reports "fetch failed" and hides the reason (ECONNREFUSED, DNS…) in `cause`.
function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') return `no response within ${timeoutMs} ms`;
  if (error instanceof Error) {
    const cause = error.cause;
    if (cause instanceof Error)
      return `${error.message} (${'code' in cause && typeof cause.code === 'string' ? cause.code : cause.message})`;
    return error.message;
  }
  return String(error);
}
