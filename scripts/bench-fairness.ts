/**
 * `./pw bench fairness` — one workspace's flood against another's steady traffic, on the embedded stack (every part
 * in its own process, as `./pw bench load`).  Prints, asserts nothing.  Three scenarios, each on a fresh stack:
 *
 * - `B alone`: workspace B sends one webhook a second for BENCH_B_SECONDS (default 60) and its builder presses Run
 *   (a draft run through the API, as the editor does) every 10 s, on an idle stack;
 * - `A floods, lanes on`: workspace A sends BENCH_FLOOD webhooks (default 3,000) as fast as BENCH_FLOOD_CONNS
 *   connections (default 50) can; BENCH_B_DELAY_S (default 5) seconds in, B does the same as alone;
 * - `A floods, lanes off`: the same with PIPEWRIGHT_FAIRNESS=off — first in, first out, what peers do.
 *
 * Both workspaces' flow is the README's: webhook → transform with two expressions → HTTP POST to a local echo; A's
 * import posts to a slow partner API, which answers after BENCH_A_STEP_MS (default 2,000), so A's flood fills the
 * worker's slots and waits as a backlog on Temporal's task queue — the noisy neighbour.  With a fast step the
 * embedded stack's bottleneck is Temporal's one SQLite connection rather than the worker, new tasks meet waiting
 * pollers ahead of the backlog, and neither lanes nor FIFO make B wait (BENCH_A_STEP_MS=0 shows it).  For
 * B's webhook runs: start delay (the 202 → the run's first workflow task starting, from Temporal's history) and POST →
 * finished (the echo has the run's POST); for the editor's runs: Run → finished; for A: how long its flood took to
 * finish.  p50 / p95 of each.
 */
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { threeNodeFlow } from '../e2e/src/flows.ts';
import { type Deployment, startEcho, startEmbedded } from './bench-deployments.ts';
import { addWorkspace, signUp } from './running-product.ts';

const FLOOD = Number(process.env.BENCH_FLOOD ?? 3_000);
const FLOOD_CONNS = Number(process.env.BENCH_FLOOD_CONNS ?? 50);
const B_SECONDS = Number(process.env.BENCH_B_SECONDS ?? 60);
const B_DELAY_S = Number(process.env.BENCH_B_DELAY_S ?? 5);
const A_STEP_MS = Number(process.env.BENCH_A_STEP_MS ?? 2_000);
const EDITOR_EVERY_S = 10;

interface Figures {
  bStartDelay: number[];
  /** Of the start delay: the 202 → the workflow started on Temporal (Pipewright's run queue and starter). */
  bToTemporal: number[];
  bFinished: number[];
  editorFinished: number[];
  floodSeconds?: number;
}

const ALL_SCENARIOS: { id: string; name: string; flood: boolean; env: Record<string, string> }[] = [
  { id: 'idle', name: 'B alone (idle stack)', flood: false, env: {} },
  { id: 'on', name: 'A floods, lanes on', flood: true, env: {} },
  { id: 'off', name: 'A floods, lanes off (FIFO)', flood: true, env: { PIPEWRIGHT_FAIRNESS: 'off' } },
];
/** BENCH_SCENARIOS: which to run ("idle on off", the default, or a part). */
const chosen = (process.env.BENCH_SCENARIOS ?? 'idle on off').split(/[\s,]+/).filter(Boolean);
const scenarios = ALL_SCENARIOS.filter((scenario) => chosen.includes(scenario.id));

const results: { name: string; figures: Figures }[] = [];
for (const scenario of scenarios) {
  console.log(`\n== ${scenario.name} ==`);
  const deployment = await startEmbedded({ env: scenario.env });
  try {
    results.push({ name: scenario.name, figures: await measure(deployment, scenario.flood) });
  } finally {
    await deployment.stop();
  }
}
printTable(results);

