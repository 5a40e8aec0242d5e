import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStepError, type StepError } from '@pipewright/step-sdk';
import { runStep } from '@pipewright/step-sdk/testing';
import { javascriptStep } from './javascript.step.ts';

/** Start-up of the sandbox thread plus the hard-kill grace; generous because CI shares two cores. */
const MARGIN_MS = 4000;

/**
 * The step as a flow runs it, with the largest time limit unless a test is about the limit: the limit is wall-clock
 * time, and a test about logs or results must not fail because a busy machine gave the script little CPU.
 */
const run = (input: Record<string, unknown>) => runStep(javascriptStep, { timeoutMs: 30_000, ...input });

async function failure(input: Record<string, unknown>): Promise<StepError> {
  try {
    await run(input);
  } catch (error) {
    assert.ok(isStepError(error), `expected a StepError, got ${String(error)}`);
    assert.equal(error.retryable, false);
    return error;
  }
  assert.fail('expected the step to fail');
}

async function assertStillWorks() {
  assert.deepEqual(await run({ code: 'return input.a + 1', input: { a: 41 } }), { result: 42, logs: [] });
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

describe('code.javascript sandbox escapes', () => {
  it('Function constructor reaches only the sandbox: no host process', async () => {
    const error = await failure({ code: "return this.constructor.constructor('return process')()" });
    assert.equal(error.message, "Code step failed: ReferenceError: 'process' is not defined (line 1)");
    const viaGlobal = await run({ code: "return typeof this.constructor.constructor('return globalThis')().process" });
    assert.equal(viaGlobal.result, 'undefined');
    await assertStillWorks();
  });

  it('has no host capabilities among its globals', async () => {
    const { result } = await run({ code: 'return Object.getOwnPropertyNames(globalThis)' });
    assert.ok(Array.isArray(result));
    for (const name of ['process', 'require', 'module', 'fetch', 'setTimeout', 'WebAssembly', 'Buffer', 'Deno']) {
      assert.ok(!result.includes(name), `${name} must not be defined in the sandbox`);
    }
  });

  it('require is not defined', async () => {
    const error = await failure({ code: "const fs = require('fs');\nreturn fs.readFileSync('/etc/passwd', 'utf8');" });
    assert.equal(error.message, "Code step failed: ReferenceError: 'require' is not defined (line 1)");
    await assertStillWorks();
  });

  it('import() finds no module loader, and import statements do not parse', async () => {
    const dynamic = await failure({ code: "const fs = await import('fs');\nreturn fs.readFileSync('/etc/passwd');" });
    assert.equal(dynamic.message, "Code step failed: ReferenceError: could not load module 'fs'");
    const statement = await failure({ code: "import fs from 'node:fs';\nreturn 1" });
    assert.match(statement.message, /^Code step failed: SyntaxError: .* \(line 1\)$/);
    await assertStillWorks();
  });

  it('globalThis.process is undefined', async () => {
    const error = await failure({ code: 'return globalThis.process.env' });
    assert.equal(error.message, "Code step failed: TypeError: cannot read property 'env' of undefined (line 1)");
    await assertStillWorks();
  });

  it('an infinite loop stops at the time limit', async () => {
    const { value: error, ms } = await timed(() => failure({ code: 'while (true) {}', timeoutMs: 300 }));
    assert.equal(error.message, 'Code step timed out after 300 ms');
    assert.ok(ms >= 300 && ms < 300 + MARGIN_MS, `stopped after ${ms} ms`);
    await assertStillWorks();
  });

  it('a loop of heavy native calls (interrupt checks too rare) is killed by the thread deadline', async () => {
    const { value: error, ms } = await timed(() =>
      failure({ code: 'for (;;) "x".repeat(1e6).split("");', timeoutMs: 300 }),
    );
    assert.equal(error.message, 'Code step timed out after 300 ms');
    assert.ok(ms < 300 + MARGIN_MS, `stopped after ${ms} ms`);
    await assertStillWorks();
  });

  it('an endless microtask chain stops at the time limit', async () => {
    const error = await failure({ code: 'for (;;) await null;', timeoutMs: 300 });
    assert.equal(error.message, 'Code step timed out after 300 ms');
  });

  it('a huge allocation hits the memory limit without growing the host', async () => {
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    try {
      const error = await failure({
        code: 'let a = [];\nwhile (true) a.push(new Array(1e6).fill(1));',
        memoryLimitMb: 64,
        timeoutMs: 10_000,
      });
      assert.equal(error.message, 'Code step ran out of memory (limit 64 MB)');
      const huge = await failure({ code: "return 'x'.repeat(1e9).length", memoryLimitMb: 64 });
      assert.equal(huge.message, 'Code step ran out of memory (limit 64 MB)');
    } finally {
      clearInterval(sampler);
    }
    const grewMb = (peak - baseline) / 1024 / 1024;
    assert.ok(grewMb < 200, `host RSS grew by ${grewMb.toFixed(0)} MB`);
    await assertStillWorks();
  });

  it('catching out-of-memory errors in a loop cannot outlive the time limit', async () => {
    const { value: error, ms } = await timed(() =>
      failure({
        code: 'for (;;) { try { const a = []; while (true) a.push(new Array(1e6).fill(1)); } catch (e) {} }',
        timeoutMs: 300,
      }),
    );
    assert.equal(error.message, 'Code step timed out after 300 ms');
    assert.ok(ms < 300 + MARGIN_MS, `stopped after ${ms} ms`);
    await assertStillWorks();
  });

  it('deep recursion fails with a stack overflow', async () => {
    const error = await failure({ code: 'function f(n) { return f(n + 1) + 1; }\nreturn f(0);' });
    assert.equal(error.message, 'Code step failed: InternalError: stack overflow (line 1)');
    await assertStillWorks();
  });

  it('a promise that can never settle fails at once instead of waiting', async () => {
    const { value: error, ms } = await timed(() =>
      failure({ code: 'await new Promise(() => {});\nreturn 1;', timeoutMs: 10_000 }),
    );
    assert.match(error.message, /^Code step never finished: it awaits a promise that nothing can settle/);
    assert.ok(ms < 10_000, `took ${ms} ms`);
  });

  it('a result above 5 MB is refused with a clear error', async () => {
    const error = await failure({ code: "return 'x'.repeat(6e6);", memoryLimitMb: 64 });
    assert.equal(error.message, 'Code step returned 5.7 MB of JSON; the limit is 5 MB');
    await assertStillWorks();
  });

  it('a runaway sandbox does not block the host: other runs and timers go on while it loops', async () => {
    let loopEnded = false;
    const looping = failure({ code: 'while (true) {}', timeoutMs: 3000 }).finally(() => {
      loopEnded = true;
    });
    const [quick] = await Promise.all([run({ code: 'return 1' }), new Promise((resolve) => setTimeout(resolve, 50))]);
    assert.deepEqual(quick, { result: 1, logs: [] });
    assert.equal(loopEnded, false, 'a host timer fired and another run finished while the loop was still running');
    assert.equal((await looping).message, 'Code step timed out after 3000 ms');
  });
});
