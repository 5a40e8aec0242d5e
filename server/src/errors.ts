import type { ApiErrorBody } from '@pipewright/api-contract';
import { isGrpcServiceError, ServiceError } from '@temporalio/client';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import {
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import { z } from 'zod';

type ErrorDetails = Omit<ApiErrorBody['error'], 'code' | 'message'>;

/** An error a client can act on: the middleware turns it into `{ error: { code, message, … } }` with its status. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetails;

  constructor(status: number, code: string, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export const notFound = (what: string, id: string): ApiError =>
  new ApiError(404, 'not_found', `${what} "${id}" was not found`);

/** Parses a request part with a contract schema; a zod error becomes a 400 naming the first bad field. */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown, where = 'body'): z.output<S> {
  const result = schema.safeParse(value === undefined && where === 'body' ? {} : value);
  if (result.success) return result.data;
  throw invalidRequest(result.error, where);
}

function invalidRequest(error: z.ZodError, where: string): ApiError {
  const issues = error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : where,
    message: issue.message,
  }));
  const first = issues[0] ?? { path: where, message: 'is invalid' };
  return new ApiError(400, 'invalid_request', `${first.path}: ${first.message}`, { issues });
}

/** 404 for unknown /api routes, so API clients never get the web app's index.html. */
export const unknownApiRoute: RequestHandler = (req, _res, next) => {
  next(new ApiError(404, 'not_found', `No route ${req.method} ${req.originalUrl.split('?')[0] ?? ''}`));
};

interface BodyParserError {
  type: string;
  status?: number;
  limit?: number;
  message: string;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return typeof error === 'object' && error !== null && 'type' in error && typeof error.type === 'string';
}

/** A 4xx status that http-errors (body-parser, router) marked as safe to show, or undefined. */
function clientStatusOf(error: object): number | undefined {
  const status = 'status' in error ? error.status : undefined;
  const exposed = 'expose' in error ? error.expose === true : error instanceof URIError;
  return typeof status === 'number' && status >= 400 && status < 500 && exposed ? status : undefined;
}

/** A zlib or brotli stream error (`Z_DATA_ERROR`, `Z_BUF_ERROR`, `ERR__ERROR_FORMAT_PADDING_1`…). */
function isDecodeError(error: unknown): error is Error & { code: string } {
  if (!(error instanceof Error) || !('code' in error) || typeof error.code !== 'string') return false;
  return (
    'errno' in error &&
    typeof error.errno === 'number' &&
    /^(Z_|ERR__ERROR|ERR_BROTLI|ERR_ZSTD|ZSTD_error_)/.test(error.code)
  );
}

/**
 * How long a client is asked to wait (Retry-After, seconds) when a service the server needs is unreachable: about
 * what a restarting database or Temporal takes to answer again.
 */
export const RETRY_AFTER_SECONDS = 5;

/** The database cannot be reached (down, restarting, no server selected in time) — not a bug of ours or the client's. */
function isDatabaseUnavailable(error: unknown): boolean {
  return (
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNetworkError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError
  );
}

/** gRPC UNAVAILABLE (14) or DEADLINE_EXCEEDED (4) from Temporal: the engine is down or did not answer in time. */
const ENGINE_UNAVAILABLE_CODES = new Set([4, 14]);

function isEngineUnavailable(error: unknown): boolean {
  const cause = error instanceof ServiceError ? error.cause : error;
  return isGrpcServiceError(cause) && ENGINE_UNAVAILABLE_CODES.has(cause.code);
}

export function createErrorHandler(log: (message: string, error: unknown) => void): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { status, body, retryAfterSeconds } = toErrorResponse(error, {
      contentEncoding: req.get('content-encoding'),
    });
    if (status >= 500) log(`${req.method} ${req.originalUrl} failed`, error);
    if (retryAfterSeconds !== undefined) res.set('retry-after', String(retryAfterSeconds));
    res.status(status).json(body);
  };
}

/**
 * An error as the API answers it (status and body); a service that cannot be reached is a 503 with Retry-After (the
 * request may simply be sent again), anything else not known to be the client's fault a logged 500.
 */
export function toErrorResponse(
  error: unknown,
  request: { contentEncoding?: string | undefined } = {},
): { status: number; body: ApiErrorBody; retryAfterSeconds?: number } {
  if (isDatabaseUnavailable(error)) {
    const message = `The database cannot be reached right now; try again in ${RETRY_AFTER_SECONDS} seconds`;
    return {
      status: 503,
      body: { error: { code: 'database_unavailable', message } },
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    };
  }
  if (isEngineUnavailable(error)) {
    const message = `The workflow engine (Temporal) cannot be reached right now; try again in ${RETRY_AFTER_SECONDS} seconds`;
    return {
      status: 503,
      body: { error: { code: 'engine_unavailable', message } },
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    };
  }
  if (error instanceof ApiError) {
    return { status: error.status, body: { error: { code: error.code, message: error.message, ...error.details } } };
  }
  if (error instanceof z.ZodError) {
    const apiError = invalidRequest(error, 'body');
    return toErrorResponse(apiError);
  }
  // The router could not percent-decode a path segment (`/api/flows/%ZZ`): the URL is malformed, not our fault.
  if (error instanceof URIError && clientStatusOf(error) === 400) {
    const message = `The URL path is not valid percent-encoding (${error.message}); encode "%" as %25`;
    return { status: 400, body: { error: { code: 'invalid_path', message } } };
  }
  // zlib/brotli refused the body while body-parser inflated it: the bytes do not match Content-Encoding.
  if (isDecodeError(error) && clientStatusOf(error) === 400) {
    const encoding = request.contentEncoding ?? 'its Content-Encoding';
    const message = `Request body could not be decoded as ${encoding} (${error.message}); send it encoded as the Content-Encoding header says`;
    return { status: 400, body: { error: { code: 'invalid_content_encoding', message } } };
  }
  if (isBodyParserError(error)) {
    if (error.type === 'entity.parse.failed') {
      const message = `Request body is not valid JSON: ${error.message}`;
      return { status: 400, body: { error: { code: 'invalid_json', message } } };
    }
    if (error.type === 'entity.too.large') {
      const message = `Request body is larger than the ${error.limit ?? 'allowed'} bytes limit`;
      return { status: 413, body: { error: { code: 'payload_too_large', message } } };
    }
    if (error.type === 'encoding.unsupported' || error.type === 'charset.unsupported') {
      return { status: 415, body: { error: { code: 'unsupported_encoding', message: error.message } } };
    }
    // request.aborted, request.size.invalid, stream.encoding.set…: body-parser marks them as the client's (4xx).
    const status = clientStatusOf(error);
    if (status !== undefined) {
      return {
        status,
        body: { error: { code: 'bad_request', message: `Request body could not be read: ${error.message}` } },
      };
    }
  }
  return {
    status: 500,
    body: { error: { code: 'internal', message: 'Something went wrong on our side; it has been logged' } },
  };
}
