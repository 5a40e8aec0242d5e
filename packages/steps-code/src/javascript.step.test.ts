import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStepError, toManifest } from '@pipewright/step-sdk';
import { runStep } from '@pipewright/step-sdk/testing';
import { ZodError } from 'zod';
import { javascriptStep } from './javascript.step.ts';

/**
 * The step as a flow runs it, with the largest time limit unless a test is about the limit: the limit is wall-clock
 * time, and a test about logs or results must not fail because a busy machine gave the script little CPU.
 */
const run = (input: Record<string, unknown>) => runStep(javascriptStep, { timeoutMs: 30_000, ...input });

async function failure(input: Record<string, unknown>) {
  try {
    await run(input);
  } catch (error) {
    assert.ok(isStepError(error), `expected a StepError, got ${String(error)}`);
    assert.equal(error.retryable, false);
    return error;
  }
  assert.fail('expected the step to fail');
}

describe('code.javascript', () => {
  it('computes a result from input', async () => {
    const output = await run({
      code: 'const total = input.items.reduce((sum, item) => sum + item.price, 0);\nreturn { total, count: input.items.length };',
      input: { items: [{ price: 2 }, { price: 3.5 }] },
    });
    assert.deepEqual(output, { result: { total: 5.5, count: 2 }, logs: [] });
  });

  it('supports async/await', async () => {
    const output = await run({
      code: 'const double = async (n) => n * 2;\nconst values = await Promise.all(input.map(double));\nreturn values;',
      input: [1, 2, 3],
    });
    assert.deepEqual(output.result, [2, 4, 6]);
  });

  it('captures console output in order, with levels', async () => {
    const output = await run({
      code: `console.log('start', input.n, { a: 1 });
await null;
console.warn('careful');
console.info('info', [1, 2]);
console.error(new TypeError('bad thing'));
console.debug(undefined, null, 3n);
return 'done';`,
      input: { n: 7 },
    });
    assert.equal(output.result, 'done');
    assert.deepEqual(output.logs, [
      { level: 'log', message: 'start 7 {"a":1}' },
      { level: 'warn', message: 'careful' },
      { level: 'info', message: 'info [1,2]' },
      { level: 'error', message: 'TypeError: bad thing' },
      { level: 'log', message: 'undefined null 3n' },
    ]);
  });

  it('caps console output and says so', async () => {
    const output = await run({ code: 'for (let i = 0; i < 5000; i++) console.log("line " + i); return 1' });
    assert.equal(output.logs.length, 1001);
    assert.equal(output.logs[999]?.message, 'line 999');
    assert.match(output.logs[1000]?.message ?? '', /further console output dropped/);
  });

  it('passes null when no input is given, and input is a copy the code cannot share with the host', async () => {
    assert.deepEqual((await run({ code: 'return input' })).result, null);
    const input = { list: [1] };
    const output = await run({ code: 'input.list.push(2); return input', input });
    assert.deepEqual(output.result, { list: [1, 2] });
    assert.deepEqual(input, { list: [1] });
  });

  it('turns undefined and functions into null', async () => {
    assert.equal((await run({ code: 'return undefined' })).result, null);
    assert.equal((await run({ code: 'input.x = 1', input: {} })).result, null);
    assert.equal((await run({ code: 'return () => 1' })).result, null);
    assert.deepEqual((await run({ code: 'return { f() {}, a: 1 }' })).result, { a: 1 });
  });

  it('reports thrown errors with the line, and keeps the logs gathered so far', async () => {
    const error = await failure({ code: 'console.log("before");\n\nthrow new TypeError("boom");' });
    assert.equal(error.message, 'Code step failed: TypeError: boom (line 3)');
    assert.deepEqual(error.details, { logs: [{ level: 'log', message: 'before' }] });
    const thrownValue = await failure({ code: 'throw { code: 42 }' });
    assert.equal(thrownValue.message, 'Code step failed: Error: threw a non-Error value: {"code":42}');
  });

  it('reports syntax errors with the line', async () => {
    const error = await failure({ code: 'const a = 1;\nconst b = ;' });
    assert.match(error.message, /^Code step failed: SyntaxError: .+ \(line 2\)$/);
  });

  it('rejects results that are not JSON', async () => {
    const error = await failure({ code: 'return 1n' });
    assert.match(error.message, /^Code step returned a value that is not JSON-serialisable: TypeError: /);
    const circular = await failure({ code: 'const a = {}; a.self = a; return a' });
    assert.match(circular.message, /not JSON-serialisable/);
  });

  it('validates its limits: at most 30 s and 256 MB', async () => {
    const refused = (field: string, maximum: number) => (error: unknown) => {
      assert.ok(error instanceof ZodError, `expected a validation error, got ${String(error)}`);
      assert.deepEqual(
        error.issues.map((issue) => [issue.path, issue.code, 'maximum' in issue ? issue.maximum : undefined]),
        [[[field], 'too_big', maximum]],
      );
      return true;
    };
    await assert.rejects(run({ code: 'return 1', timeoutMs: 60_000 }), refused('timeoutMs', 30_000));
    await assert.rejects(run({ code: 'return 1', memoryLimitMb: 1024 }), refused('memoryLimitMb', 256));
    assert.deepEqual(await run({ code: 'return 1', timeoutMs: 30_000, memoryLimitMb: 256 }), { result: 1, logs: [] });
  });

  it('describes itself for the editor: code widget, no retries by default', () => {
    const manifest = toManifest(javascriptStep);
    assert.equal(manifest.type, 'code.javascript');
    assert.equal(manifest.kind, 'action');
    assert.equal(javascriptStep.ui?.code?.widget, 'code');
    assert.equal(javascriptStep.retry?.maxAttempts, 1);
  });
});
