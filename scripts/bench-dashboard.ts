/**
 * `./pw bench dashboard` — the health dashboard over 100k runs (figures printed, never asserted).
 *
 * Starts the embedded stack (FerretDB, and Temporal because the app wants a client), creates 20 flows, writes 100k
 * runs' reports spread over the last 7 days (3–5 steps each, ~6 % failing) into the rollups through the worker's own
 * writer code (`writeReports`: the same positions, `$inc` upserts and failure inserts a worker makes), then times
 * `GET /api/operations/health` for each window: the whole workspace, one flow, one connector — median of 5 — and
 * the Health page in headless Chromium (the built web/dist, as e2e serves it): from navigation until every flow's
 * row is drawn, and from a window's click until its view is drawn.
 *
 *   BENCH_DASHBOARD_RUNS=100000 BENCH_DASHBOARD_FLOWS=20 ./pw bench dashboard
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openBrowser } from '../e2e/src/browser.ts';
import { signIn, startProduct } from '../e2e/src/harness.ts';
import { builtinStepDefinitions } from '../packages/builtin-steps/src/index.ts';
import { builtinConnectorLabel } from '../packages/metrics/src/index.ts';
import {
  HEALTH_WINDOWS,
  type RunReport,
  rollupDocId,
  type StepReport,
  type Throttled,
  windowPlan,
} from '../packages/operations/src/index.ts';
import { RunRollupStore, writeReports } from '../packages/run-reports/src/index.ts';
import { OpenFailureCounts } from '../server/src/failures/open-failure-counts.ts';
import { OperationsRepository } from '../server/src/operations/operations.repository.ts';
import { webhookToHttpDocument } from '../server/src/test-support.ts';

const RUNS = Number(process.env.BENCH_DASHBOARD_RUNS ?? 100_000);
const FLOWS = Number(process.env.BENCH_DASHBOARD_FLOWS ?? 20);
const BATCH = Number(process.env.BENCH_DASHBOARD_BATCH ?? 1_000);
const DAY = 86_400_000;
const STEP_TYPES = ['http.request', 'postgres.query', 'smtp.send', 'slack.sendMessage', 'http.request'];

/** A small deterministic generator, so two benches write the same data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Each run's report, with its step attempts answered 429 (the worker reports those beside the run's report). */
function reportsOf(input: {
  workspaceId: string;
  flowIds: string[];
  now: number;
}): { report: RunReport; throttled: Throttled[] }[] {
  const next = random(12);
  const runs: { report: RunReport; throttled: Throttled[] }[] = [];
  for (let i = 0; i < RUNS; i++) {
    const flowIndex = Math.floor(next() * input.flowIds.length);
    const flowId = input.flowIds[flowIndex] ?? '';
    const startedAt = input.now - 7 * DAY + Math.floor((i / RUNS) * 7 * DAY);
    const stepCount = 3 + (flowIndex % 3);
    const failing = next() < 0.06;
    const failAt = failing ? Math.floor(next() * stepCount) : -1;
    const steps: StepReport[] = [];
    const throttled: Throttled[] = [];
    let failedOn429 = false;
    let at = startedAt;
    for (let s = 0; s < stepCount && (failAt === -1 || s <= failAt); s++) {
      const slow = s === flowIndex % stepCount ? 8 : 1;
      const durationMs = Math.round(20 + next() * 200 * slow);
      const failed = s === failAt;
      const attempts = failed ? 3 : next() < 0.05 ? 2 : 1;
      const got429 = failed && next() < 0.3;
      steps.push({
        nodeId: `step_${s}`,
        stepType: STEP_TYPES[s] ?? 'http.request',
        title: `Step ${s} of flow ${flowIndex}`,
        durationMs,
        attempts,
        retries: attempts - 1,
        failed,
        rateLimitWaitMs: next() < 0.02 ? 150 : 0,
      });
      if (got429) {
        failedOn429 = true;
        for (let a = 0; a < attempts; a++)
          throttled.push({ workspaceId: input.workspaceId, flowId, nodeId: `step_${s}`, at });
      }
      at += durationMs;
    }
    const last = steps.at(-1);
    const report: RunReport = {
      runId: `run_${i}`,
      workspaceId: input.workspaceId,
      flowId,
      version: 1,
      trigger: 'webhook',
      status: failing ? 'failed' : 'succeeded',
      startedAt,
      triggeredAt: startedAt,
      endedAt: at + 5,
      lastStepEndedAt: at,
      steps,
      ...(failing && last
        ? {
            failure: {
              nodeId: last.nodeId,
              nodeType: last.stepType,
              nodeTitle: last.title,
              errorCode: failedOn429 ? 'HTTP 429' : 'HTTP 500',
              errorMessage: `POST https://api.example.com/orders/${i} answered ${failedOn429 ? 429 : 500}`,
            },
          }
        : {}),
    };
    runs.push({ report, throttled });
  }
  return runs;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

// The page is timed as users get it: the production build of the current sources.
const built = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], {
  cwd: resolve(import.meta.dirname, '../web'),
  stdio: 'inherit',
});
if (built.status !== 0) throw new Error('web build failed');

