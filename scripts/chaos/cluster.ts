/**
 * The product as it is deployed, every part its own process, for fault drills: the Temporal dev server on a
 * persistent SQLite file, FerretDB on its SQLite folder, the server and the worker.  Each part can be killed by PID
 * (SIGKILL: no shutdown hook runs) and started again on the same port and files while the others keep running.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { APP_MAIN_ARGS } from '../../packages/devstack/src/app-process.ts';
import { freePort } from '../../packages/devstack/src/ports.ts';
import { type ManagedProcess, startProcess } from '../../packages/devstack/src/processes.ts';
import { startEmbeddedService } from '../../packages/devstack/src/stack.ts';
import { programPid, signUp } from '../running-product.ts';

const root = resolve(import.meta.dirname, '../..');

export type PartName = 'temporal' | 'ferretdb' | 'server' | 'worker';

export interface Cluster {
  baseUrl: string;
  /** A Temporal client of the drill itself (reconnects after Temporal restarts). */
  temporal: Client;
  /** An admin API token of the drill's workspace. */
  token: string;
  /** The API with the admin token; JSON in and out. */
  api(path: string, init?: { method?: string; body?: unknown }): Promise<{ status: number; body: unknown }>;
  /** SIGKILLs the part (the program, not its watchdog) and waits until it is gone. */
  kill(name: PartName): Promise<void>;
  /** Starts the part again on the same port and files; resolves once it serves. */
  start(name: PartName): Promise<void>;
  isUp(name: PartName): boolean;
  /** Where the parts' logs are. */
  logDir: string;
  stop(): Promise<void>;
}

export async function startCluster(options: { dataDir: string; env?: Record<string, string> }): Promise<Cluster> {
  const { dataDir } = options;
  const logDir = join(dataDir, 'logs');
  const ports = { temporal: await freePort(), ferretdb: await freePort(), server: await freePort() };
  const parts = new Map<PartName, ManagedProcess>();
  const env = {
    TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
    MONGODB_URI: `mongodb://127.0.0.1:${ports.ferretdb}/`,
    MONGODB_DB: 'chaos',
    PIPEWRIGHT_DATA_DIR: dataDir,
    PIPEWRIGHT_ALLOW_PRIVATE_NETWORKS: 'true',
    // The drill measures faults, not the connector rate limit (default 100/s per workspace and connector).
    PIPEWRIGHT_RATE_LIMITS: 'http=100000/s',
    PORT: String(ports.server),
    ...options.env,
  };
  const baseUrl = `http://127.0.0.1:${ports.server}`;

  const startApp = async (name: 'server' | 'worker') => {
    const logFile = join(logDir, `${name}.log`);
    const readyBefore = readyLines(logFile, name);
    const part = startProcess({
      name,
      command: process.execPath,
      args: APP_MAIN_ARGS,
      cwd: join(root, name),
      env,
      logFile,
    });
    parts.set(name, part);
    await waitUntil(`${name} to serve`, part, async () =>
      name === 'server' ? await answers(`${baseUrl}/api/health`) : readyLines(logFile, name) > readyBefore,
    );
  };

  const start = async (name: PartName) => {
    if (name === 'server' || name === 'worker') return startApp(name);
    parts.set(name, await startEmbeddedService(name, { dataDir, port: ports[name] }));
  };

  const kill = async (name: PartName) => {
    const part = parts.get(name);
    if (!part || part.child.exitCode !== null) return;
    const exited = new Promise<void>((done) => part.child.once('exit', () => done()));
    process.kill(programPid(part.child.pid ?? 0), 'SIGKILL');
    // The watchdog sees its child gone and exits too.
    await exited;
    await part.stop();
  };

  const stop = async () => {
    for (const name of ['server', 'worker', 'ferretdb', 'temporal'] as const) await parts.get(name)?.stop();
  };

  try {
    await start('temporal');
    await start('ferretdb');
    await start('worker');
    await start('server');
  } catch (error) {
    await stop();
    throw error;
  }
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const token = await signUp(baseUrl, 'Chaos');
  return {
    baseUrl,
    temporal: new Client({ connection }),
    token,
    logDir,
    async api(path, init = {}) {
      const response = await fetch(`${baseUrl}${path}`, {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
    },
    kill,
    start,
    isUp: (name) => {
      const part = parts.get(name);
      return part !== undefined && part.child.exitCode === null && part.child.signalCode === null;
    },
    async stop() {
      await connection.close();
      await stop();
    },
  };
}

/** How many times the app wrote its "ready" line to its log (the log is appended to across restarts). */
function readyLines(logFile: string, name: 'server' | 'worker'): number {
  const marker = name === 'server' ? 'pipewright server listening' : 'pipewright worker polling';
  try {
    return readFileSync(logFile, 'utf8').split(marker).length - 1;
  } catch {
    return 0;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).status < 500;
  } catch {
    return false;
  }
}

async function waitUntil(what: string, part: ManagedProcess, ready: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (await ready()) return;
    if (part.child.exitCode !== null) throw new Error(`${part.name} exited while starting:\n${part.tail()}`);
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`timed out waiting for ${what}:\n${part.tail()}`);
}
