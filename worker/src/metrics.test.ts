import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { uniqueName } from '@pipewright/devstack';
import { RUN_FLOW_WORKFLOW, type RunFlowInput } from '@pipewright/run-contract';
import {
  closeLocally,
  compileTestFlow,
  finalState,
  listenLocally,
  startTestWorker,
  type TestWorker,
} from './test-support.ts';

/** An API that answers 429 (with Retry-After: 0) the first time a path is called, then 200. */
const calls = new Map<string, number>();
const api = createServer((request, response) => {
  const path = request.url ?? '';
  const count = (calls.get(path) ?? 0) + 1;
  calls.set(path, count);
  if (path.startsWith('/flaky') && count === 1) {
    response.writeHead(429, { 'retry-after': '0', 'content-type': 'application/json' }).end('{"error":"slow down"}');
  } else if (path.startsWith('/broken')) {
    response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"bad"}');
  } else {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  }
});
let apiUrl = '';
const runIds: string[] = [];
let worker: TestWorker;
const taskQueue = uniqueName('metrics');

before(async () => {
  apiUrl = await listenLocally(api);
  worker = await startTestWorker(taskQueue, { metrics: { host: '127.0.0.1', port: 0 } });
});
after(async () => {
  await worker?.stop();
  await closeLocally(api);
});

async function run(flowId: string, path: string, workspaceId: string) {
  const plan = compileTestFlow({
    flowId,
    taskQueue,
    nodes: [
      { id: 'hook', type: 'core.webhook' },
      { id: 'call', type: 'http.request', config: { url: `${apiUrl}${path}` } },
    ],
    edges: [['hook', 'call']],
  });
  const input: RunFlowInput = {
    plan,
    trigger: { body: {} },
    run: { id: uniqueName('run'), workspaceId, kind: 'webhook' },
  };
  runIds.push(input.run.id);
  const handle = await worker.client.workflow.start(RUN_FLOW_WORKFLOW, {
    taskQueue,
    workflowId: input.run.id,
    args: [input],
  });
  return finalState(handle);
}

/** The value of one sample of the worker's /metrics, 0 when absent. */
async function sample(name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${worker.worker.metricsPort}/metrics`)).text();
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const line = text
    .split('\n')
    .find((row) => row.startsWith(`${name}{`) && wanted.every((label) => row.includes(label)));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

test('runs and step attempts are counted per workspace, flow and connector, with retries and 429s', async () => {
  const workspace = uniqueName('ws');
  assert.equal((await run('flow_ok', '/ok', workspace)).status, 'succeeded');
  const flaky = await run('flow_flaky', '/flaky', workspace);
  // Retry-After: 0 ("now") is retried at once (Temporal took a zero delay as no retry at all).
  assert.equal(flaky.status, 'succeeded', JSON.stringify(flaky.error));
  assert.equal((await run('flow_broken', '/broken', workspace)).status, 'failed');

  const ws = { workspace };
  assert.equal(await sample('pipewright_runs_started_total', { ...ws, flow: 'flow_ok', trigger: 'webhook' }), 1);
  assert.equal(await sample('pipewright_runs_finished_total', { ...ws, flow: 'flow_ok', status: 'succeeded' }), 1);
  assert.equal(await sample('pipewright_runs_finished_total', { ...ws, flow: 'flow_flaky', status: 'succeeded' }), 1);
  assert.equal(await sample('pipewright_runs_finished_total', { ...ws, flow: 'flow_broken', status: 'failed' }), 1);
  assert.equal(await sample('pipewright_run_duration_seconds_count', { ...ws, flow: 'flow_ok' }), 1);

  const http = { ...ws, connector: 'http' };
  // ok: 1 success; flaky: a 429 then a success on the retry; broken: a 400, not retried.
  assert.equal(await sample('pipewright_step_attempts_total', { ...http, outcome: 'succeeded' }), 2);
  assert.equal(await sample('pipewright_step_attempts_total', { ...http, outcome: 'failed_retryable' }), 1);
  assert.equal(await sample('pipewright_step_attempts_total', { ...http, outcome: 'failed' }), 1);
  assert.equal(await sample('pipewright_step_retries_total', http), 1);
  assert.equal(await sample('pipewright_step_429_total', http), 1);
  assert.equal(await sample('pipewright_step_duration_seconds_count', http), 4);

  // Labels stay bounded: no run id, node id or URL appears in any sample.
  const text = await (await fetch(`http://127.0.0.1:${worker.worker.metricsPort}/metrics`)).text();
  for (const runId of runIds) assert.ok(!text.includes(runId), runId);
  assert.doesNotMatch(text, /node="|"call"|\/flaky/);
  assert.equal((await fetch(`http://127.0.0.1:${worker.worker.metricsPort}/other`)).status, 404);
});
