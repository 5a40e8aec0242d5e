import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import type { SandboxOutcome, SandboxRequest } from './sandbox.ts';
import { isStartedMessage } from './sandbox-started.ts';

/** Time allowed past `timeoutMs` (the engine's own interrupt check, posting the outcome) before the thread is killed. */
const DEFAULT_GRACE_MS = 2000;
/**
 * Time allowed for the thread to start and load the engine, before the user's limit starts.  Not the user's time:
 * on a busy machine a thread start can take seconds, and a 1 s script must not fail for it.
 */
const START_LIMIT_MS = 30_000;

const logLine = z.object({ level: z.enum(['log', 'info', 'warn', 'error']), message: z.string() });
const errorInfo = z.object({ name: z.string(), message: z.string(), line: z.number().optional() });
const outcomeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('ok'), resultJson: z.string(), logs: z.array(logLine) }),
  z.object({ status: z.literal('error'), error: errorInfo, logs: z.array(logLine) }),
  z.object({ status: z.literal('not-json'), error: errorInfo, logs: z.array(logLine) }),
  z.object({ status: z.literal('timeout'), logs: z.array(logLine) }),
  z.object({ status: z.literal('out-of-memory'), logs: z.array(logLine) }),
  z.object({ status: z.literal('never-settles'), logs: z.array(logLine) }),
  z.object({ status: z.literal('result-too-large'), size: z.number(), logs: z.array(logLine) }),
]);

/**
 * Runs {@link runInSandbox} in a worker thread of its own.  The host's event loop stays free while user code
 * runs, and the thread is terminated when it overruns: QuickJS checks its interrupt handler only every few
 * thousand bytecode steps, so a loop whose every step is heavy native work (`"x".repeat(1e6).split("")`) can run far
 * past the deadline inside the engine.
 *
 * @example
 * const outcome = await runIsolated({ code: 'return 1', inputJson: 'null',
 *   limits: { timeoutMs: 1000, memoryLimitBytes: 32 * 1024 * 1024 } });
 */
export function runIsolated(request: SandboxRequest, options: { graceMs?: number } = {}): Promise<SandboxOutcome> {
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const worker = new Worker(new URL('./sandbox-thread.ts', import.meta.url), {
    workerData: request,
    // The sandbox's heap is WebAssembly memory (capped separately); this bounds logs and the result on the JS side.
    resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
    stdout: true,
    stderr: true,
  });
  worker.stdout.resume();
  worker.stderr.resume();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: SandboxOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(killTimer);
      resolve(outcome);
      void worker.terminate();
    };
    const crashed = (message: string): SandboxOutcome => ({
      status: 'error',
      error: { name: 'InternalError', message: `the sandbox crashed: ${message}` },
      logs: [],
    });
    let killTimer = setTimeout(() => finish(crashed(`it did not start within ${START_LIMIT_MS} ms`)), START_LIMIT_MS);
    worker.on('message', (message: unknown) => {
      if (isStartedMessage(message)) {
        clearTimeout(killTimer);
        killTimer = setTimeout(() => finish({ status: 'timeout', logs: [] }), request.limits.timeoutMs + graceMs);
        return;
      }
      const parsed = outcomeSchema.safeParse(message);
      finish(parsed.success ? stripUndefinedLine(parsed.data) : crashed('unreadable outcome'));
    });
    worker.once('error', (error: Error & { code?: string }) => {
      finish(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? { status: 'out-of-memory', logs: [] } : crashed(error.message),
      );
    });
    worker.once('exit', (code) => finish(crashed(`thread exited with code ${code}`)));
  });
}

/** zod's optional `line` comes back as `line?: number | undefined`; the outcome type wants it absent instead. */
function stripUndefinedLine(outcome: z.infer<typeof outcomeSchema>): SandboxOutcome {
  if (outcome.status !== 'error' && outcome.status !== 'not-json') return outcome;
  const { line, ...rest } = outcome.error;
  return { ...outcome, error: line === undefined ? rest : { ...rest, line } };
}
