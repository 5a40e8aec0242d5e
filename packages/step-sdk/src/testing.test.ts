import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { defineCredential } from './define-credential.ts';
import { defineStep } from './define-step.ts';
import { isStepError, StepError } from './step-error.ts';
import { createFakeHttp, createTestContext, runStep, testCredential } from './testing.ts';

const fetchName = defineStep({
  type: 'demo.fetchName',
  version: 1,
  kind: 'action',
  title: 'Fetch name',
  description: 'Reads a name from an API',
  input: z.object({ id: z.number().int() }),
  output: z.object({ name: z.string() }),
  async run(input, ctx) {
    const { token } = await ctx.credentials.get('api');
    const response = await ctx.http.request({
      method: 'GET',
      url: `https://api.test/users/${input.id}`,
      headers: { authorization: `Bearer ${String(token)}` },
    });
    if (response.status !== 200)
      throw new StepError(`lookup failed with ${response.status}`, { retryable: response.status >= 500 });
    return JSON.parse(response.body);
  },
});

describe('step-sdk testing helpers', () => {
  it('runs a step with a fake HTTP port and records its requests', async () => {
    const fake = createFakeHttp(() => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"name":"Ada"}',
    }));
    const output = await runStep(
      fetchName,
      { id: 7 },
      createTestContext({ http: fake.http, credentials: { api: { token: 't0k' } } }),
    );
    assert.deepEqual(output, { name: 'Ada' });
    assert.deepEqual(fake.requests, [
      { method: 'GET', url: 'https://api.test/users/7', headers: { authorization: 'Bearer t0k' } },
    ]);
  });

  it('validates the input with the step schema before running', async () => {
    const fake = createFakeHttp(() => ({ status: 200, headers: {}, body: '{"name":"Ada"}' }));
    await assert.rejects(runStep(fetchName, { id: 'seven' }, createTestContext({ http: fake.http })), z.ZodError);
    assert.equal(fake.requests.length, 0);
  });

  it('validates the output with the step schema', async () => {
    const fake = createFakeHttp(() => ({ status: 200, headers: {}, body: '{"nom":"Ada"}' }));
    await assert.rejects(
      runStep(fetchName, { id: 1 }, createTestContext({ http: fake.http, credentials: { api: { token: 'x' } } })),
      z.ZodError,
    );
  });

  it('passes StepErrors through with their retryable flag', async () => {
    const fake = createFakeHttp(() => ({ status: 503, headers: {}, body: '' }));
    await assert.rejects(
      runStep(fetchName, { id: 1 }, createTestContext({ http: fake.http, credentials: { api: { token: 'x' } } })),
      (error: unknown) => {
        assert.ok(isStepError(error));
        assert.equal(error.retryable, true);
        assert.match(error.message, /503/);
        return true;
      },
    );
  });

  it('the default test context refuses HTTP and unknown credentials with a clear message', async () => {
    const ctx = createTestContext({ attempt: 2 });
    await assert.rejects(
      ctx.http.request({ method: 'GET', url: 'https://x.test' }),
      /no fake HTTP handler for GET https:\/\/x\.test/,
    );
    await assert.rejects(ctx.credentials.get('slack'), /no test credential for slot "slack"/);
    assert.equal(ctx.run.attempt, 2);
    assert.equal(ctx.signal.aborted, false);
  });

  it('gives the step stable run details and says which credential slots are filled', () => {
    const ctx = createTestContext({ credentials: { api: { token: 't' } } });
    assert.deepEqual(ctx.run, {
      workflowId: 'test-run',
      nodeId: 'test_node',
      attempt: 1,
      idempotencyKey: 'test-run/test_node/1',
    });
    // `has` is optional on the port (a package worker's port may lack it); the test context always provides it.
    const has = ctx.credentials.has?.bind(ctx.credentials);
    assert.ok(has, 'the test context says which slots are filled');
    assert.deepEqual([has('api'), has('db')], [true, false]);
    assert.equal(createTestContext().credentials.has?.('api'), false);
  });

  it('refuses to run a step without run', async () => {
    const trigger = defineStep({
      type: 'demo.start',
      version: 1,
      kind: 'trigger',
      title: 'Start',
      description: 'Starts',
      input: z.object({}),
      output: z.object({}),
    });
    await assert.rejects(runStep(trigger, {}), /has no run function/);
  });
});

describe('testCredential', () => {
  const pingCredential = defineCredential({
    type: 'ping',
    version: 1,
    title: 'Ping',
    description: 'A host to ping',
    fields: z.object({ host: z.string().min(1), path: z.string().default('/health') }),
    secretFields: [],
    async test(values, ctx) {
      const response = await ctx.http.request({ method: 'GET', url: `https://${values.host}${values.path}` });
      if (response.status !== 200) throw new StepError(`answered ${response.status}`, { retryable: false });
    },
  });

  it("runs the type's test with its defaults applied and the fake HTTP port", async () => {
    const fake = createFakeHttp(() => ({ status: 200, headers: {}, body: '' }));
    await testCredential(pingCredential, { host: 'api.test' }, { http: fake.http });
    assert.deepEqual(fake.requests, [{ method: 'GET', url: 'https://api.test/health' }]);
  });

  it('passes on what the test throws', async () => {
    const fake = createFakeHttp(() => ({ status: 401, headers: {}, body: '' }));
    await assert.rejects(testCredential(pingCredential, { host: 'api.test' }, { http: fake.http }), /answered 401/);
  });

  it('validates the values before testing them', async () => {
    const fake = createFakeHttp(() => ({ status: 200, headers: {}, body: '' }));
    await assert.rejects(testCredential(pingCredential, { host: '' }, { http: fake.http }), z.ZodError);
    assert.equal(fake.requests.length, 0);
  });

  it('refuses a type without a test, and uses a context without HTTP by default', async () => {
    const { test: _none, ...untestable } = pingCredential;
    await assert.rejects(testCredential(untestable, { host: 'x' }), /credential type "ping" has no test function/);
    await assert.rejects(testCredential(pingCredential, { host: 'api.test' }), /no fake HTTP handler for GET/);
  });
});

describe('StepError', () => {
  it('has no cause unless given one', () => {
    assert.equal('cause' in new StepError('bad input', { retryable: false }), false);
  });

  it('carries retryable, details, retryAfterMs and cause', () => {
    const cause = new Error('socket hang up');
    const error = new StepError('upstream failed', {
      retryable: true,
      details: { status: 429 },
      retryAfterMs: 7000,
      cause,
    });
    assert.equal(error.name, 'StepError');
    assert.deepEqual(
      [error.retryable, error.details, error.retryAfterMs, error.cause],
      [true, { status: 429 }, 7000, cause],
    );
    assert.equal(isStepError(error), true);
    assert.equal(isStepError(new Error('x')), false);
  });
});
