import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUN_SEARCH_ATTRIBUTES } from '@pipewright/run-contract';
import { Connection } from '@temporalio/client';
import { MongoClient } from 'mongodb';
import { ensureFerretDb, ensureTemporalCli } from './binaries.ts';
import { freePort } from './ports.ts';
import { type ManagedProcess, startProcess } from './processes.ts';
import { untilReady } from './service-ready.ts';

/** The Temporal CLI's names of the search attribute types runs use. */
const CLI_TYPES: Record<string, string> = { INT: 'Int', KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList' };

/**
 * Search attributes every run carries (docs/architecture.md, decision 7; keys in `@pipewright/run-contract`),
 * registered when the dev server starts, as the Temporal CLI names their types.
 */
export const SEARCH_ATTRIBUTES: Record<string, string> = Object.fromEntries(
  RUN_SEARCH_ATTRIBUTES.map((key) => [key.name, CLI_TYPES[key.type] ?? 'Keyword']),
);

/**
 * SQLite settings of the embedded Temporal's file (README, Performance): write-ahead logging with synchronous=normal
 * commits without an fsync per transaction.  A crash of any process loses nothing committed; a power loss or OS
 * crash can lose the last transactions before the next checkpoint (the database itself stays consistent).
 */
export const TEMPORAL_SQLITE_PRAGMAS = ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal'];
/**
 * Task-queue priority and fairness (docs/adr/027): Server 1.29 dispatches by a task's priority key and, within a
 * key, by fairness key in proportion to weight only with these on (both default off there).  The cluster and
 * docker-compose's Temporal set the same.
 */
export const FAIRNESS_DYNAMIC_CONFIG: Record<string, boolean> = {
  'matching.useNewMatcher': true,
  'matching.enableFairness': true,
};
/**
 * One task-queue partition instead of the dev server's four: with four, tasks and polls land on different partitions
 * and are forwarded between them, work for the server's one SQLite connection that a few workers do not need
 * (measured: 43 → 60 one-activity workflows/s with WAL).  A cluster with many workers keeps its partitions.
 */
export const TEMPORAL_DYNAMIC_CONFIG = [
  'matching.numTaskqueueReadPartitions=1',
  'matching.numTaskqueueWritePartitions=1',
  ...Object.entries(FAIRNESS_DYNAMIC_CONFIG).map(([key, value]) => `${key}=${String(value)}`),
];

export interface StackOptions {
  /** Folder holding Temporal's SQLite file and FerretDB's SQLite folder; kept between restarts. */
  dataDir?: string;
  /** Use a temp folder removed on stop (tests). */
  ephemeral?: boolean;
  /** Pick free ports instead of the standard ones (tests). */
  freePorts?: boolean;
  /** Start Temporal's Web UI (dev). */
  ui?: boolean;
  /** Let the Node process exit while the services run; stop them from an exit hook with `killNow()` (tests). */
  unref?: boolean;
  log?: (line: string) => void;
}

export interface Stack {
  temporalAddress: string;
  temporalUiUrl: string | null;
  mongoUri: string;
  /** Services this stack started itself (empty when both came from TEMPORAL_ADDRESS / MONGODB_URI). */
  started: string[];
  /** The processes this stack started (benchmarks read their CPU and memory). */
  processes: readonly ManagedProcess[];
  stop(): Promise<void>;
  /** Synchronous best-effort stop, for `process.on('exit')`. */
  killNow(): void;
}

/**
 * Starts the embedded dev stack: the Temporal dev server (SQLite) and FerretDB (SQLite), waits until both answer,
 * and returns their addresses.  TEMPORAL_ADDRESS / MONGODB_URI in the environment replace the embedded service.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const log = options.log ?? ((line: string) => console.error(line));
  // A stack whose services both come from the environment (a test file inside the suite's stack) starts nothing
  // here, and an ephemeral one then needs no folder (callers do not always stop such a stack).
  const startsAService = !process.env.TEMPORAL_ADDRESS || !process.env.MONGODB_URI;
  const dataDir = options.ephemeral
    ? startsAService
      ? mkdtempSync(join(tmpdir(), 'pipewright-stack-'))
      : ''
    : (options.dataDir ?? join(process.cwd(), '.data'));
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const removeEphemeralDir = () => {
    if (options.ephemeral && dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  const processes: ManagedProcess[] = [];
  const stop = async () => {
    await Promise.all(processes.reverse().map((p) => p.stop()));
    removeEphemeralDir();
  };
  try {
    const temporal = process.env.TEMPORAL_ADDRESS
      ? { address: process.env.TEMPORAL_ADDRESS, uiUrl: null }
      : startTemporal({
          dataDir,
          processes,
          log,
          port: options.freePorts ? await freePort() : 7233,
          uiPort: options.freePorts ? await freePort() : 8233,
          ui: options.ui ?? false,
          persist: !options.ephemeral,
        });
    const mongoUri =
      process.env.MONGODB_URI ??
      startFerretDb({ dataDir, processes, log, port: options.freePorts ? await freePort() : 27017 });
    await Promise.all([waitForTemporal(temporal.address, processes), waitForMongo(mongoUri, processes)]);
    if (options.unref) for (const p of processes) p.unref();
    const killNow = () => {
      for (const p of processes) p.kill();
      removeEphemeralDir();
    };
    return {
      temporalAddress: temporal.address,
      temporalUiUrl: temporal.uiUrl,
      mongoUri,
      started: processes.map((p) => p.name),
      processes,
      stop,
      killNow,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * One embedded service on a given port and data folder, started and waited for: what a fault drill (`./pw chaos`)
 * stops and starts again on the same file while the rest of the stack runs.
 */
export async function startEmbeddedService(
  name: 'temporal' | 'ferretdb',
  options: { dataDir: string; port: number; log?: (line: string) => void },
): Promise<ManagedProcess> {
  const processes: ManagedProcess[] = [];
  const log = options.log ?? (() => {});
  try {
    if (name === 'temporal') {
      const { address } = startTemporal({ ...options, processes, log, uiPort: 0, ui: false, persist: true });
      await waitForTemporal(address, processes);
    } else {
      await waitForMongo(startFerretDb({ ...options, processes, log }), processes);
    }
  } catch (error) {
    await Promise.all(processes.map((p) => p.stop()));
    throw error;
  }
  const [started] = processes;
  if (!started) throw new Error(`${name} was not started`);
  return started;
}

function startTemporal(args: {
  dataDir: string;
  processes: ManagedProcess[];
  log: (line: string) => void;
  port: number;
  uiPort: number;
  ui: boolean;
  persist: boolean;
}) {
  const binary = ensureTemporalCli(args.log);
  const { port, uiPort } = args;
  const cli = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--log-level',
    'error',
    ...(args.persist ? ['--db-filename', join(args.dataDir, 'temporal.sqlite'), ...TEMPORAL_SQLITE_PRAGMAS] : []),
    ...TEMPORAL_DYNAMIC_CONFIG.flatMap((setting) => ['--dynamic-config-value', setting]),
    ...(args.ui ? [] : ['--headless']),
    ...Object.entries(SEARCH_ATTRIBUTES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
  ];
  args.processes.push(
    startProcess({ name: 'temporal', command: binary, args: cli, logFile: join(args.dataDir, 'logs', 'temporal.log') }),
  );
  return { address: `127.0.0.1:${port}`, uiUrl: args.ui ? `http://127.0.0.1:${uiPort}` : null };
}

/**
 * FerretDB on SQLite (the embedded default: a folder of files) or on PostgreSQL (`./pw cluster`: Pipewright's data
 * in the same database server as Temporal's).  The same pinned, patched build either way.
 */
export function startFerretDb(args: {
  dataDir: string;
  processes: ManagedProcess[];
  log: (line: string) => void;
  port: number;
  /** A postgres:// URL of an existing database; unset: SQLite files under dataDir. */
  postgresUrl?: string;
  name?: string;
}): string {
  const binary = ensureFerretDb(args.log);
  const { port } = args;
  const stateDir = join(args.dataDir, 'ferretdb');
  mkdirSync(stateDir, { recursive: true });
  const backend = args.postgresUrl
    ? ['--handler=postgresql', `--postgresql-url=${args.postgresUrl}`]
    : ['--handler=sqlite', `--sqlite-url=file:${stateDir}/`];
  const cli = [
    ...backend,
    `--listen-addr=127.0.0.1:${port}`,
    `--state-dir=${stateDir}`,
    '--debug-addr=-',
    '--telemetry=disable',
    '--log-level=warn',
  ];
  const name = args.name ?? 'ferretdb';
  args.processes.push(
    startProcess({ name, command: binary, args: cli, logFile: join(args.dataDir, 'logs', `${name}.log`) }),
  );
  return `mongodb://127.0.0.1:${port}/`;
}

/** Ready means: the frontend answers and our search attributes are registered (start-dev adds them at boot). */
async function waitForTemporal(address: string, processes: ManagedProcess[]): Promise<void> {
  const owned = processes.find((p) => p.name === 'temporal');
  await untilReady({ what: `Temporal at ${address}`, process: owned }, async () => {
    const connection = await Connection.connect({ address, connectTimeout: 1000 });
    try {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      const missing = Object.keys(SEARCH_ATTRIBUTES).filter((name) => !customAttributes?.[name]);
      if (missing.length) throw new Error(`search attributes not registered yet: ${missing.join(', ')}`);
    } finally {
      await connection.close();
    }
  });
}

export async function waitForMongo(uri: string, processes: readonly ManagedProcess[]): Promise<void> {
  const owned = processes.find((p) => p.name.startsWith('ferretdb'));
  await untilReady({ what: `MongoDB at ${uri}`, process: owned }, async () => {
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1000, connectTimeoutMS: 1000 });
    try {
      await client.db('admin').command({ ping: 1 });
    } finally {
      await client.close();
    }
  });
}