async function measure(deployment: Deployment, flood: boolean): Promise<Figures> {
  const { baseUrl } = deployment;
  const echo = await startEcho({ delayMs: (path) => (path.startsWith('/a-import') ? A_STEP_MS : 0) });
  const connection = await Connection.connect({ address: deployment.temporalAddress });
  const temporal = new Client({ connection });
  try {
    const tokenA = await signUp(baseUrl, 'Bench');
    const tokenB = await addWorkspace(baseUrl, 'Bench', 'Workspace B');
    const api = (token: string) => async (path: string, body: unknown, expected: number) => {
      const response = await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (response.status !== expected) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as Record<string, unknown>;
    };
    const publish = async (token: string, name: string) => {
      const flow = await api(token)('/api/flows', { name, document: threeNodeFlow(`${echo.url}/${name}`) }, 201);
      await api(token)(`/api/flows/${String(flow.id)}/publish`, {}, 201);
      return { id: String(flow.id), hook: `${baseUrl}${String(flow.webhookPath)}` };
    };
    const flowA = await publish(tokenA, 'a-import');
    const flowB = await publish(tokenB, 'b-orders');
    const post = async (hook: string, i: number): Promise<{ runId: string; sentAt: number }> => {
      const sentAt = performance.now();
      const response = await fetch(hook, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: `customer ${i}`, qty: i % 17, note: 'x'.repeat(560) }),
      });
      if (response.status !== 202) throw new Error(`webhook answered ${response.status}: ${await response.text()}`);
      return { runId: String(((await response.json()) as { runId: string }).runId), sentAt };
    };
    // Warm both workspaces' paths (first compile, first worker caches) before anything is timed.
    for (const hook of [flowA.hook, flowB.hook]) await echo.received((await post(hook, -1)).runId);

    const started = performance.now();
    let floodDone: Promise<number> = Promise.resolve(Number.NaN);
    if (flood) {
      floodDone = (async () => {
        let next = 0;
        const runs: Promise<void>[] = [];
        const lane = async () => {
          while (next < FLOOD) {
            const { runId } = await post(flowA.hook, next++);
            runs.push(echo.received(runId));
          }
        };
        await Promise.all(Array.from({ length: FLOOD_CONNS }, lane));
        console.log(`  A's ${FLOOD} webhooks accepted in ${((performance.now() - started) / 1000).toFixed(1)} s`);
        await Promise.all(runs);
        return (performance.now() - started) / 1000;
      })();
      await sleep(B_DELAY_S * 1000);
    }

    const bRuns: Promise<{ runId: string; sentAt: number; finishedMs: number }>[] = [];
    const editorRuns: Promise<number>[] = [];
    const bStart = performance.now();
    for (let second = 0; second < B_SECONDS; second++) {
      bRuns.push(
        post(flowB.hook, second).then(async ({ runId, sentAt }) => {
          await echo.received(runId);
          return { runId, sentAt, finishedMs: performance.now() - sentAt };
        }),
      );
      if (second % EDITOR_EVERY_S === 0) {
        editorRuns.push(
          (async () => {
            const pressed = performance.now();
            const { runId } = await api(tokenB)(`/api/flows/${flowB.id}/runs`, { source: 'draft', payload: {} }, 202);
            await echo.received(String(runId));
            return performance.now() - pressed;
          })(),
        );
      }
      await sleep(bStart + (second + 1) * 1000 - performance.now());
    }
    const b = await Promise.all(bRuns);
    const editorFinished = await Promise.all(editorRuns);
    const floodSeconds = await floodDone;
    // Start delay: from the 202 to the first workflow task's start, both on this machine's clock.
    const wallAtBenchStart = Date.now() - performance.now();
    const eventMs = (at: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
      at ? Number(at.seconds) * 1000 + Math.floor((at.nanos ?? 0) / 1e6) : Number.NaN;
    const delays = await Promise.all(
      b.map(async ({ runId, sentAt }) => {
        const history = await temporal.workflow.getHandle(runId).fetchHistory();
        const firstTask = history.events?.find((event) => event.workflowTaskStartedEventAttributes);
        const sent = wallAtBenchStart + sentAt;
        return {
          toTemporal: eventMs(history.events?.[0]?.eventTime) - sent,
          toFirstTask: eventMs(firstTask?.eventTime) - sent,
        };
      }),
    );
    const bStartDelay = delays.map((delay) => delay.toFirstTask);
    const bToTemporal = delays.map((delay) => delay.toTemporal);
    const figures: Figures = {
      bStartDelay,
      bToTemporal,
      bFinished: b.map((run) => run.finishedMs),
      editorFinished,
      ...(flood ? { floodSeconds } : {}),
    };
    console.log(`  ${summary(figures)}`);
    return figures;
  } finally {
    echo.close();
    await connection.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, Math.max(0, ms)));
}

function percentile(values: number[], p: number): number {
  const sorted = values.filter(Number.isFinite).sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function ms(values: number[]): string {
  return `${percentile(values, 50).toFixed(0)} / ${percentile(values, 95).toFixed(0)} ms`;
}

function summary(figures: Figures): string {
  return [
    `B webhook start delay p50/p95 ${ms(figures.bStartDelay)} (of which 202 → on Temporal ${ms(figures.bToTemporal)})`,
    `B webhook POST → finished ${ms(figures.bFinished)}`,
    `editor Run → finished ${ms(figures.editorFinished)}`,
    figures.floodSeconds === undefined ? '' : `A's flood finished in ${figures.floodSeconds.toFixed(0)} s`,
  ]
    .filter(Boolean)
    .join('; ');
}

function printTable(rows: { name: string; figures: Figures }[]): void {
  console.log(
    `\n| scenario | B webhook start delay p50 / p95 | B webhook POST → finished p50 / p95 | editor Run → finished p50 / p95 | A's ${FLOOD} runs finished in |`,
  );
  console.log('|---|---|---|---|---|');
  for (const { name, figures } of rows) {
    const flood = figures.floodSeconds === undefined ? '—' : `${figures.floodSeconds.toFixed(0)} s`;
    console.log(
      `| ${name} | ${ms(figures.bStartDelay)} | ${ms(figures.bFinished)} | ${ms(figures.editorFinished)} | ${flood} |`,
    );
  }
}
