import type { IncomingMessage } from 'node:http';
import express, { type RequestHandler } from 'express';
import { ApiError } from './errors.ts';

const OPEN_BRACKET = 0x5b; // [
const OPEN_BRACE = 0x7b; // {
const CLOSE_BRACKET = 0x5d; // ]
const CLOSE_BRACE = 0x7d; // }
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * Whether JSON text nests arrays/objects deeper than `limit` (the outermost counts as 1).  One pass over the
 * characters, no recursion and no parse: it runs before JSON.parse, so a body of 2.5 million `[` costs
 * milliseconds instead of seconds of parsing and a stack overflow in whatever walks the value next.  Malformed
 * text is left to the parser.  Works on UTF-8 bytes read as latin1: multi-byte sequences never contain ASCII.
 */
export function jsonTextTooDeep(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === BACKSLASH) index++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) inString = true;
    else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      depth++;
      if (depth > limit) return true;
    } else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) depth--;
  }
  return false;
}

type PathSegment = string | number;
interface Frame {
  value: object;
  depth: number;
  key: PathSegment | undefined;
  parent: Frame | undefined;
}

/**
 * The path to the first array/object of a parsed value nested deeper than `limit` (the value itself is level 1),
 * or `undefined`.  Walks with an explicit stack, so the check cannot overflow however deep the value is.
 */
export function pathTooDeep(value: unknown, limit: number): PathSegment[] | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const stack: Frame[] = [{ value, depth: 1, key: undefined, parent: undefined }];
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    if (frame.depth > limit) return pathOf(frame);
    const entries: [PathSegment, unknown][] = Array.isArray(frame.value)
      ? frame.value.map((item: unknown, index) => [index, item])
      : Object.entries(frame.value);
    for (const [key, child] of entries) {
      if (child !== null && typeof child === 'object') {
        stack.push({ value: child, depth: frame.depth + 1, key, parent: frame });
      }
    }
  }
  return undefined;
}

function pathOf(frame: Frame): PathSegment[] {
  const path: PathSegment[] = [];
  for (let at: Frame | undefined = frame; at?.key !== undefined; at = at.parent) path.push(at.key);
  return path.reverse();
}

/** 400 naming where the value nests too deep (the first segments of the path) and the limit it broke. */
export function tooDeeplyNested(input: { where: string; limit: number; what: string }): ApiError {
  return new ApiError(
    400,
    'too_deeply_nested',
    `${input.where}: JSON nests deeper than ${input.limit} levels, the limit for ${input.what}`,
    { issues: [{ path: input.where, message: `nests deeper than ${input.limit} levels` }] },
  );
}

/** Refuses a parsed value (e.g. a flow document inside a body) nested deeper than `limit`, naming the path. */
export function refuseDeepValue(value: unknown, input: { field: string; limit: number; what: string }): void {
  const path = pathTooDeep(value, input.limit);
  if (path === undefined) return;
  const shown = path.slice(0, 6).map(String);
  const where = [input.field, ...shown].join('.') + (path.length > shown.length ? '…' : '');
  throw tooDeeplyNested({ where, limit: input.limit, what: input.what });
}

/** JSON's own encodings (RFC 8259 §8.1 is UTF-8; body-parser also lets UTF-16 through). */
function readableText(body: Buffer, encoding: string): string {
  if (encoding === 'utf-8' || encoding === 'utf8') return body.toString('latin1');
  try {
    return new TextDecoder(encoding).decode(body);
  } catch {
    throw new ApiError(415, 'unsupported_encoding', `Send JSON as UTF-8 (or UTF-16), not ${encoding}`);
  }
}

/**
 * Throws a 400 when a JSON body nests deeper than `maxDepth`, before anything parses it.
 *
 * @example
 * jsonTextDepthCheck(rawBody.toString('utf8'), { maxDepth: 256, what: 'webhook bodies' });
 */
export function jsonTextDepthCheck(text: string, input: { maxDepth: number; what: string }): void {
  if (jsonTextTooDeep(text, input.maxDepth)) {
    throw tooDeeplyNested({ where: 'body', limit: input.maxDepth, what: input.what });
  }
}

/**
 * `express.json` that refuses bodies nested deeper than `maxDepth` (checked on the raw text before JSON.parse) with
 * a 400 naming the limit.  `type` as for express.json.
 */
export function jsonBody(options: {
  limit: string | number;
  maxDepth: number;
  type?: (req: IncomingMessage) => boolean;
}): ReturnType<typeof express.json> {
  return express.json({
    limit: options.limit,
    ...(options.type ? { type: options.type } : {}),
    verify: (_req, _res, body, encoding) => {
      jsonTextDepthCheck(readableText(body, encoding), { maxDepth: options.maxDepth, what: 'request bodies' });
    },
  });
}

/**
 * The API takes JSON only: a body sent as another media type would be left unread (`req.body` undefined) and the
 * request handled as if it had no body — a manual run started without its payload.  Refused instead, 415 naming it.
 */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!hasBody || type === 'application/json') {
    next();
    return;
  }
  next(
    new ApiError(
      415,
      'unsupported_media_type',
      `Request body must be JSON (Content-Type: application/json), not ${type === '' ? 'an unlabelled body' : type}`,
    ),
  );
};
