import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { APP_MAIN_ARGS } from './app-process.ts';
import { startHaproxy } from './haproxy.ts';
import { freePort, freePorts } from './ports.ts';
import {
  assertDatabaseName,
  createDatabaseIfMissing,
  DEFAULT_POSTGRES_URL,
  dropDatabases,
  parsePostgresUrl,
  postgresPids,
  postgresUrl,
} from './postgres.ts';
import { type ManagedProcess, startProcess } from './processes.ts';
import { untilReady } from './service-ready.ts';
import { startFerretDb, waitForMongo } from './stack.ts';
import { startTemporalServer, type TemporalServerPorts } from './temporal-server.ts';

const root = resolve(import.meta.dirname, '../../..');

export interface ClusterOptions {
  /** Logs, config, the generated master key and FerretDB's state; kept between restarts (with the databases). */
  dataDir: string;
  /** Temp folder and databases of their own, all removed on stop (tests). */
  ephemeral?: boolean;
  /** PostgreSQL the cluster keeps everything in (PIPEWRIGHT_POSTGRES_URL; default: this machine's, as root). */
  postgresUrl?: string;
  /** Prefix of its three databases (`<prefix>_temporal`, `…_temporal_visibility`, `…_data`). */
  databasePrefix?: string;
  /** Where workers share rate limits and servers share sign-in counts (PIPEWRIGHT_REDIS_URL). */
  redisUrl?: string;
  /** The proxy's port: the one URL users and senders use. */
  port?: number;
  /** Temporal's frontend port (the other Temporal ports follow it); default 7233. Ignored with freePorts. */
  temporalPort?: number;
  /** Every port picked free (tests; the URL changes each start). */
  freePorts?: boolean;
  servers?: number;
  workers?: number;
  /** Extra environment for the servers and workers (a test's short intervals). */
  appEnv?: Record<string, string>;
  log?: (line: string) => void;
}

/** One Pipewright server or worker process, which a test (or an operator's rolling restart) stops and starts. */
export interface Replica {
  readonly name: string;
  /** A server's own address, past the proxy (tests that must land on one server). */
  readonly url?: string;
  readonly process: ManagedProcess;
  /** SIGTERM, and wait until it exited. */
  stop(): Promise<void>;
  /** Starts it again (same port, same settings) and waits until it is ready. */
  start(): Promise<void>;
}

export interface Cluster {
  /** Through the proxy: the web app, the API and webhook ingress. */
  url: string;
  temporalAddress: string;
  mongoUri: string;
  mongoDb: string;
  redisUrl: string;
  servers: Replica[];
  workers: Replica[];
  /** Every process it started, infrastructure included (benchmarks read their CPU). */
  processes(): readonly ManagedProcess[];
  /** The PostgreSQL processes serving its databases now (benchmarks read their CPU). */
  postgresPids(): Promise<number[]>;
  stop(): Promise<void>;
}

const MONGO_DB = 'pipewright';
/** How long a SIGTERMed server stays up answering 503 on its readiness check, so the proxy stops sending first. */
const DRAIN_MS = 2_000;

