import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { HealthResponse } from '@pipewright/api-contract';
import { builtinStepDefinitions } from '@pipewright/builtin-steps';
import type { StepManifest } from '@pipewright/step-sdk';
import express from 'express';
import { MongoClient } from 'mongodb';
import request from 'supertest';
import { createApp } from './app.ts';
import { createHealthRouter } from './health.routes.ts';
import { type Harness, signedInAgent, startHarness } from './test-support.ts';

let harness: Harness;
before(async () => {
  harness = await startHarness({ worker: false });
});
after(async () => {
  await harness?.stop();
});

describe('health', () => {
  test('reports Temporal and MongoDB ok', async () => {
    const response = await request(harness.app).get('/api/health').expect(200);
    assert.deepEqual(response.body as HealthResponse, { ok: true, temporal: { ok: true }, mongo: { ok: true } });
  });

  test('answers 503 naming MongoDB when it cannot be reached', async () => {
    // Port 9 (discard) is closed on the test machine.  The health router alone: createApp needs MongoDB for indexes.
    const unreachable = new MongoClient('mongodb://127.0.0.1:9/', { serverSelectionTimeoutMS: 300 });
    try {
      const app = express().use(
        '/api',
        createHealthRouter({ db: unreachable.db('nowhere'), temporal: harness.temporal }),
      );
      const body = (await request(app).get('/api/health').expect(503)).body as HealthResponse;
      assert.equal(body.ok, false);
      assert.deepEqual(body.temporal, { ok: true });
      assert.equal(body.mongo.ok, false);
      assert.ok(body.mongo.error);
    } finally {
      await unreachable.close();
    }
  });
});

describe('catalog and OpenAPI', () => {
  test('the catalog lists the built-in steps with their input schemas', async () => {
    const response = await harness.api().get('/api/catalog').expect(200);
    const steps = (response.body as { steps: StepManifest[] }).steps;
    const types = steps.map((step) => step.type).sort();
    // The catalog is the shared built-in list — the same one the core worker's registry runs.
    assert.deepEqual(types, builtinStepDefinitions.map((step) => step.type).sort());
    for (const type of [
      'core.webhook',
      'core.manual',
      'core.transform',
      'core.if',
      'http.request',
      'code.javascript',
    ]) {
      assert.ok(types.includes(type), `${type} is in the palette`);
    }
    const http = steps.find((step) => step.type === 'http.request');
    assert.equal(http?.kind, 'action');
    assert.ok(http && 'properties' in http.inputSchema);
  });

  test('the OpenAPI document lists every route with request bodies from the contract schemas', async () => {
    const response = await request(harness.app).get('/api/openapi.json').expect(200);
    const doc = response.body as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: {
              content: Record<
                string,
                { schema: { properties?: Record<string, unknown>; additionalProperties?: unknown } }
              >;
            };
          }
        >
      >;
    };
    assert.equal(doc.openapi, '3.1.0');
    const routes = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    for (const route of [
      'GET /api/health',
      'GET /api/catalog',
      'GET /api/flows',
      'POST /api/flows',
      'GET /api/flows/{id}',
      'PUT /api/flows/{id}',
      'DELETE /api/flows/{id}',
      'POST /api/flows/{id}/publish',
      'GET /api/flows/{id}/versions',
      'GET /api/flows/{id}/versions/{version}',
      'POST /api/flows/{id}/runs',
      'GET /api/runs',
      'GET /api/runs/{id}',
      'GET /api/runs/{id}/events',
      'GET /api/openapi.json',
      'POST /hooks/{token}',
    ]) {
      assert.ok(routes.includes(route), `${route} is documented`);
    }
    const createSchema = doc.paths['/api/flows']?.post?.requestBody?.content['application/json']?.schema;
    assert.ok(createSchema?.properties && 'name' in createSchema.properties && 'document' in createSchema.properties);
    assert.equal(createSchema.additionalProperties, false, 'strict bodies refuse unknown fields');
  });

  test('unknown API routes answer a JSON 404 (401 before that when signed out)', async () => {
    const response = await harness.api().get('/api/nope').expect(404);
    assert.equal(response.body.error.code, 'not_found');
    const anonymous = await request(harness.app).get('/api/nope').expect(401);
    assert.equal(anonymous.body.error.code, 'unauthenticated');
  });
});

describe('static web app', () => {
  test('serves web/dist files and falls back to index.html outside /api and /hooks', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'pipewright-web-'));
    try {
      writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Pipewright</title>');
      writeFileSync(join(dist, 'app.js'), 'console.log(1)');
      const app = await createApp({
        db: harness.db,
        temporal: harness.temporal,
        taskQueue: harness.taskQueue,
        webDistDir: dist,
        log: () => {},
      });
      const asset = await request(app).get('/app.js').expect(200);
      assert.match(asset.text, /console\.log/);
      const deepLink = await request(app).get('/flows/flw_abc/edit').expect(200);
      assert.match(deepLink.text, /<title>Pipewright<\/title>/);
      const api = await signedInAgent(app, harness.admin.token).get('/api/nope').expect(404);
      assert.equal(api.body.error.code, 'not_found');
      await request(app).get('/hooks').expect(404);
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });
});
