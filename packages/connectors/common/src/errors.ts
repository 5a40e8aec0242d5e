import { StepError, scrubSecrets } from '@pipewright/step-sdk';

/** Socket-level failures worth retrying: the server may be back, or the network may recover, on the next attempt. */
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EPIPE',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
]);

/** The `code` of an error, or of the first error it wraps (Node's dual-stack connect throws an AggregateError). */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code: unknown = Reflect.get(error, 'code');
  if (typeof code === 'string' && code !== '') return code;
  const nested: unknown = Reflect.get(error, 'errors');
  if (Array.isArray(nested)) {
    for (const inner of nested) {
      const innerCode = errorCode(inner);
      if (innerCode) return innerCode;
    }
  }
  const cause: unknown = Reflect.get(error, 'cause');
  return cause === undefined || cause === error ? undefined : errorCode(cause);
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    if (error.message) return error.message;
    if (error instanceof AggregateError) return error.errors.map(errorMessage).join('; ');
    return error.name;
  }
  return String(error);
}

export function isTransientNetworkError(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && TRANSIENT_NETWORK_CODES.has(code);
}

/**
 * A `StepError` whose message and details have the given secrets replaced by `[redacted]`.  The driver's error is
 * deliberately not attached as `cause`: it may carry connection options (passwords) into logs and workflow history.
 */
export function connectorError(
  message: string,
  options: { retryable: boolean; secrets: readonly string[]; details?: Record<string, unknown>; retryAfterMs?: number },
): StepError {
  return new StepError(scrubSecrets(message, options.secrets), {
    retryable: options.retryable,
    ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
    ...(options.details === undefined ? {} : { details: scrubSecrets(options.details, options.secrets) }),
  });
}
