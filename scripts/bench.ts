/**
 * `./pw bench` — figures printed, never asserted (timings belong here, not in tests).
 *
 * 1. webhook → transform → HTTP request on the real stack: time from the webhook POST to the run's completion,
 *    over 20 sequential runs (median, p90, min, max).
 * 2. the interpreter alone on a transform-only chain (fake effects): cost per transform node.
 */
import { performance } from 'node:perf_hooks';
import { threeNodeFlow } from '../e2e/src/flows.ts';
import { startEchoService, startProduct } from '../e2e/src/harness.ts';
import type { ExecutionPlan } from '../packages/compiler/src/index.ts';
import { createInitialState, executePlan } from '../packages/runtime/src/index.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);

async function webhookToCompletion(): Promise<void> {
  const product = await startProduct();
  const echo = await startEchoService();
  try {
    const api = async (path: string, init?: RequestInit) => {
      const response = await fetch(`${product.baseUrl}${path}`, {
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
      await product.temporal.workflow.getHandle(String(runId)).result();
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

await transformCost();
await webhookToCompletion();
process.exit(0);
