import type { ApiOperation, ApiResponse } from '@pipewright/api-contract/routes';
import { apiRoutes } from '@pipewright/api-contract/routes';
import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';

const errorDescription = 'Error: `{ error: { code, message, issues?, compileErrors? } }`';

/**
 * The OpenAPI 3.1 document, rendered by zod-openapi from the api-contract route tables: request bodies from the
 * schemas the server parses with, responses from the schemas the web's client is typed with.
 */
export function buildOpenApiDocument(input: { publicBaseUrl?: string | undefined }): Record<string, unknown> {
  const paths: ZodOpenApiPathsObject = {};
  for (const [path, operations] of Object.entries(apiRoutes)) {
    const item: Record<string, ZodOpenApiOperationObject> = {};
    for (const [method, operation] of Object.entries(operations as Record<string, ApiOperation>))
      item[method] = toOperation(operation);
    paths[path] = item;
  }
  return createDocument(
    {
      openapi: '3.1.0',
      info: { title: 'Pipewright API', version: '0.1.0' },
      ...(input.publicBaseUrl ? { servers: [{ url: input.publicBaseUrl }] } : {}),
      // Every /api route except health, openapi.json and /auth/{status,signup,login,logout} needs one of these.
      components: {
        securitySchemes: {
          apiToken: { type: 'http', scheme: 'bearer', description: 'An API token `pw_…` from POST /api/tokens' },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'pw_session',
            description: 'Browser session; changes also need the header `X-Requested-With: pipewright`',
          },
        },
      },
      security: [{ apiToken: [] }, { session: [] }],
      paths,
    },
    { override: describeCastsByTheirInput },
  ) as unknown as Record<string, unknown>;
}

/**
 * The flow document's ids are strings cast to branded types with `.transform` (`value as NodeId`), which zod cannot
 * describe as output.  A transform of a string is described by the string's schema (so a new string transform that
 * changes the value must document its output itself); a transform of anything else still fails the build.
 */
function describeCastsByTheirInput(context: {
  zodSchema: z.core.$ZodType;
  jsonSchema: Record<string, unknown>;
  io: string;
}) {
  const def = context.zodSchema._zod.def;
  if (context.io !== 'output' || def.type !== 'pipe' || Object.keys(context.jsonSchema).length > 0) return;
  const { in: input, out } = def as z.core.$ZodPipeDef;
  if (out._zod.def.type !== 'transform' || input._zod.def.type !== 'string') return;
  const { $schema: _dialect, ...schema } = z.toJSONSchema(input, { io: 'output' });
  Object.assign(context.jsonSchema, schema);
}

function toOperation(operation: ApiOperation): ZodOpenApiOperationObject {
  const parameters = [
    ...(operation.params ?? []).map((name) => ({
      name,
      in: 'path' as const,
      required: true,
      schema: { type: 'string' as const },
    })),
    ...(operation.query ?? []).map((query) => ({ ...query, in: 'query' as const, required: false })),
  ];
  const responses: ZodOpenApiOperationObject['responses'] = {};
  for (const [status, response] of Object.entries(operation.responses)) {
    responses[status as `2${string}`] = toResponse(Number(status), response);
  }
  return {
    summary: operation.summary,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(operation.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: operation.body } } } }
      : {}),
    responses,
  };
}

function toResponse(status: number, response: string | ApiResponse) {
  if (typeof response === 'string') {
    return { description: status >= 400 ? `${response}. ${errorDescription}` : response };
  }
  return { description: response.description, content: { 'application/json': { schema: response.body } } };
}
