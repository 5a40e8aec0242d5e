import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flowDetailSchema, runDetailSchema } from '@pipewright/api-contract';
import express from 'express';
import request from 'supertest';
import { type ContractViolation, checkResponsesAgainstContract, responseSchemaFor } from './response-contract.ts';

test('an answer is matched to its route: a literal segment beats a path parameter', () => {
  assert.equal(responseSchemaFor('GET', '/api/flows/f1', 200), flowDetailSchema);
  assert.equal(responseSchemaFor('get', '/api/runs/r%201', 200), runDetailSchema);
  assert.notEqual(responseSchemaFor('POST', '/api/flows/import', 201), undefined);
  assert.notEqual(responseSchemaFor('POST', '/api/flows/import', 201), flowDetailSchema);
  assert.equal(responseSchemaFor('GET', '/api/flows/f1', 404), undefined, 'errors have no schema of their own');
  assert.equal(responseSchemaFor('GET', '/api/nope', 200), undefined);
});

test('an answer its contract refuses becomes a 500 naming the field, and is reported', async () => {
  const violations: ContractViolation[] = [];
  const app = express();
  app.use(checkResponsesAgainstContract((violation) => violations.push(violation)));
  app.get('/api/runs/:id', (_req, res) => {
    res.json({ id: 'r1', status: 'exploded' });
  });
  app.get('/api/flows', (_req, res) => {
    res.json({ items: [] });
  });
  await request(app).get('/api/flows').expect(200, { items: [] });
  const refused = await request(app).get('/api/runs/r1').expect(500);
  assert.equal(refused.body.error.code, 'contract_violation');
  assert.match(refused.body.error.message, /status: /);
  assert.equal(violations.length, 1);
  assert.equal(violations[0]?.route, 'GET /api/runs/r1');
  assert.ok(violations[0]?.problems.some((problem) => problem.startsWith('flowId:')));
});
