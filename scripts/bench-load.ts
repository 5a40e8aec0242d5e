/**
 * `./pw bench load` — throughput of the whole product, every part in its own process as it is deployed: the Temporal
 * dev server (SQLite file, the embedded stack's settings), FerretDB, the server and the worker.  The flow is the
 * README's: webhook → transform with two expressions → HTTP POST to a local echo service.  Prints, asserts nothing:
 *
 * - completed runs/s and POST → finished p50/p99, closed loop at 1, 10 and 50 connections (BENCH_CONNS);
 * - accept: webhook POSTs answered 202 per second and p50/p99, open burst at the same connections, then the time
 *   the backlog takes to finish;
 * - CPU ms a completed run per process (from /proc), RSS per process idle and after the load, history events a run.
 *
 * BENCH_SHAPES ("embedded", or "embedded cluster" for both in one run, one after the other): "cluster" is `./pw
 * cluster`'s shape — Temporal server and FerretDB on PostgreSQL, two servers and two workers behind HAProxy —, and its
 * CPU a run includes every PostgreSQL process's.
 *
 * Settings: BENCH_CONNS ("1 10 50"), BENCH_RUNS (runs per level, default 300), BENCH_WARMUP (default 50),
 * BENCH_ACCEPT (webhooks per accept burst, default 500; 0 skips the accept phase), BENCH_PROFILE ("worker",
 * "server" or both: V8 CPU profiles of those processes, written to BENCH_PROFILE_DIR, default ./reports/profiles),
 * BENCH_ACCEPT_PAUSE (e.g. "worker,temporal": those processes are paused with SIGSTOP during each accept burst and
 * resumed after it, to measure the ingress alone, without the drain competing for the cores),
 * BENCH_EXTRA_TRANSFORMS (default 0: transform steps with two expressions each, chained before the HTTP step — run
 * with 0 and with N and divide the difference by N for what one transform step costs), BENCH_OBSERVE ("echo",
 * default: a run's end is awaited with one `result()` call once the echo service has its POST, so Temporal is
 * asked about each run once, as the floor's client does; "poll": `result()` from the 202 on, asked again every
 * 10 ms while Temporal answers "not found" — each such answer costs Temporal and the client CPU a real sender
 * never spends).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { threeNodeFlow } from '../e2e/src/flows.ts';
import { runResult } from '../e2e/src/harness.ts';
import { type Deployment, POSTGRES, startClusterShape, startEcho, startEmbedded } from './bench-deployments.ts';
import { signUp } from './running-product.ts';

const root = resolve(import.meta.dirname, '..');

const SHAPES = (process.env.BENCH_SHAPES ?? 'embedded').split(/[\s,]+/).filter((shape) => {
  if (shape === 'embedded' || shape === 'cluster') return true;
  if (shape) throw new Error(`BENCH_SHAPES: "${shape}" is neither "embedded" nor "cluster"`);
  return false;
});
const CONNS = (process.env.BENCH_CONNS ?? '1 10 50').split(/\s+/).filter(Boolean).map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 300);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 50);
const ACCEPT = Number(process.env.BENCH_ACCEPT ?? 500);
const ACCEPT_PAUSE = (process.env.BENCH_ACCEPT_PAUSE ?? '').split(/[\s,]+/).filter(Boolean);
const EXTRA_TRANSFORMS = Number(process.env.BENCH_EXTRA_TRANSFORMS ?? 0);
const OBSERVE = process.env.BENCH_OBSERVE === 'poll' ? 'poll' : 'echo';
const PROFILE = new Set((process.env.BENCH_PROFILE ?? '').split(/[\s,]+/).filter(Boolean));
const PROFILE_DIR = resolve(process.env.BENCH_PROFILE_DIR ?? join(root, 'reports', 'profiles'));
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of a process and its waited-for children, in ms. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

interface CpuSnapshot {
  /** By process name (PostgreSQL's entry excluded). */
  byName: Record<string, number>;
  /** PostgreSQL's processes serving the deployment, by pid: connections come and go, so deltas are taken per pid. */
  postgres: Map<number, number>;
}

async function cpuSnapshot(deployment: Deployment): Promise<CpuSnapshot> {
  const postgres = new Map<number, number>();
  for (const pid of (await deployment.postgresPids?.()) ?? []) {
    const cpu = cpuMsIfRunning(pid);
    if (cpu !== undefined) postgres.set(pid, cpu);
  }
  const byName = Object.fromEntries(
    Object.entries(deployment.pids)
      .filter(([, pid]) => pid !== POSTGRES)
      .map(([name, pid]) => [name, cpuMs(pid)]),
  );
  return { byName, postgres };
}

/**
 * CPU ms spent between two snapshots, by process name; PostgreSQL's as the sum over its processes (a connection
 * opened in between counts from zero; one closed in between is missed, so the pools keep their connections).
 */
