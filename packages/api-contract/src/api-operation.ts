import type { z } from 'zod';

/**
 * One operation of the API as each area's table in `routes/` lists it.  The server renders the OpenAPI document from
 * these tables (request and response bodies from their zod schemas) and the web's client takes its types from them,
 * so the document, the server's validation and the browser's types cannot drift apart.
 */
export interface ApiOperation {
  summary: string;
  /** The JSON request body; the server parses with the same schema. */
  body?: z.ZodType;
  params?: readonly string[];
  query?: readonly ApiQueryParameter[];
  /** By status: a description, or a description and the JSON body's schema (every 2xx answer with a JSON body has one). */
  responses: Readonly<Record<number, string | ApiResponse>>;
}

export interface ApiResponse {
  description: string;
  body: z.ZodType;
}

export interface ApiQueryParameter {
  name: string;
  description: string;
  schema: Record<string, unknown>;
}

/** Operations by path, then by method (`get`, `post`…). */
export type ApiRoutes = Readonly<Record<string, Readonly<Partial<Record<ApiMethod, ApiOperation>>>>>;

export type ApiMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What a schema parses into / accepts: for clients typed from the route tables without a zod dependency of their own. */
export type SchemaOutput<S> = S extends z.ZodType ? z.output<S> : never;
export type SchemaInput<S> = S extends z.ZodType ? z.input<S> : never;
