import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StepError } from '@pipewright/step-sdk';
import { createFakeHttp, createTestContext, runStep } from '@pipewright/step-sdk/testing';
import { greetStep } from './greet.step.ts';

test('greets without calling anything when no webhook URL is set', async () => {
  assert.deepEqual(await runStep(greetStep, { name: 'Ada', excited: true }), {
    message: 'Hello, Ada!',
    delivered: false,
  });
});

test('posts the greeting with the API key from the credential', async () => {
  const { http, requests } = createFakeHttp(() => ({ status: 202, headers: {}, body: '' }));
  const ctx = createTestContext({ http, credentials: { api: { apiKey: 'k-123' } } });
  const output = await runStep(greetStep, { name: 'Ada', webhookUrl: 'https://hooks.example.com/greet' }, ctx);
  assert.deepEqual(output, { message: 'Hello, Ada.', delivered: true });
  assert.equal(requests[0]?.headers?.['x-api-key'], 'k-123');
  assert.deepEqual(JSON.parse(requests[0]?.body ?? ''), { message: 'Hello, Ada.' });
});

test('a refused key fails without retry; a server error is retried', async () => {
  for (const [status, retryable] of [
    [401, false],
    [503, true],
  ] as const) {
    const { http } = createFakeHttp(() => ({ status, headers: {}, body: '' }));
    const ctx = createTestContext({ http, credentials: { api: { apiKey: 'k' } } });
    await assert.rejects(
      runStep(greetStep, { name: 'Ada', webhookUrl: 'https://hooks.example.com/greet' }, ctx),
      (error: unknown) => error instanceof StepError && error.retryable === retryable,
    );
  }
});

test('an empty name is refused by the schema', async () => {
  await assert.rejects(runStep(greetStep, { name: '' }), /name/);
});
