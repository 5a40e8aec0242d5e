/**
 * `./pw bench` — figures printed, never asserted (timings belong here, not in tests).
 *
 * 1. webhook → transform → HTTP request on the real stack: time from the webhook POST to the run's completion,
 *    over 20 sequential runs (median, p90, min, max).
 * 2. the interpreter alone on a transform-only chain (fake effects): cost per transform node.
 * 3. large data by reference: a flow fetches a 50 MB JSON body, transforms it and posts it on, run by a worker in
 *    its own process — duration and the worker's peak RSS (VmHWM).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { threeNodeFlow } from '../e2e/src/flows.ts';
import { runResult, startEchoService, startProduct } from '../e2e/src/harness.ts';
import { builtinStepDefinitions } from '../packages/builtin-steps/src/index.ts';
import { compileFlow } from '../packages/compiler/src/index.ts';
import { APP_MAIN_ARGS, getTestStack, uniqueName } from '../packages/devstack/src/index.ts';
import { type ExecutionPlan, RUN_FLOW_WORKFLOW } from '../packages/run-contract/src/index.ts';
import { createInitialState, executePlan } from '../packages/runtime/src/index.ts';
import { toManifest } from '../packages/step-sdk/src/index.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);

async function webhookToCompletion(): Promise<void> {
  const product = await startProduct();
  const echo = await startEchoService();
  try {
    const api = async (path: string, init?: RequestInit) => {
      const response = await product.api(path, {
        ...init,
        headers: { 'content-type': 'application/json' },
      });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return response.json() as Promise<Record<string, unknown>>;
    };
    const flow = await api('/api/flows', {
      method: 'POST',
      body: JSON.stringify({ name: 'bench', document: threeNodeFlow(`${echo.url}/orders`) }),
    });
    await api(`/api/flows/${String(flow.id)}/publish`, { method: 'POST' });
    const webhookPath = String(flow.webhookPath);
    const durations: number[] = [];
    for (let i = 0; i < RUNS + 2; i++) {
      const t0 = performance.now();
      const { runId } = await api(webhookPath, { method: 'POST', body: JSON.stringify({ name: `run ${i}`, qty: i }) });
      await runResult(product.temporal, String(runId));
      if (i >= 2) durations.push(performance.now() - t0); // the first two warm the worker's caches
    }
    print('webhook POST → run completed (3-node flow)', durations, 'ms');
  } finally {
    await echo.close();
    await product.stop();
  }
}

async function transformCost(): Promise<void> {
  const length = 200;
  const nodes: ExecutionPlan['nodes'] = [
    {
      id: 'trigger',
      type: 'core.manual',
      typeVersion: 1,
      title: 'Trigger',
      kind: 'trigger',
      runsIn: 'workflow',
      upstream: [],
      config: {},
      retry: retry(),
      timeoutMs: 1000,
      taskQueue: 'q',
    },
  ];
  for (let i = 1; i <= length; i++) {
    nodes.push({
      id: `t${i}`,
      type: 'core.transform',
      typeVersion: 1,
      title: `T${i}`,
      kind: 'transform',
      runsIn: 'workflow',
      upstream: [i === 1 ? 'trigger' : `t${i - 1}`],
      config: {
        fields: [
          { name: 'n', value: '{{ input.n + 1 }}' },
          { name: 'label', value: 'item {{ input.n }}' },
        ],
        keepInput: false,
        remove: [],
      },
      retry: retry(),
      timeoutMs: 1000,
      taskQueue: 'q',
    });
  }
  const plan: ExecutionPlan = {
    planFormat: 1,
    runtimeVersion: 1,
    expressionEngine: 'jsonata@2.2.2',
    flowId: 'bench',
    version: 1,
    hash: '',
    triggerNodeId: 'trigger',
    nodes,
  };
  const effects = { executeStep: () => Promise.reject(new Error('no I/O here')), now: () => Date.now() };
  const perNode: number[] = [];
  for (let round = 0; round < 12; round++) {
    const state = createInitialState(plan, Date.now());
    const t0 = performance.now();
    await executePlan({ plan, trigger: { n: 0 }, run: { id: 'bench', workspaceId: 'w' } }, effects, state);
    if (state.status !== 'succeeded') throw new Error(`transform chain failed: ${JSON.stringify(state.error)}`);
    if (round >= 2) perNode.push(((performance.now() - t0) * 1000) / length);
  }
  print(`transform node evaluated in the interpreter (chain of ${length})`, perNode, 'µs');
}

function retry() {
  return { maxAttempts: 1, initialIntervalMs: 100, backoffCoefficient: 2, maxIntervalMs: 1000 };
}

function print(name: string, values: number[], unit: string): void {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  const f = (v: number) => v.toFixed(1);
  console.log(
    `${name}: n=${sorted.length} median=${f(at(0.5))}${unit} p90=${f(at(0.9))}${unit} min=${f(sorted[0] ?? Number.NaN)}${unit} max=${f(sorted.at(-1) ?? Number.NaN)}${unit}`,
  );
}

async function largePayload(): Promise<void> {
  const megabytes = Number(process.env.BENCH_LARGE_MB ?? 50);
  // Rows of ~4 KB: the transform filters every row in one expression, within the 200,000 evaluation steps an
  // expression may take in an activity (OUTSIDE_WORKFLOW_LIMITS in packages/runtime); 64-byte rows made 800,000 of them.
  const items = Array.from({ length: Math.round((megabytes * 1024 * 1024) / 4096) }, (_, i) => ({
    id: i,
    label: `row ${i}`.padEnd(4060, '.'),
    n: i % 97,
  }));
  const body = Buffer.from(JSON.stringify({ items }));
  let postedBytes = 0;
  const api = createServer((req, res) => {
    if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
      return;
    }
    req.on('data', (chunk: Buffer) => {
      postedBytes += chunk.length;
    });
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((done) => api.listen(0, '127.0.0.1', done));
  const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  const stack = await getTestStack();
  const taskQueue = uniqueName('bench_large');
  const worker = spawn(process.execPath, APP_MAIN_ARGS, {
    cwd: resolve(import.meta.dirname, '../worker'),
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: stack.temporalAddress,
      MONGODB_URI: stack.mongoUri,
      MONGODB_DB: uniqueName('bench'),
      TASK_QUEUE: taskQueue,
      // The benchmark API listens on 127.0.0.1: production workers keep private networks closed.
      PIPEWRIGHT_ALLOW_PRIVATE_NETWORKS: 'true',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((ready) =>
    worker.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('polling') && ready()),
  );
  const manifests = new Map(builtinStepDefinitions.map(toManifest).map((m) => [m.type, m]));
  const node = (id: string, type: string, config: Record<string, unknown>) => ({
    id,
    type,
    typeVersion: 1,
    position: { x: 0, y: 0 },
    config,
  });
  const compiled = compileFlow(
    {
      schemaVersion: 1,
      nodes: [
        node('hook', 'core.webhook', {}),
        node('fetch', 'http.request', { url: `${apiUrl}/big` }),
        node('shape', 'core.transform', {
          fields: [{ name: 'rows', value: '{{ steps.fetch.body.items[n < 50].{ "id": id, "n": n } }}' }],
        }),
        node('post', 'http.request', { method: 'POST', url: `${apiUrl}/store`, body: '{{ steps.shape.rows }}' }),
      ],
      edges: [
        { id: 'a', source: 'hook', target: 'fetch' },
        { id: 'b', source: 'fetch', target: 'shape' },
        { id: 'c', source: 'shape', target: 'post' },
      ],
    },
    { get: (type) => manifests.get(type) },
    { flowId: 'bench-large', version: 1, defaultTaskQueue: taskQueue },
  );
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
  const product = await startProduct();
  try {
    const t0 = performance.now();
    const handle = await product.temporal.workflow.start(RUN_FLOW_WORKFLOW, {
      taskQueue,
      workflowId: uniqueName('run_large'),
      args: [
        {
          plan: compiled.plan,
          trigger: { body: {} },
          run: { id: 'bench-large', workspaceId: 'bench', kind: 'manual' },
        },
      ],
    });
    const state = (await handle.result()) as { status: string };
    const seconds = (performance.now() - t0) / 1000;
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${worker.pid}/status`, 'utf8'))?.[1];
    const historyBytes = JSON.stringify(await handle.fetchHistory()).length;
    console.log(
      `large data: ${(body.length / 1048576).toFixed(1)} MB fetched → transformed → ${(postedBytes / 1048576).toFixed(1)} MB posted: ${state.status} in ${seconds.toFixed(2)} s; worker peak RSS ${(Number(hwm) / 1024).toFixed(0)} MB; history ${(historyBytes / 1024).toFixed(1)} KB`,
    );
  } finally {
    worker.kill('SIGTERM');
    api.close();
    await product.stop();
  }
}

/**
 * 4. Loops on the real stack: 10,000 items with a transform-only body (slices evaluated by activities), and 200 items
 *    each calling a local API that answers at once, 10 at a time (one activity per item).
 */
