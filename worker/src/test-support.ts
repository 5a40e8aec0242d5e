import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import type { Server } from 'node:http';
import { builtinStepDefinitions } from '@pipewright/builtin-steps';
import { compileFlow } from '@pipewright/compiler';
import { getTestStack, type Stack, within } from '@pipewright/devstack';
import { type ExecutionPlan, finalStateOfFailure, type RunState } from '@pipewright/run-contract';

export { type WaitDescription, waitFor, within } from '@pipewright/devstack';

import { toManifest } from '@pipewright/step-sdk';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { type RunningWorker, type StartWorkerOptions, startWorker } from './start-worker.ts';

/** What a worker integration test needs: the suite's stack, a worker on its own task queue, and a client. */
export interface TestWorker {
  stack: Stack;
  worker: RunningWorker;
  client: Client;
  taskQueue: string;
  stop(): Promise<void>;
}

let runtimeInstalled = false;

/**
 * Starts a worker on the given (unique) task queue against the suite's Temporal + FerretDB (tests call local servers, so
 * private networks are allowed unless the options say otherwise).
 */
export async function startTestWorker(
  taskQueue: string,
  options: Omit<StartWorkerOptions, 'temporalAddress' | 'taskQueue'> = {},
): Promise<TestWorker> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const stack = await getTestStack();
  const worker = await startWorker({
    temporalAddress: stack.temporalAddress,
    taskQueue,
    http: { allowPrivateNetworks: true },
    ...options,
  });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  return {
    stack,
    worker,
    client: new Client({ connection }),
    taskQueue,
    async stop() {
      await worker.shutdown();
      await connection.close();
    },
  };
}

/** Listens on a free loopback port and returns the base URL. */
export async function listenLocally(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('test server has no TCP address');
  return `http://127.0.0.1:${address.port}`;
}

export async function closeLocally(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

const manifests = new Map(builtinStepDefinitions.map(toManifest).map((manifest) => [manifest.type, manifest]));

export interface TestNode {
  id: string;
  type: string;
  config?: Record<string, unknown>;
  parentId?: string;
  settings?: unknown;
}

/**
 * Compiles a small document with the real compiler and the built-in catalog — the plan a publish would store.
 * Edges are `[source, target, sourcePort?]`.
 */
export function compileTestFlow(input: {
  flowId: string;
  taskQueue: string;
  nodes: TestNode[];
  edges: [string, string, string?][];
}): ExecutionPlan {
  const document = {
    schemaVersion: 1,
    nodes: input.nodes.map((node) => ({ typeVersion: 1, position: { x: 0, y: 0 }, config: {}, ...node })),
    edges: input.edges.map(([source, target, sourcePort = 'out']) => ({
      id: `${source}_${sourcePort}_${target}`,
      source,
      sourcePort,
      target,
    })),
  };
  const result = compileFlow(
    document,
    { get: (type) => manifests.get(type) },
    { flowId: input.flowId, version: 1, defaultTaskQueue: input.taskQueue },
  );
  if (!result.ok) assert.fail(`the flow should compile: ${JSON.stringify(result.errors)}`);
  return result.plan;
}

/** A run's final state, whether it succeeded or failed (a failed run carries its state in the failure). */
export function finalState(handle: WorkflowHandle): Promise<RunState> {
  return handle.result().then(
    (state: RunState) => state,
    (error: unknown) => finalStateOfFailure(error) ?? assert.fail(`the run ended without a state: ${String(error)}`),
  );
}

/**
 * The worker as deployed (main.ts), in its own process, so a test can kill it for real; resolves once it polls
 * `taskQueue`.  A worker that does not get there within a minute is killed and the error carries its output.
 */
export async function startWorkerProcess(temporalAddress: string, taskQueue: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: new URL('..', import.meta.url).pathname,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: temporalAddress,
      TASK_QUEUE: taskQueue,
      PIPEWRIGHT_ALLOW_PRIVATE_NETWORKS: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const polling = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('pipewright worker polling')) resolve();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`the worker exited with ${code}:\n${output}`)));
  });
  try {
    await within(() => `the worker process to poll its task queue:\n${output}`, polling, 60_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return child;
}
