import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiRouteAreas, apiRoutes } from '@pipewright/api-contract/routes';
import { buildOpenApiDocument } from './openapi.ts';

interface Operation {
  responses: Record<string, { description: string; content?: Record<string, { schema?: unknown }> }>;
}

const document = buildOpenApiDocument({}) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
};

/** 2xx answers that are not JSON, so they have no schema: the reason is in each route's description. */
const NOT_JSON = new Set(['GET /api/runs/{id}/events 200', 'GET /api/flows/{id}/export 200']);

test('every 2xx answer with a JSON body has a schema in the OpenAPI document', () => {
  const missing: string[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      for (const [status, response] of Object.entries(operation.responses)) {
        const route = `${method.toUpperCase()} ${path} ${status}`;
        if (!status.startsWith('2') || NOT_JSON.has(route) || status === '204') continue;
        if (response.content?.['application/json']?.schema === undefined) missing.push(route);
      }
    }
  }
  assert.deepEqual(missing, [], 'these answers have no response schema');
});

test('no path is listed by two areas (the merged table would silently keep only one)', () => {
  const total = apiRouteAreas.reduce((sum, area) => sum + Object.keys(area).length, 0);
  assert.equal(Object.keys(apiRoutes).length, total);
});

test('named response schemas are shared components rendered from zod: a run detail lists its node states', () => {
  const reference = document.paths['/api/runs/{id}']?.get?.responses['200']?.content?.['application/json']?.schema as {
    $ref?: string;
  };
  assert.equal(reference.$ref, '#/components/schemas/RunDetail');
  const run = document.components.schemas.RunDetail as { properties?: Record<string, { enum?: string[] }> };
  assert.ok(run.properties?.nodes, 'RunDetail.nodes is described');
  assert.deepEqual(run.properties?.status?.enum?.slice(0, 3), ['queued', 'running', 'stuck']);
});