/**
 * `./pw cluster`: the production shape on one host (docs/cluster.md).  The Temporal server on PostgreSQL, FerretDB on
 * PostgreSQL, N stateless servers and N workers (each its own process), and HAProxy in front of the servers.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const log = options.log ?? ((line: string) => console.error(line));
  const dataDir = options.ephemeral ? mkdtempSync(join(tmpdir(), 'pipewright-cluster-')) : options.dataDir;
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  const target = parsePostgresUrl(options.postgresUrl ?? DEFAULT_POSTGRES_URL);
  const prefix = assertDatabaseName(
    options.databasePrefix ??
      (options.ephemeral ? `pw_cluster_${Math.random().toString(36).slice(2, 8)}` : 'pipewright_cluster'),
  );
  const databases = {
    main: `${prefix}_temporal`,
    visibility: `${prefix}_temporal_visibility`,
    data: `${prefix}_data`,
  };
  const infrastructure: ManagedProcess[] = [];
  const servers: Replica[] = [];
  const workers: Replica[] = [];
  const stop = async () => {
    await Promise.all([...servers, ...workers].map((replica) => replica.stop()));
    await Promise.all([...infrastructure].reverse().map((child) => child.stop()));
    if (options.ephemeral) {
      await dropDatabases(target, Object.values(databases)).catch((error: unknown) =>
        log(`[cluster] could not drop the test databases: ${String(error)}`),
      );
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
  try {
    const temporalPorts = options.freePorts
      ? await freeTemporalPorts()
      : fixedTemporalPorts(options.temporalPort ?? 7233);
    log(`[cluster] Temporal server on PostgreSQL (${databases.main}, ${databases.visibility})`);
    const temporalAddress = await startTemporalServer({
      target,
      databases: { main: databases.main, visibility: databases.visibility },
      ports: temporalPorts,
      dir: join(dataDir, 'temporal'),
      processes: infrastructure,
      log,
    });
    log(`[cluster] FerretDB on PostgreSQL (${databases.data})`);
    await createDatabaseIfMissing(target, databases.data);
    const mongoUri = startFerretDb({
      dataDir,
      processes: infrastructure,
      log,
      port: options.freePorts ? await freePort() : 27018,
      // pgx's pool setting: FerretDB's default (a pool per core, at least 4 times over) is more than the tests' share.
      postgresUrl: `${postgresUrl(target, databases.data)}?pool_max_conns=8`,
    });
    await waitForMongo(mongoUri, infrastructure);

    const port = options.port ?? (options.freePorts ? await freePort() : 8088);
    const url = `http://127.0.0.1:${port}`;
    const redisUrl = options.redisUrl ?? process.env.PIPEWRIGHT_REDIS_URL ?? 'redis://127.0.0.1:6379';
    const shared: Record<string, string> = {
      TEMPORAL_ADDRESS: temporalAddress,
      MONGODB_URI: mongoUri,
      MONGODB_DB: MONGO_DB,
      PIPEWRIGHT_REDIS_URL: redisUrl,
      // Server and worker share the generated master key (dataDir/master-keys.json); production sets
      // PIPEWRIGHT_MASTER_KEYS on every replica instead.
      PIPEWRIGHT_DATA_DIR: dataDir,
      ...options.appEnv,
    };
    const serverCount = options.servers ?? 2;
    for (let index = 1; index <= serverCount; index += 1) {
      const serverPort = await freePort();
      servers.push(
        appReplica({
          name: `server-${index}`,
          app: 'server',
          url: `http://127.0.0.1:${serverPort}`,
          dataDir,
          env: {
            ...shared,
            PORT: String(serverPort),
            WEB_DIST_DIR: join(root, 'web/dist'),
            PUBLIC_BASE_URL: url,
            // The proxy on this host sets X-Forwarded-For; nobody else may.
            PIPEWRIGHT_TRUST_PROXY: 'loopback',
            PIPEWRIGHT_DRAIN_MS: String(DRAIN_MS),
          },
        }),
      );
    }
    const workerCount = options.workers ?? 2;
    for (let index = 1; index <= workerCount; index += 1) {
      workers.push(
        appReplica({
          name: `worker-${index}`,
          app: 'worker',
          dataDir,
          env: {
            ...shared,
            PIPEWRIGHT_ALLOW_PRIVATE_NETWORKS: process.env.PIPEWRIGHT_ALLOW_PRIVATE_NETWORKS ?? 'true',
            // Two workers on one host: the host name cannot tell them apart (their MQTT sessions).
            PIPEWRIGHT_WORKER_ID: `worker-${index}`,
          },
        }),
      );
    }
    if (!existsSync(join(root, 'web/dist/index.html'))) {
      log('[cluster] web/dist is missing: the servers answer the API only (build it with `./pw build:web`)');
    }
    await Promise.all([...servers, ...workers].map((replica) => replica.start()));
    startHaproxy({
      dir: dataDir,
      port,
      servers: servers.map((server) => ({ name: server.name, port: Number(new URL(server.url ?? '').port) })),
      processes: infrastructure,
      log,
    });
    await untilReady({ what: `the proxy at ${url}`, process: infrastructure.at(-1) }, async () => {
      const response = await fetch(`${url}/api/health/ready`);
      if (response.status !== 200) throw new Error(`answered ${response.status}`);
    });
    return {
      url,
      temporalAddress,
      mongoUri,
      mongoDb: MONGO_DB,
      redisUrl,
      servers,
      workers,
      processes: () => [...infrastructure, ...[...servers, ...workers].map((replica) => replica.process)],
      postgresPids: () => postgresPids(target, Object.values(databases)),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A server or worker: `node src/main.ts` in its folder, logging to dataDir/logs/<name>.log. */
function appReplica(options: {
  name: string;
  app: 'server' | 'worker';
  url?: string;
  dataDir: string;
  env: Record<string, string>;
}): Replica {
  let current: ManagedProcess | undefined;
  const replica: Replica = {
    name: options.name,
    ...(options.url ? { url: options.url } : {}),
    get process() {
      if (!current) throw new Error(`${options.name} was never started`);
      return current;
    },
    async stop() {
      await current?.stop();
    },
    async start() {
      if (current && current.child.exitCode === null && current.child.signalCode === null) return;
      current = startProcess({
        name: options.name,
        command: process.execPath,
        args: APP_MAIN_ARGS,
        cwd: join(root, options.app),
        logFile: join(options.dataDir, 'logs', `${options.name}.log`),
        env: options.env,
      });
      const started = current;
      await untilReady({ what: options.name, process: started, timeoutMs: 120_000 }, async () => {
        if (options.url) {
          const response = await fetch(`${options.url}/api/health/ready`);
          if (response.status !== 200) throw new Error(`answered ${response.status}`);
        } else if (!started.tail(50).includes('polling task queue')) {
          throw new Error('not polling yet');
        }
      });
    },
  };
  return replica;
}

function fixedTemporalPorts(frontend: number): TemporalServerPorts {
  // Temporal's own layout: 7233 frontend, 7234 history, 7235 matching, 7239 worker, 6933… membership.
  return {
    frontend,
    frontendHttp: frontend + 10,
    history: frontend + 1,
    matching: frontend + 2,
    worker: frontend + 6,
    membership: { frontend: frontend - 300, history: frontend - 299, matching: frontend - 298, worker: frontend - 294 },
  };
}

async function freeTemporalPorts(): Promise<TemporalServerPorts> {
  const [frontend, frontendHttp, history, matching, worker] = (await freePorts(5)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const [mf, mh, mm, mw] = (await freePorts(4, { min: 20_000, max: 32_000 })) as [number, number, number, number];
  return {
    frontend,
    frontendHttp,
    history,
    matching,
    worker,
    membership: { frontend: mf, history: mh, matching: mm, worker: mw },
  };
}