function cpuSpent(deployment: Deployment, before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  return Object.fromEntries(
    Object.entries(deployment.pids).map(([name, pid]) => {
      if (pid !== POSTGRES) return [name, (after.byName[name] ?? 0) - (before.byName[name] ?? 0)];
      let spent = 0;
      for (const [each, cpu] of after.postgres) spent += cpu - (before.postgres.get(each) ?? 0);
      return [name, spent];
    }),
  );
}

const cpuMsIfRunning = (pid: number): number | undefined => {
  try {
    return cpuMs(pid);
  } catch {
    return undefined;
  }
};

/** The processes the deployment started (PostgreSQL's memory is the machine's, shared with everything else). */
const ownProcesses = (pids: Record<string, number>) => Object.entries(pids).filter(([, pid]) => pid !== POSTGRES);

function memoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);

/** A body of about 670 bytes, like the issue's measurements. */
const body = (i: number) =>
  JSON.stringify({ name: `customer ${i}`, qty: i % 17, note: 'x'.repeat(560), tags: ['bench', 'load'] });

async function main(): Promise<void> {
  for (const shape of SHAPES) {
    console.log(`\n== ${shape} ==`);
    const deployment =
      shape === 'cluster'
        ? await startClusterShape()
        : await startEmbedded({ profile: PROFILE, profileDir: PROFILE_DIR });
    try {
      await measure(deployment);
    } finally {
      await deployment.stop();
    }
  }
}

