/**
 * Records the Temporal histories of representative runs — every control step and path of the interpreter, see
 * history-scenarios.ts and worker/src/replay/README.md — into worker/src/replay/histories/, for the replay test
 * (worker/src/replay/replay.test.ts) that makes a change breaking runs in flight fail the build
 * (docs/architecture.md, decision 2).
 *
 *   ./pw exec node e2e/src/tools/record-histories.ts                      every scenario
 *   ./pw exec node e2e/src/tools/record-histories.ts if-true-branch …     only these (by name)
 *
 * It starts its own stack (Temporal, FerretDB, server, worker) and drives the product through its API: flows are
 * created and published, runs started by webhook, waits resumed through the API or a signed resume link.  Each run
 * must end as its scenario expects; then its history, and the history of every run it started (sub-flow child,
 * error handler, loop chunk), is written as `<scenario>[.<child>].json`.  Every wait has a deadline naming what it
 * waited for.  A new scenario also goes into the replay test's expected list and the README.
 *
 * Histories recorded by older code are what catch a change that breaks runs in flight: record new scenarios by name,
 * and never re-record to "fix" a failing replay — that failure means in-flight runs would break.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { type Product, runResult, startProduct } from '../harness.ts';
import { type Scenario, scenarios } from './history-scenarios.ts';
import { createProductApi, type LocalApi, startLocalApi, within } from './recording-support.ts';

const root = resolve(import.meta.dirname, '../../..');
const outDir = resolve(root, 'worker/src/replay/histories');
/** The longest scenario (405 loop iterations) takes a few seconds; a run still going after this is stuck. */
const RUN_DEADLINE_MS = 120_000;

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !scenarios.some((scenario) => scenario.name === name));
if (unknown.length > 0) {
  console.error(`no such scenario: ${unknown.join(', ')}\nscenarios: ${scenarios.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const selected = wanted.length === 0 ? scenarios : scenarios.filter((scenario) => wanted.includes(scenario.name));

let product: Product | undefined;
let local: LocalApi | undefined;
try {
  local = await startLocalApi();
  // The first start may build the Temporal CLI and FerretDB from source (another process may hold that lock).
  product = await within('the product (Temporal, FerretDB, worker, server) to start', 15 * 60_000, startProduct());
  const context = { api: createProductApi(product), local };
  for (const scenario of selected) await record(product, scenario, context);
  // As the repository's formatter writes JSON, so `./pw lint` passes on the recordings.
  execFileSync(resolve(root, 'node_modules/.bin/biome'), ['format', '--write', outDir], {
    stdio: 'inherit',
    timeout: 60_000,
  });
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await within('the product to stop', 60_000, product?.stop() ?? Promise.resolve()).catch((error: unknown) => {
    console.error(error);
  });
  await within('the local API to close', 10_000, local?.close() ?? Promise.resolve()).catch((error: unknown) => {
    console.error(error);
  });
}
// The test stack's Temporal and FerretDB are stopped by its exit hook.
process.exit();

async function record(product: Product, scenario: Scenario, context: Parameters<Scenario['run']>[0]): Promise<void> {
  const runId = await scenario.run(context);
  await untilClosed(product, runId, `run ${runId} of scenario ${scenario.name} to end`);
  const run = await context.api.getRun(runId);
  const problems: string[] = [];
  if (run.status !== scenario.expect.status) problems.push(`the run ${run.status}, expected ${scenario.expect.status}`);
  for (const [nodeId, status] of Object.entries(scenario.expect.nodes ?? {})) {
    const actual = run.nodes[nodeId]?.status;
    if (actual !== status) problems.push(`node "${nodeId}" ${actual ?? 'is missing'}, expected ${status}`);
  }
  const written: string[] = [];
  const children = await recordRun(product, runId, scenario.name, {
    written,
    problems,
    maxBytes: scenario.expect.maxHistoryBytes,
    skip: (scenario.expect.notRecorded ?? []).map((suffix) => `${scenario.name}.${suffix}`),
  });
  const expectedChildren = [...(scenario.expect.children ?? [])].sort();
  if (JSON.stringify(children.sort()) !== JSON.stringify(expectedChildren)) {
    problems.push(`it started runs [${children.join(', ')}], expected [${expectedChildren.join(', ')}]`);
  }
  if (problems.length > 0) {
    throw new Error(`scenario ${scenario.name} (run ${runId}) did not go as expected: ${problems.join('; ')}`);
  }
  console.log(`recorded ${written.join(', ')}`);
}

/**
 * Writes the history of one (closed) run as `<stem>.json`, then recurses into the runs it started: their workflow
 * ids are the run id plus a suffix (`-call`, `-error-handler`, `-each-400`), which names their file.  Returns the
 * suffixes of the direct children.
 */
async function recordRun(
  product: Product,
  workflowId: string,
  stem: string,
  report: { written: string[]; problems: string[]; maxBytes: number | undefined; skip: string[] },
): Promise<string[]> {
  const { written, problems, maxBytes, skip } = report;
  const history = await within(
    `the history of ${workflowId}`,
    30_000,
    product.temporal.workflow.getHandle(workflowId).fetchHistory(),
  );
  const json = historyToJSON(history);
  if (maxBytes !== undefined && json.length > maxBytes) {
    problems.push(`history of ${workflowId} is ${json.length} bytes, more than ${maxBytes}`);
  }
  const events = `${history.events?.length ?? 0} events`;
  if (skip.includes(stem)) written.push(`(not kept: ${stem}, ${events})`);
  else {
    writeFileSync(resolve(outDir, `${stem}.json`), json);
    written.push(`${stem}.json (${events})`);
  }
  const suffixes: string[] = [];
  for (const event of history.events ?? []) {
    const childId = event.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
    if (!childId) continue;
    const suffix = childId.startsWith(`${workflowId}-`) ? childId.slice(workflowId.length + 1) : childId;
    suffixes.push(suffix);
    // An abandoned child (the error handler) may still be running when its parent has ended.
    await untilClosed(product, childId, `run ${childId}, started by ${workflowId}, to end`);
    await recordRun(product, childId, `${stem}.${suffix}`, report);
  }
  return suffixes;
}

/** Waits (long-polling Temporal) until the workflow has closed, whatever its outcome. */
async function untilClosed(product: Product, workflowId: string, what: string): Promise<void> {
  await within(
    what,
    RUN_DEADLINE_MS,
    runResult(product.temporal, workflowId).then(
      () => undefined,
      () => undefined,
    ),
  );
}
