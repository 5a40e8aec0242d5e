import type { z } from 'zod';

/**
 * One operation of the OpenAPI document as each area's `*.openapi.ts` lists it: the request body's zod schema (turned
 * into JSON Schema by openapi.ts), path parameters, query parameters, and a line per response status.
 */
export interface ApiOperation {
  summary: string;
  body?: z.ZodType;
  params?: string[];
  query?: { name: string; description: string; schema: Record<string, unknown> }[];
  responses: Record<string, string>;
}

/** Operations by path, then by method (`get`, `post`…). */
export type ApiRoutes = Record<string, Record<string, ApiOperation>>;
