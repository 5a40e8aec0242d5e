import { defineStep, StepError } from '@pipewright/step-sdk';
import { z } from 'zod';
import { runIsolated } from './run-isolated.ts';
import { DEFAULT_MAX_RESULT_CHARS, type SandboxErrorInfo, type SandboxOutcome } from './sandbox.ts';

const MB = 1024 * 1024;

/**
 * Runs a JavaScript function body in a QuickJS (WebAssembly) sandbox: no `require`, `import()`, `process`, network
 * or file system, only `input` and `console`.  Time and memory are capped; console output is returned as `logs`.
 */
export const javascriptStep = defineStep({
  type: 'code.javascript',
  version: 1,
  kind: 'action',
  title: 'Code (JavaScript)',
  description: 'Run a JavaScript snippet on the data: it receives `input` and returns a JSON value.',
  category: 'Transform',
  keywords: ['code', 'javascript', 'js', 'script', 'function', 'custom'],
  input: z.object({
    code: z
      .string()
      .max(100_000)
      .describe('Body of an async function receiving `input`; `return` a JSON value (await is allowed)'),
    input: z.unknown().optional().describe('Value passed as `input`, usually a {{ expression }}'),
    timeoutMs: z.number().int().min(1).max(30_000).default(1000),
    memoryLimitMb: z.number().int().min(1).max(256).default(32),
  }),
  output: z.object({
    result: z.unknown(),
    logs: z.array(z.object({ level: z.enum(['log', 'info', 'warn', 'error']), message: z.string() })),
  }),
  ui: {
    code: {
      label: 'Code',
      widget: 'code',
      language: 'javascript',
      placeholder: 'return { total: input.items.length };',
      order: 1,
    },
    input: { label: 'Input', widget: 'expression', placeholder: '{{ steps.fetch.body }}', order: 2 },
    timeoutMs: { label: 'Time limit (ms)', widget: 'number', order: 3 },
    memoryLimitMb: { label: 'Memory limit (MB)', widget: 'number', order: 4 },
  },
  // The user's code fails the same way every time: do not retry by default.
  retry: { maxAttempts: 1 },
  timeoutMs: 60_000,
  async run(input, ctx) {
    if (ctx.signal.aborted) throw new StepError('Code step cancelled before it started', { retryable: false });
    const outcome = await runIsolated({
      code: input.code,
      inputJson: JSON.stringify(input.input ?? null),
      limits: { timeoutMs: input.timeoutMs, memoryLimitBytes: input.memoryLimitMb * MB },
    });
    if (outcome.status === 'ok') return { result: JSON.parse(outcome.resultJson), logs: outcome.logs };
    throw new StepError(describeFailure(outcome, input), { retryable: false, details: { logs: outcome.logs } });
  },
});

type Failure = Exclude<SandboxOutcome, { status: 'ok' }>;

function describeFailure(outcome: Failure, input: { timeoutMs: number; memoryLimitMb: number }): string {
  switch (outcome.status) {
    case 'timeout':
      return `Code step timed out after ${input.timeoutMs} ms`;
    case 'out-of-memory':
      return `Code step ran out of memory (limit ${input.memoryLimitMb} MB)`;
    case 'never-settles':
      return 'Code step never finished: it awaits a promise that nothing can settle (the sandbox has no timers or I/O)';
    case 'result-too-large':
      return `Code step returned ${(outcome.size / MB).toFixed(1)} MB of JSON; the limit is ${DEFAULT_MAX_RESULT_CHARS / MB} MB`;
    case 'not-json':
      return `Code step returned a value that is not JSON-serialisable: ${formatError(outcome.error)}`;
    case 'error':
      return `Code step failed: ${formatError(outcome.error)}`;
  }
}

const formatError = (error: SandboxErrorInfo): string =>
  `${error.name}: ${error.message}${error.line === undefined ? '' : ` (line ${error.line})`}`;
