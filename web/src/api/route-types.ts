import type { ApiMethod, ApiRouteTable, SchemaInput, SchemaOutput } from '@pipewright/api-contract/routes';

/**
 * The web's API types, read from the same route tables the server's OpenAPI document is rendered from
 * (`@pipewright/api-contract/routes`, imported for its types only).  A path, its method, its path parameters, its
 * request body and its success body are checked here at compile time, so a changed contract breaks the web's build
 * instead of a user's screen.
 */
export type ApiPath = keyof ApiRouteTable;

export type MethodOf<P extends ApiPath> = keyof ApiRouteTable[P] & ApiMethod;

type OperationOf<P extends ApiPath, M extends MethodOf<P>> = ApiRouteTable[P][M];

/** `{ id: string; version: string }` for `/api/flows/{id}/versions/{version}`. */
export type PathParams<P extends string> = P extends `${string}{${infer Name}}${infer Rest}`
  ? { [K in Name]: string | number } & PathParams<Rest>
  : unknown;

type SuccessStatus = 200 | 201 | 202 | 203;

/** What the operation answers on success: its 2xx response's schema output (`null` when it has no JSON body). */
export type SuccessBody<P extends ApiPath, M extends MethodOf<P>> =
  OperationOf<P, M> extends { responses: infer R }
    ? {
        [S in keyof R]: S extends SuccessStatus ? (R[S] extends { body: infer B } ? SchemaOutput<B> : never) : never;
      }[keyof R] extends infer Body
      ? [Body] extends [never]
        ? null
        : Body
      : never
    : never;

/** The JSON request body the operation takes, as the caller writes it (before the server's defaults). */
export type RequestBody<P extends ApiPath, M extends MethodOf<P>> =
  OperationOf<P, M> extends { body: infer B } ? SchemaInput<B> : undefined;
