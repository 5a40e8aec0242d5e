import { createFlowBody, manualRunBody, updateFlowBody } from '@pipewright/api-contract';
import { z } from 'zod';

interface Operation {
  summary: string;
  body?: z.ZodType;
  params?: string[];
  query?: { name: string; description: string; schema: Record<string, unknown> }[];
  responses: Record<string, string>;
}

const flowId = ['id'];
const errorBody = { description: 'Error: `{ error: { code, message, issues?, compileErrors? } }`' };

const routes: Record<string, Record<string, Operation>> = {
  '/api/health': {
    get: { summary: 'Health of Temporal and MongoDB', responses: { 200: 'Both reachable', 503: 'One is down' } },
  },
  '/api/catalog': { get: { summary: 'Step catalog: `{ steps: StepManifest[] }`', responses: { 200: 'The catalog' } } },
  '/api/flows': {
    get: { summary: 'List flows, newest updated first: `{ items: FlowSummary[] }`', responses: { 200: 'Flows' } },
    post: {
      summary: 'Create a flow (empty document unless given)',
      body: createFlowBody,
      responses: { 201: 'FlowDetail', 400: 'Invalid body' },
    },
  },
  '/api/flows/{id}': {
    get: {
      summary: 'A flow with its draft document',
      params: flowId,
      responses: { 200: 'FlowDetail', 404: 'Unknown flow' },
    },
    put: {
      summary: 'Save the draft; refused when `revision` is stale',
      params: flowId,
      body: updateFlowBody,
      responses: { 200: 'FlowDetail', 400: 'Invalid body', 404: 'Unknown flow', 409: 'Stale revision' },
    },
    delete: {
      summary: 'Delete a flow and its versions',
      params: flowId,
      responses: { 204: 'Deleted', 404: 'Unknown flow' },
    },
  },
  '/api/flows/{id}/publish': {
    post: {
      summary: 'Compile the draft into the next version',
      params: flowId,
      responses: { 201: 'FlowVersionSummary', 404: 'Unknown flow', 422: 'Compile errors' },
    },
  },
  '/api/flows/{id}/versions': {
    get: {
      summary: 'Published versions, newest first: `{ items: FlowVersionSummary[] }`',
      params: flowId,
      responses: { 200: 'Versions', 404: 'Unknown flow' },
    },
  },
  '/api/flows/{id}/versions/{version}': {
    get: {
      summary: 'A version with its document and plan',
      params: ['id', 'version'],
      responses: { 200: 'FlowVersionDetail', 404: 'Unknown version' },
    },
  },
  '/api/flows/{id}/runs': {
    post: {
      summary: 'Start a manual run of the draft or of the latest version',
      params: flowId,
      body: manualRunBody,
      responses: { 202: 'StartRunResponse', 404: 'Unknown flow', 409: 'Never published', 422: 'Compile errors' },
    },
  },
  '/api/runs': {
    get: {
      summary: 'Runs, newest first: `{ items: RunSummary[] }`',
      query: [
        { name: 'flowId', description: 'Only runs of this flow', schema: { type: 'string' } },
        { name: 'limit', description: '1-50, default 20', schema: { type: 'integer', minimum: 1, maximum: 50 } },
      ],
      responses: { 200: 'Runs' },
    },
  },
  '/api/runs/{id}': {
    get: { summary: 'A run with node states', params: ['id'], responses: { 200: 'RunDetail', 404: 'Unknown run' } },
  },
  '/api/runs/{id}/events': {
    get: {
      summary: 'Server-Sent Events: `data: RunDetail` on every change, then `event: end` once the run closed',
      params: ['id'],
      responses: { 200: 'text/event-stream', 404: 'Unknown run' },
    },
  },
  '/api/openapi.json': { get: { summary: 'This document', responses: { 200: 'OpenAPI 3.1' } } },
  '/hooks/{token}': {
    post: {
      summary: 'Webhook ingress: starts a run of the latest published version (also the method set on the trigger)',
      params: ['token'],
      responses: {
        202: 'StartRunResponse',
        404: 'Unknown token or never published',
        405: 'Method not accepted',
        413: 'Body over 1 MB',
      },
    },
  },
};

/** The OpenAPI 3.1 document, request bodies generated from the api-contract zod schemas. */
export function buildOpenApiDocument(input: { publicBaseUrl?: string | undefined }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, operations] of Object.entries(routes)) {
    const item: Record<string, unknown> = {};
    for (const [method, operation] of Object.entries(operations)) item[method] = toOperation(operation);
    paths[path] = item;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Pipewright API', version: '0.1.0' },
    ...(input.publicBaseUrl ? { servers: [{ url: input.publicBaseUrl }] } : {}),
    paths,
  };
}

function toOperation(operation: Operation): Record<string, unknown> {
  const parameters = [
    ...(operation.params ?? []).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ...(operation.query ?? []).map((query) => ({ ...query, in: 'query', required: false })),
  ];
  const responses: Record<string, unknown> = {};
  for (const [status, description] of Object.entries(operation.responses)) {
    responses[status] =
      Number(status) >= 400 ? { description: `${description}. ${errorBody.description}` } : { description };
  }
  return {
    summary: operation.summary,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(operation.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(operation.body) } } } }
      : {}),
    responses,
  };
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
  return rest;
}
