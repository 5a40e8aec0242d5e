/**
 * `./pw chaos` — fault drills on the product as deployed, every part its own process (scripts/chaos/cluster.ts):
 * the Temporal dev server on a persistent SQLite file, FerretDB, the server, the worker.  Parts are killed by PID
 * and started again; the drills print their figures and the suite exits non-zero when a guarantee breaks.  Not
 * part of `./pw test` (it runs for minutes); README "Reliability" keeps the figures.
 *
 *   CHAOS_DRILLS="1 3"   only these drills (default: all six)
 *   CHAOS_SHORT=true     fewer runs and shorter outages (a quick check, e.g. in CI)
 *   CHAOS_KEEP=true      keep the data folder and logs (printed) instead of removing them
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Cluster, startCluster } from './chaos/cluster.ts';
import { databaseOutage } from './chaos/database-outage.ts';
import type { DrillResult } from './chaos/drill.ts';
import { engineOutage } from './chaos/engine-outage.ts';
import { hostileInputs } from './chaos/hostile-inputs/index.ts';
import { retryingSenders } from './chaos/retrying-senders.ts';
import { serverKill } from './chaos/server-kill.ts';
import { SlowTarget } from './chaos/target.ts';
import { workerKills } from './chaos/worker-kills.ts';

const short = process.env.CHAOS_SHORT === 'true';
const chosen = new Set(
  (process.env.CHAOS_DRILLS ?? '1 2 3 4 5 6')
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number),
);
const size = <T>(full: T, quick: T): T => (short ? quick : full);

const drills: [number, (cluster: Cluster, target: SlowTarget) => Promise<DrillResult>][] = [
  [1, (c, t) => workerKills(c, t, { runs: size(200, 60), kills: size(10, 3) })],
  [2, (c, t) => engineOutage(c, t, { inFlight: size(50, 20), outageMs: size(20_000, 8_000) })],
  [3, (c, t) => serverKill(c, t, { webhooks: size(100, 40) })],
  [4, (c, t) => databaseOutage(c, t, { outageMs: size(10_000, 5_000) })],
  [5, (c, t) => retryingSenders(c, t, { deliveries: size(1_000, 200), ids: 10 })],
  [6, (c) => hostileInputs(c, { cases: size(1_000, 200) })],
];

const dataDir = mkdtempSync(join(tmpdir(), 'pipewright-chaos-'));
const target = new SlowTarget(150);
await target.start();
const started = Date.now();
const results: DrillResult[] = [];
let cluster: Cluster | undefined;
let failure: unknown;
try {
  cluster = await startCluster({ dataDir });
  for (const [number, drill] of drills) {
    if (!chosen.has(number)) continue;
    const drillStarted = Date.now();
    const result = await drill(cluster, target);
    results.push(result);
    print(result, Date.now() - drillStarted);
  }
} catch (error) {
  failure = error;
} finally {
  await cluster?.stop();
  await target.stop();
  if (process.env.CHAOS_KEEP === 'true') console.log(`\ndata and logs kept in ${dataDir}`);
  else rmSync(dataDir, { recursive: true, force: true });
}

const broken = results.flatMap((result) => result.broken.map((text) => `${result.name}: ${text}`));
console.log(`\n${results.length} drills in ${((Date.now() - started) / 60_000).toFixed(1)} min`);
if (failure !== undefined) {
  console.error('the suite could not finish:', failure);
  process.exit(1);
}
if (broken.length > 0) {
  console.error(`\nGUARANTEES BROKEN (${broken.length}):\n${broken.map((line) => `  - ${line}`).join('\n')}`);
  process.exit(1);
}
console.log('every guarantee held');
process.exit(0);

function print(result: DrillResult, ms: number): void {
  console.log(`\n${result.name}  (${(ms / 1000).toFixed(0)} s)`);
  for (const [name, value] of Object.entries(result.figures)) console.log(`  ${name}: ${value}`);
  for (const line of result.broken) console.log(`  BROKEN: ${line}`);
}