async function loopOverItems(): Promise<void> {
  const { startWorker } = await import('../worker/src/index.ts');
  const stack = await getTestStack();
  const taskQueue = uniqueName('bench_loop');
  const worker = await startWorker({
    temporalAddress: stack.temporalAddress,
    taskQueue,
    http: { allowPrivateNetworks: true },
  });
  const product = await startProduct(); // for its Temporal client
  try {
    const manifests = new Map(builtinStepDefinitions.map(toManifest).map((m) => [m.type, m]));
    const node = (id: string, type: string, config: Record<string, unknown>, parentId?: string) => ({
      id,
      type,
      typeVersion: 1,
      position: { x: 0, y: 0 },
      config,
      ...(parentId ? { parentId } : {}),
    });
    const compiled = compileFlow(
      {
        schemaVersion: 1,
        nodes: [
          node('hook', 'core.webhook', {}),
          node('each', 'core.loop', { items: '{{ [1..10000] }}', concurrency: 10 }),
          node(
            'shape',
            'core.transform',
            {
              fields: [
                { name: 'id', value: '{{ item }}' },
                { name: 'even', value: '{{ item % 2 = 0 }}' },
              ],
            },
            'each',
          ),
        ],
        edges: [{ id: 'a', source: 'hook', target: 'each' }],
      },
      { get: (type) => manifests.get(type) },
      { flowId: 'bench-loop', version: 1, defaultTaskQueue: taskQueue },
    );
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
    const client = product.temporal;
    const durations: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const handle = await client.workflow.start(RUN_FLOW_WORKFLOW, {
        taskQueue,
        workflowId: uniqueName('run_loop'),
        args: [
          {
            plan: compiled.plan,
            trigger: { body: {} },
            run: { id: uniqueName('bench-loop'), workspaceId: 'bench', kind: 'manual' },
          },
        ],
      });
      await handle.result();
      durations.push(performance.now() - t0);
    }
    print('loop over 10,000 items (transform-only body), start → result', durations, 'ms');

    const target = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ n: Number(req.url?.split('/').at(-1)) }));
    });
    await new Promise<void>((done) => target.listen(0, '127.0.0.1', done));
    try {
      const targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
      const httpLoop = compileFlow(
        {
          schemaVersion: 1,
          nodes: [
            node('hook', 'core.webhook', {}),
            node('each', 'core.loop', { items: '{{ [1..200] }}', concurrency: 10 }),
            node('fetch', 'http.request', { url: `{{ "${targetUrl}/item/" & item }}` }, 'each'),
          ],
          edges: [{ id: 'a', source: 'hook', target: 'each' }],
        },
        { get: (type) => manifests.get(type) },
        { flowId: 'bench-http-loop', version: 1, defaultTaskQueue: taskQueue },
      );
      if (!httpLoop.ok) throw new Error(JSON.stringify(httpLoop.errors));
      const httpDurations: number[] = [];
      for (let i = 0; i < 4; i++) {
        const t0 = performance.now();
        const handle = await client.workflow.start(RUN_FLOW_WORKFLOW, {
          taskQueue,
          workflowId: uniqueName('run_http_loop'),
          args: [
            {
              plan: httpLoop.plan,
              trigger: { body: {} },
              run: { id: uniqueName('bench-http-loop'), workspaceId: 'bench', kind: 'manual' },
            },
          ],
        });
        const state = (await handle.result()) as { status: string };
        if (state.status !== 'succeeded') throw new Error(`HTTP loop ${state.status}`);
        if (i >= 1) httpDurations.push(performance.now() - t0); // the first warms the worker
      }
      print('loop over 200 items calling a local API, 10 at a time, start → result', httpDurations, 'ms');
    } finally {
      target.close();
    }
  } finally {
    await worker.shutdown();
    await product.stop();
  }
}

const only = process.argv[2];
if (!only || only === 'transform') await transformCost();
if (!only || only === 'webhook') await webhookToCompletion();
if (!only || only === 'large') await largePayload();
if (!only || only === 'loop') await loopOverItems();
if (only === 'load') await import('./bench-load.ts'); // minutes long: only when asked for
if (only === 'dashboard') await import('./bench-dashboard.ts'); // 100k runs into the rollups: only when asked for
if (only === 'editor') await import('./bench-editor.ts'); // the editor at 100–1,000 nodes in Chromium: only when asked for
if (only === 'fairness') await import('./bench-fairness.ts'); // a 3,000-run flood, three times: only when asked for
process.exit(0);