const product = await startProduct();
try {
  const json = async (path: string, init: RequestInit = {}) => {
    const response = await product.api(path, init);
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const workspaceId = String(((await json('/api/auth/me')).workspace as { id: string }).id);
  const flowIds: string[] = [];
  for (let i = 0; i < FLOWS; i++) {
    const document = webhookToHttpDocument('https://api.example.com/orders');
    const flow = await json('/api/flows', {
      method: 'POST',
      body: JSON.stringify({ name: `Bench flow ${i}`, document }),
    });
    flowIds.push(String(flow.id));
  }
  const now = Date.now();
  const runs = reportsOf({ workspaceId, flowIds, now });
  const reports = runs.map((run) => run.report);
  const store = new RunRollupStore(product.db);
  await store.ensureIndexes();
  const connectorOf = builtinConnectorLabel(builtinStepDefinitions.map((step) => step.type));
  const writeStarted = performance.now();
  for (let i = 0; i < reports.length; i += BATCH) {
    const batch = runs.slice(i, i + BATCH);
    const throttled = batch.flatMap((run) => run.throttled);
    await writeReports(
      store,
      batch.map((run) => run.report),
      { connectorOf, now },
      throttled,
    );
    if ((i / BATCH) % 10 === 9) {
      console.log(`  … ${i + BATCH} runs written (${((performance.now() - writeStarted) / 1000).toFixed(0)} s)`);
    }
  }
  const writeMs = performance.now() - writeStarted;
  const failures = reports.filter((report) => report.status === 'failed').length;
  console.log(
    `wrote ${reports.length} runs (${failures} failed) of ${FLOWS} flows over 7 days in ${(writeMs / 1000).toFixed(1)} s ` +
      `(${Math.round(reports.length / (writeMs / 1000))} runs/s, batches of ${BATCH})`,
  );
  for (const name of ['run_rollup', 'run_step_rollup', 'run_failures']) {
    console.log(`  ${name}: ${await product.db.collection(name).countDocuments()} documents`);
  }

  // The page first, while the server has read nothing yet: what the first visitor after a start waits for.
  const { browser, page } = await openBrowser();
  try {
    await signIn(page, product);
    const flowRows = page.locator('[data-testid^="health-flow-"]');
    const t0 = performance.now();
    const firstHealth = page.waitForResponse((response) => response.url().includes('/api/operations/health'));
    await page.goto(`${product.baseUrl}/health`);
    await flowRows.nth(FLOWS - 1).waitFor();
    const total = performance.now() - t0;
    // Where the first view's time went: the page's own load, and the health request (sent → answered).
    const timing = (await firstHealth).request().timing();
    const loaded = (await page.evaluate(
      'performance.getEntriesByType("navigation")[0]?.domContentLoadedEventEnd ?? 0',
    )) as number;
    console.log(
      `Health page (Chromium), navigation → all ${FLOWS} flows drawn (24 h, first view): ${total.toFixed(0)} ms ` +
        `(page loaded ${loaded.toFixed(0)} ms; health request sent at ${timing.startTime > 0 ? (timing.startTime - ((await page.evaluate('performance.timeOrigin')) as number)).toFixed(0) : '?'} ms, answered in ${timing.responseEnd.toFixed(0)} ms)`,
    );
    for (const window of ['1h', '7d', '24h'] as const) {
      const t1 = performance.now();
      const answered = page.waitForResponse((response) => response.url().includes(`window=${window}`));
      await page.getByTestId(`health-window-${window}`).click();
      await answered;
      // Two frames: the view React committed is on screen.
      await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
      console.log(`  click ${window.padEnd(3)} → its view drawn: ${(performance.now() - t1).toFixed(0)} ms`);
    }
  } finally {
    await browser.close();
  }

  const scopes = [
    ['workspace', ''],
    ['one flow', `&flowId=${flowIds[0]}`],
    ['connector http', '&connector=http'],
  ] as const;
  console.log(
    'GET /api/operations/health (median of 5 after a first view; closed rollup documents are kept in memory):',
  );
  for (const window of HEALTH_WINDOWS) {
    for (const [label, query] of scopes) {
      const times: number[] = [];
      let runs = 0;
      let bytes = 0;
      let cold = 0;
      for (let i = 0; i < 6; i++) {
        const t0 = performance.now();
        const response = await product.api(`/api/operations/health?window=${window}${query}`);
        const text = await response.text();
        if (i > 0) times.push(performance.now() - t0);
        else cold = performance.now() - t0;
        runs = (JSON.parse(text) as { totals: { runs: number } }).totals.runs;
        bytes = text.length;
      }
      console.log(
        `  ${window.padEnd(4)} ${label.padEnd(15)} ${median(times).toFixed(0).padStart(5)} ms  ` +
          `(min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)}, first ${cold.toFixed(0)}; ` +
          `${runs} runs, ${Math.round(bytes / 1024)} KB)`,
      );
    }
  }
  // Where a view's time goes: each read on its own (7 d, the whole workspace).
  const repository = new OperationsRepository(product.db);
  const openFailures = new OpenFailureCounts(product.db);
  const plan = windowPlan('7d', Date.now());
  const ids = plan.docStarts.map((start) => rollupDocId(plan.grain, workspaceId, start));
  const parts: [string, () => Promise<unknown>][] = [
    ['index document', () => repository.index(workspaceId)],
    [`${ids.length} run_rollup documents`, () => repository.runDocs(ids)],
    [`${ids.length} run_step_rollup documents`, () => repository.stepDocs(ids)],
    ['open failures (counters)', () => openFailures.perFlow(workspaceId)],
    ['open failures recounted (a scan)', () => openFailures.recount(workspaceId)],
  ];
  console.log('7 d view, its reads one by one (median of 5):');
  for (const [label, read] of parts) {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await read();
      times.push(performance.now() - t0);
    }
    console.log(`  ${label.padEnd(30)} ${median(times).toFixed(0).padStart(5)} ms`);
  }
} finally {
  await product.stop();
}
