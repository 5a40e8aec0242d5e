import type { ApiErrorBody } from '@pipewright/api-contract';
import type { ErrorRequestHandler, RequestHandler } from 'express';
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

export function createErrorHandler(log: (message: string, error: unknown) => void): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { status, body } = toResponse(error);
    if (status >= 500) log(`${req.method} ${req.originalUrl} failed`, error);
    res.status(status).json(body);
  };
}

function toResponse(error: unknown): { status: number; body: ApiErrorBody } {
  if (error instanceof ApiError) {
    return { status: error.status, body: { error: { code: error.code, message: error.message, ...error.details } } };
  }
  if (error instanceof z.ZodError) {
    const apiError = invalidRequest(error, 'body');
    return toResponse(apiError);
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
  }
  return {
    status: 500,
    body: { error: { code: 'internal', message: 'Something went wrong on our side; it has been logged' } },
  };
}
