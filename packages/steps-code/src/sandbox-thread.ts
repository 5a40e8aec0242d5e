import { parentPort, workerData } from 'node:worker_threads';
import { runInSandbox, type SandboxRequest } from './sandbox.ts';
import { STARTED } from './sandbox-started.ts';

/**
 * Entry of the worker thread that hosts one sandbox run (see run-isolated.ts): posts `{ started: true }` once the
 * engine is loaded and the user's time limit starts, then the outcome, and exits.
 */
function isSandboxRequest(value: unknown): value is SandboxRequest {
  if (typeof value !== 'object' || value === null) return false;
  const { code, inputJson, limits } = value as Record<string, unknown>;
  return typeof code === 'string' && typeof inputJson === 'string' && typeof limits === 'object' && limits !== null;
}

if (!parentPort || !isSandboxRequest(workerData)) throw new Error('sandbox-thread.ts must be started by runIsolated()');
const port = parentPort;
port.postMessage(await runInSandbox(workerData, { onStart: () => port.postMessage(STARTED) }));
