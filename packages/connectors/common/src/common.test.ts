import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStepError } from '@pipewright/step-sdk';
import { abortable } from './abortable.ts';
import { connectorError, errorCode, isTransientNetworkError } from './errors.ts';
import { encodeMessage, toJsonRecord, toJsonSafe } from './json-safe.ts';
import { lazyModule } from './lazy-module.ts';

const withCode = (code: string) => Object.assign(new Error(code), { code });

describe('error classification', () => {
  const cases: [string, unknown, boolean][] = [
    ['a refused connection', withCode('ECONNREFUSED'), true],
    ['a reset connection', withCode('ECONNRESET'), true],
    ['a timeout', withCode('ETIMEDOUT'), true],
    ['a temporary DNS failure', withCode('EAI_AGAIN'), true],
    ['an unknown host', withCode('ENOTFOUND'), false],
    ['a dual-stack connect failure (AggregateError)', new AggregateError([withCode('ECONNREFUSED')]), true],
    ['a wrapped cause', new Error('fetch failed', { cause: withCode('ECONNREFUSED') }), true],
    ['a server error code', withCode('ER_PARSE_ERROR'), false],
    ['a string', 'ECONNREFUSED', false],
  ];
  for (const [name, error, transient] of cases) {
    it(`${transient ? 'retries' : 'does not retry'} ${name}`, () => {
      assert.equal(isTransientNetworkError(error), transient);
    });
  }
  it('finds the code of a wrapped error', () => {
    assert.equal(errorCode(new Error('x', { cause: withCode('EPIPE') })), 'EPIPE');
    assert.equal(errorCode(new Error('x')), undefined);
  });
  it('builds StepErrors with secrets scrubbed from message and details, and no cause', () => {
    const error = connectorError('login pw=hunter2 failed', {
      retryable: false,
      secrets: ['hunter2'],
      details: { sent: 'hunter2' },
      retryAfterMs: 5,
    });
    assert.equal(error.message, 'login pw=[redacted] failed');
    assert.deepEqual(error.details, { sent: '[redacted]' });
    assert.equal(error.retryAfterMs, 5);
    assert.equal(error.cause, undefined);
  });
});

describe('abortable', () => {
  it('passes the result through when not aborted', async () => {
    assert.equal(await abortable(new AbortController().signal, 'work', Promise.resolve(4), () => {}), 4);
  });
  it('rejects with a retryable StepError and calls onAbort when the signal aborts', async () => {
    const controller = new AbortController();
    let closed = false;
    const never = new Promise<never>(() => {});
    const running = abortable(controller.signal, 'Query', never, () => {
      closed = true;
    });
    controller.abort();
    await assert.rejects(running, (error: unknown) => {
      assert.ok(isStepError(error) && error.retryable);
      assert.equal(error.message, 'Query was cancelled or timed out');
      return true;
    });
    assert.equal(closed, true);
  });
  it('rejects at once for an already aborted signal', async () => {
    let closed = false;
    await assert.rejects(
      abortable(AbortSignal.abort(), 'Query', Promise.reject(new Error('late')), () => {
        closed = true;
      }),
      /cancelled/,
    );
    assert.equal(closed, true);
  });
});

describe('lazyModule', () => {
  it('loads nothing until called, then loads once for every caller', async () => {
    let loads = 0;
    const load = lazyModule(async () => ({ n: ++loads }));
    assert.equal(loads, 0);
    const [first, second] = await Promise.all([load(), load()]);
    assert.equal(await load(), first);
    assert.equal(second, first);
    assert.equal(loads, 1);
  });
  it('forgets a failed load, so the next call tries again', async () => {
    let loads = 0;
    const load = lazyModule(async () => {
      loads++;
      if (loads === 1) throw new Error('not installed');
      return 'driver';
    });
    await assert.rejects(load(), /not installed/);
    assert.equal(await load(), 'driver');
    assert.equal(await load(), 'driver');
    assert.equal(loads, 2);
  });
});

describe('JSON-safe values', () => {
  it('turns driver values into plain JSON', () => {
    assert.deepEqual(
      toJsonSafe({
        at: new Date('2024-01-02T03:04:05Z'),
        bytes: Buffer.from('hi'),
        big: 12345678901234567890n,
        nested: [{ when: new Date(0) }],
        missing: undefined,
        nan: Number.NaN,
      }),
      {
        at: '2024-01-02T03:04:05.000Z',
        bytes: 'aGk=',
        big: '12345678901234567890',
        nested: [{ when: '1970-01-01T00:00:00.000Z' }],
        missing: null,
        nan: 'NaN',
      },
    );
    assert.deepEqual(toJsonRecord(null), {});
  });
  it('encodes broker messages: strings as text, the rest as JSON', () => {
    assert.deepEqual(encodeMessage('hi'), { body: Buffer.from('hi'), contentType: 'text/plain' });
    assert.deepEqual(encodeMessage({ a: 1 }), { body: Buffer.from('{"a":1}'), contentType: 'application/json' });
    assert.deepEqual(encodeMessage(undefined), { body: Buffer.from('null'), contentType: 'application/json' });
  });
});
