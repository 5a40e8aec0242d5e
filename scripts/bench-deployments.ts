/**
 * The deployments the load benches drive (`./pw bench load`, `./pw bench fairness`), every part in its own process as
 * deployed, and the echo service their flows call.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { APP_MAIN_ARGS } from '../packages/devstack/src/app-process.ts';
import { startCluster } from '../packages/devstack/src/cluster.ts';
import { freePort } from '../packages/devstack/src/ports.ts';
import { type ManagedProcess, startProcess } from '../packages/devstack/src/processes.ts';
import { startStack } from '../packages/devstack/src/stack.ts';
import { programPid } from './running-product.ts';

const root = resolve(import.meta.dirname, '..');

export interface EmbeddedOptions {
  /** More environment for the server and the worker (a setting the bench compares). */
  env?: Record<string, string>;
  /** Processes ("worker", "server") to run with V8's CPU profiler, writing to `profileDir`. */
  profile?: Set<string>;
  profileDir?: string;
}

export async function waitForHttp(url: string, processes: ManagedProcess[]): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not up yet
    }
    const dead = processes.find((p) => p.child.exitCode !== null);
    if (dead) throw new Error(`${dead.name} exited while starting:\n${dead.tail()}`);
    await new Promise((done) => setTimeout(done, 300));
  }
  throw new Error(`${url} did not answer within 120 s`);
}

export interface Echo {
  url: string;
  /** Resolves once a POST of the run has arrived (the HTTP step's `idempotency-key` is `<run id>/<node id>`). */
  received(runId: string): Promise<void>;
  close(): void;
}

/**
 * `delayMs`: how long the echo takes to answer a request to a path (a slow partner API); default at once.  A run's
 * POST counts as received when it is answered.
 */
export async function startEcho(options: { delayMs?: (path: string) => number } = {}): Promise<Echo> {
  const arrived = new Set<string>();
  const waiting = new Map<string, () => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const delay = options.delayMs?.(req.url ?? '/') ?? 0;
      if (delay > 0) await new Promise((done) => setTimeout(done, delay));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ received: Buffer.concat(chunks).length, greeting: 'hello from the echo service' }));
      const runId = String(req.headers['idempotency-key'] ?? '').split('/')[0] ?? '';
      const wake = waiting.get(runId);
      if (wake) {
        waiting.delete(runId);
        wake();
      } else arrived.add(runId);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: (runId) =>
      arrived.delete(runId) ? Promise.resolve() : new Promise<void>((wake) => waiting.set(runId, wake)),
    close: () => server.close(),
  };
}

/** What the bench drives: a base URL, Temporal's address, and the processes whose CPU and memory it reports. */
export interface Deployment {
  shape: string;
  baseUrl: string;
  temporalAddress: string;
  /** Program pid by process name; POSTGRES stands for the PostgreSQL processes serving the deployment (CPU only). */
  pids: Record<string, number>;
  /** Those PostgreSQL processes, read again at each measurement (connections come and go). */
  postgresPids?: () => Promise<number[]>;
  stop(): Promise<void>;
}

export const POSTGRES = -1;

/** The embedded stack as `./pw dev` runs it: Temporal dev server, FerretDB, one server and one worker. */
export async function startEmbedded(options: EmbeddedOptions = {}): Promise<Deployment> {
  const profile = options.profile ?? new Set<string>();
  const dataDir = mkdtempSync(join(tmpdir(), 'pipewright-bench-'));
  const stack = await startStack({ dataDir, freePorts: true, log: () => {} });
  const apps: ManagedProcess[] = [];
  const stop = async () => {
    await Promise.all(apps.map((p) => p.stop()));
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const port = await freePort();
    const env = {
      TEMPORAL_ADDRESS: stack.temporalAddress,
      MONGODB_URI: stack.mongoUri,
      MONGODB_DB: 'bench',
      PIPEWRIGHT_DATA_DIR: dataDir,
      PIPEWRIGHT_ALLOW_PRIVATE_NETWORKS: 'true',
      ...APP_ENV,
      ...options.env,
      PORT: String(port),
    };
    for (const name of ['worker', 'server']) {
      apps.push(
        startProcess({
          name,
          command: process.execPath,
          args: [
            ...(profile.has(name) ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : []),
            ...APP_MAIN_ARGS,
          ],
          cwd: join(root, name),
          env,
          logFile: join(dataDir, 'logs', `${name}.log`),
        }),
      );
    }
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForHttp(`${baseUrl}/api/health`, apps);
    const pids: Record<string, number> = {};
    for (const p of [...stack.processes, ...apps]) pids[p.name] = programPid(p.child.pid ?? 0);
    return { shape: 'embedded', baseUrl, temporalAddress: stack.temporalAddress, pids, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `./pw cluster`'s shape: Temporal server and FerretDB on PostgreSQL, two servers, two workers, HAProxy. */
export async function startClusterShape(): Promise<Deployment> {
  const cluster = await startCluster({ dataDir: '', ephemeral: true, freePorts: true, appEnv: APP_ENV, log: () => {} });
  const pids: Record<string, number> = { postgresql: POSTGRES };
  for (const p of cluster.processes()) pids[p.name] = programPid(p.child.pid ?? 0);
  return {
    shape: 'cluster',
    baseUrl: cluster.url,
    temporalAddress: cluster.temporalAddress,
    pids,
    postgresPids: cluster.postgresPids,
    stop: cluster.stop,
  };
}

/** The bench measures the engine, not the connector limit (default 100/s per workspace and connector). */
export const APP_ENV = { PIPEWRIGHT_RATE_LIMITS: 'http=100000/s' };