async function measure(deployment: Deployment): Promise<void> {
  const { baseUrl, pids } = deployment;
  const echo = await startEcho();
  const connection = await Connection.connect({ address: deployment.temporalAddress });
  const temporal = new Client({ connection });
  try {
    const token = await signUp(baseUrl, 'Bench');
    const api = async (path: string, init: RequestInit = {}) => {
      const response = await fetch(`${baseUrl}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as Record<string, unknown>;
    };
    const flow = await api('/api/flows', {
      method: 'POST',
      body: JSON.stringify({
        name: 'bench',
        document: withExtraTransforms(threeNodeFlow(`${echo.url}/orders`), EXTRA_TRANSFORMS),
      }),
    });
    await api(`/api/flows/${String(flow.id)}/publish`, { method: 'POST' });
    const hook = `${baseUrl}${String(flow.webhookPath)}`;
    let sent = 0;
    const post = async (): Promise<string> => {
      const response = await fetch(hook, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body(sent++),
      });
      if (response.status !== 202) throw new Error(`webhook answered ${response.status}: ${await response.text()}`);
      return String(((await response.json()) as { runId: string }).runId);
    };
    /** Times `result()` found a run still in the server's queue (asked again 10 ms later). */
    let notYetStarted = 0;
    const countNotYetStarted = () => {
      notYetStarted++;
    };
    const finish = async (runId: string) => {
      const result = (OBSERVE === 'echo' ? echo.received(runId) : Promise.resolve()).then(() =>
        runResult(temporal, runId, { onNotYetStarted: countNotYetStarted }),
      );
      const state = (await withDeadline(result, RUN_DEADLINE_MS, `run ${runId} to finish`)) as {
        status?: string;
      };
      if (state.status !== 'succeeded') throw new Error(`run ${runId} ended ${String(state.status)}`);
    };

    // Warm the worker's caches (workflow bundle, sticky cache, JIT) before measuring anything.
    await closedLoop(WARMUP, 5, async () => finish(await post()));
    const idle = Object.fromEntries(ownProcesses(pids).map(([name, pid]) => [name, memoryMb(pid)]));
    console.log(`\nidle RSS (MB, after ${WARMUP} warm-up runs): ${format(idle, (m) => m.rss)}`);

    let sampleRunId = '';
    for (const conns of CONNS) {
      const before = await cpuSnapshot(deployment);
      const client0 = process.cpuUsage();
      notYetStarted = 0;
      const latencies: number[] = [];
      const t0 = performance.now();
      await closedLoop(RUNS, conns, async () => {
        const start = performance.now();
        const runId = await post();
        sampleRunId = runId;
        await finish(runId);
        latencies.push(performance.now() - start);
      });
      const seconds = (performance.now() - t0) / 1000;
      const clientCpu = process.cpuUsage(client0);
      const spent = cpuSpent(deployment, before, await cpuSnapshot(deployment));
      const perRun = Object.fromEntries(Object.entries(spent).map(([name, cpu]) => [name, cpu / RUNS]));
      const total = Object.values(perRun).reduce((a, b) => a + b, 0);
      latencies.sort((a, b) => a - b);
      console.log(
        `closed loop, ${conns} conn${conns === 1 ? '' : 's'}: ${(RUNS / seconds).toFixed(1)} runs/s, ` +
          `POST → finished p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms; ` +
          `CPU ms a run ${total.toFixed(1)} (${format(perRun, (v) => v.toFixed(1))}; bench client ${((clientCpu.user + clientCpu.system) / 1000 / RUNS).toFixed(1)}); ` +
          `result() asked before the run was on Temporal ${(notYetStarted / RUNS).toFixed(2)} times a run (BENCH_OBSERVE=${OBSERVE})`,
      );
    }

    if (ACCEPT > 0) {
      for (const conns of CONNS.filter((c) => c > 1)) {
        const accepted: string[] = [];
        const latencies: number[] = [];
        const paused = ACCEPT_PAUSE.map((name) => pids[name] ?? 0).filter((pid) => pid > 0);
        for (const pid of paused) process.kill(pid, 'SIGSTOP');
        const t0 = performance.now();
        try {
          await closedLoop(ACCEPT, conns, async () => {
            const start = performance.now();
            accepted.push(await post());
            latencies.push(performance.now() - start);
          });
        } finally {
          for (const pid of paused) process.kill(pid, 'SIGCONT');
        }
        const acceptSeconds = (performance.now() - t0) / 1000;
        await Promise.all(accepted.map(finish));
        const drainSeconds = (performance.now() - t0) / 1000;
        latencies.sort((a, b) => a - b);
        console.log(
          `accept burst of ${ACCEPT}, ${conns} conns${paused.length ? ` (${ACCEPT_PAUSE.join(', ')} paused)` : ''}: ${(ACCEPT / acceptSeconds).toFixed(0)} req/s answered 202, ` +
            `p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms; ` +
            `all finished after ${drainSeconds.toFixed(1)} s (${(ACCEPT / drainSeconds).toFixed(1)} runs/s)`,
        );
      }
    }

    const history = await temporal.workflow.getHandle(sampleRunId).fetchHistory();
    const events = history.events ?? [];
    const kinds = new Map<string, number>();
    for (const event of events) {
      const kind = (proto.temporal.api.enums.v1.EventType[event.eventType ?? 0] ?? '?').replace(/^EVENT_TYPE_/, '');
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    console.log(`history events a run: ${events.length} (${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')})`);
    const bytes = (event: (typeof events)[number]) =>
      proto.temporal.api.history.v1.HistoryEvent.encode(event as proto.temporal.api.history.v1.IHistoryEvent).finish()
        .length;
    console.log(
      `history bytes a run: ${events.reduce((sum, event) => sum + bytes(event), 0)} (${events
        .map(
          (event) =>
            `${(proto.temporal.api.enums.v1.EventType[event.eventType ?? 0] ?? '?').replace(/^EVENT_TYPE_/, '')} ${bytes(event)}`,
        )
        .join(', ')})`,
    );
    const after = Object.fromEntries(ownProcesses(pids).map(([name, pid]) => [name, memoryMb(pid)]));
    console.log(`RSS after the load (MB): ${format(after, (m) => m.rss)}; peak ${format(after, (m) => m.peak)}`);
  } finally {
    await connection.close();
    echo.close();
  }
}

/** Chains `count` more transform steps between the flow's transform and its HTTP step (whose body stays the same). */
function withExtraTransforms(
  document: ReturnType<typeof threeNodeFlow>,
  count: number,
): ReturnType<typeof threeNodeFlow> {
  if (count === 0) return document;
  const extra = Array.from({ length: count }, (_, i) => ({
    id: `extra_${i}`,
    type: 'core.transform',
    typeVersion: 1,
    position: { x: 260, y: 120 * (i + 1) },
    config: {
      fields: [
        { name: 'customer', value: '{{ $uppercase(input.customer) }}' },
        { name: 'total', value: '{{ input.total + 1 }}' },
      ],
      keepInput: false,
      remove: [],
    },
  }));
  const chain = ['transform', ...extra.map((node) => node.id), 'http_request'];
  return {
    ...document,
    nodes: [...document.nodes, ...extra],
    edges: chain
      .slice(1)
      .map((target, i) => ({
        id: `e${i + 1}`,
        source: chain[i] ?? '',
        sourcePort: 'out',
        target,
        targetPort: 'in',
      }))
      .concat({ id: 'e0', source: 'webhook', sourcePort: 'out', target: 'transform', targetPort: 'in' }),
  };
}

/** A run not finished after this is stuck (a broken worker, a bad start): the bench stops instead of waiting. */
const RUN_DEADLINE_MS = 120_000;

async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `total` tasks, at most `conns` at a time, each connection starting its next task when one ends. */
async function closedLoop(total: number, conns: number, task: () => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: conns }, async () => {
      while (next < total) {
        next++;
        await task();
      }
    }),
  );
}

function format<T>(values: Record<string, T>, show: (value: T) => string | number): string {
  return Object.entries(values)
    .map(([name, value]) => `${name} ${show(value)}`)
    .join(', ');
}

await main();
process.exit(0);
