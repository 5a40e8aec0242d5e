import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { getTestStack, uniqueName, waitFor, within } from '@pipewright/devstack';
import { RUN_FLOW_WORKFLOW, type RunFlowInput } from '@pipewright/run-contract';
import { Client, Connection } from '@temporalio/client';
import { closeLocally, compileTestFlow, finalState, listenLocally } from './test-support.ts';

const api = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
});
const taskQueue = uniqueName('logging');
let apiUrl = '';
let worker: ChildProcess | undefined;
let output = '';

before(async () => {
  apiUrl = await listenLocally(api);
  const stack = await getTestStack();
  // The worker as deployed (main.ts), so its stdout is what an operator's log shipper reads.
  worker = spawn(process.execPath, ['src/main.ts'], {
    cwd: new URL('..', import.meta.url).pathname,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: stack.temporalAddress,
      TASK_QUEUE: taskQueue,
      PIPEWRIGHT_ALLOW_PRIVATE_NETWORKS: 'true',
      // One HTTP call a second: the run's second call waits, and says so in the log.
      PIPEWRIGHT_RATE_LIMITS: 'http=1/s',
      PIPEWRIGHT_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const polling = new Promise<void>((resolve, reject) => {
    worker?.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('pipewright worker polling')) resolve();
    });
    worker?.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    worker?.once('exit', (code) => reject(new Error(`the worker exited with ${code}:\n${output}`)));
  });
  await within(() => `the worker process to poll its task queue:\n${output}`, polling, 60_000);
});
after(async () => {
  worker?.kill('SIGKILL');
  await closeLocally(api);
});

test('the worker logs JSON lines; a step’s lines carry workspace, flow, run, node and idempotency key', async () => {
  const stack = await getTestStack();
  const connection = await Connection.connect({ address: stack.temporalAddress });
  try {
    const client = new Client({ connection });
    const plan = compileTestFlow({
      flowId: 'flow_logged',
      taskQueue,
      nodes: [
        { id: 'hook', type: 'core.webhook' },
        { id: 'first', type: 'http.request', config: { url: `${apiUrl}/a` } },
        { id: 'second', type: 'http.request', config: { url: `${apiUrl}/b` } },
      ],
      edges: [
        ['hook', 'first'],
        ['first', 'second'],
      ],
    });
    const runId = uniqueName('run');
    const input: RunFlowInput = {
      plan,
      trigger: { body: {} },
      run: { id: runId, workspaceId: 'ws_logged', kind: 'manual' },
    };
    const handle = await client.workflow.start(RUN_FLOW_WORKFLOW, { taskQueue, workflowId: runId, args: [input] });
    assert.equal((await finalState(handle)).status, 'succeeded');

    const waited = await waitFor(
      () => `a "waited for the rate limit" line in the worker's output:\n${output}`,
      () =>
        output
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as Record<string, unknown>)
          .find((line) => line.msg === 'waited for the rate limit'),
    );
    assert.equal(waited.workspaceId, 'ws_logged');
    assert.equal(waited.flowId, 'flow_logged');
    assert.equal(waited.workflowId, runId);
    assert.equal(waited.nodeId, 'second');
    assert.equal(waited.idempotencyKey, `${runId}/second`);
    assert.equal(waited.level, 30);
    // Every line the worker wrote is one JSON object.
    for (const line of output.split('\n').filter((row) => row.trim() !== '')) {
      assert.doesNotThrow(() => JSON.parse(line), line);
    }
  } finally {
    await connection.close();
  }
});
