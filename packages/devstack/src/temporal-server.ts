import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { ensureTemporalServer } from './binaries.ts';
import { createDatabaseIfMissing, type PostgresTarget } from './postgres.ts';
import { type ManagedProcess, startProcess } from './processes.ts';
import { untilReady } from './service-ready.ts';
import { FAIRNESS_DYNAMIC_CONFIG, SEARCH_ATTRIBUTES } from './stack.ts';

/** The gRPC ports of the server's four services and their membership (ringpop) ports. */
export interface TemporalServerPorts {
  frontend: number;
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  membership: { frontend: number; history: number; matching: number; worker: number };
}

export interface TemporalServerOptions {
  target: PostgresTarget;
  /** Its two databases: history and state, and visibility (the runs list's search). */
  databases: { main: string; visibility: string };
  ports: TemporalServerPorts;
  /** Config and logs go here. */
  dir: string;
  /**
   * History shards: fixed for the life of the database (the server refuses to start with another number).  Four suit
   * one host; a production cluster sizes it for its peak (Temporal's guidance: 512 and up).
   */
  historyShards?: number;
  log?: (line: string) => void;
}

const NAMESPACE = 'default';
/** How long Temporal keeps a closed run's history; the dev server's default. */
const RETENTION = '1 day';

/**
 * Dynamic config as the Temporal CLI's dev server sets it (its defaults: search attributes visible at once, and the
 * persistence QPS that needs), so the product meets the same engine behaviour on both stacks.
 */
export const CLUSTER_DYNAMIC_CONFIG: Record<string, unknown> = {
  'system.forceSearchAttributesCacheRefreshOnRead': true,
  'frontend.persistenceMaxQPS': 10_000,
  'history.persistenceMaxQPS': 45_000,
  'frontend.namespaceRPS.visibility': 100,
  ...FAIRNESS_DYNAMIC_CONFIG,
};

/** The server's config file (YAML; JSON is YAML), from Temporal's `development-postgres12.yaml` shape. */
export function temporalServerConfig(options: TemporalServerOptions & { dynamicConfigFile: string }): string {
  const { target, databases, ports } = options;
  // Small pools: the machine's PostgreSQL allows 100 connections in all, and a test run may hold two clusters and the
  // connectors' own tests at once.  A production cluster sizes these to its load and its database's limit.
  const store = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${target.host}:${target.port}`,
      connectProtocol: 'tcp',
      user: target.user,
      password: target.password,
      maxConns,
      // As many idle as open: a pool that closes connections under load opens them again (a backend each).
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const service = (grpcPort: number, membershipPort: number, extra: Record<string, unknown> = {}) => ({
    rpc: { grpcPort, membershipPort, bindOnLocalHost: true, ...extra },
  });
  const config = {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: options.historyShards ?? 4,
      datastores: {
        'postgres-default': store(databases.main, 10),
        'postgres-visibility': store(databases.visibility, 2),
      },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: {
      frontend: service(ports.frontend, ports.membership.frontend, { httpPort: ports.frontendHttp }),
      history: service(ports.history, ports.membership.history),
      matching: service(ports.matching, ports.membership.matching),
      worker: service(ports.worker, ports.membership.worker),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `127.0.0.1:${ports.frontend}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: options.dynamicConfigFile, pollInterval: '10s' },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** Temporal's dynamic config file format: each key a list of values with (here: no) constraints. */
export function dynamicConfigFile(values: Record<string, unknown>): string {
  const entries = Object.fromEntries(Object.entries(values).map(([key, value]) => [key, [{ value }]]));
  return `${JSON.stringify(entries, null, 2)}\n`;
}

/**
 * Creates the two databases when missing and brings their schemas to the server's version with Temporal's own SQL
 * tool: `setup-schema -v 0.0` on a new database, then `update-schema` with the schema embedded in the tool, which
 * applies only the migrations a database has not had (so it is safe on every start, and after a version bump).
 */
export async function setupTemporalSchema(
  options: Pick<TemporalServerOptions, 'target' | 'databases' | 'log'>,
): Promise<void> {
  const { sqlTool } = ensureTemporalServer(options.log);
  const { target } = options;
  for (const [database, schema] of [
    [options.databases.main, 'postgresql/v12/temporal'],
    [options.databases.visibility, 'postgresql/v12/visibility'],
  ] as const) {
    const created = await createDatabaseIfMissing(target, database);
    const base = [
      '--plugin',
      'postgres12',
      '--endpoint',
      target.host,
      '--port',
      String(target.port),
      '--user',
      target.user,
      ...(target.password ? ['--password', target.password] : []),
      '--database',
      database,
      '--quiet',
    ];
    if (created) runTool(sqlTool, [...base, 'setup-schema', '--version', '0.0']);
    runTool(sqlTool, [...base, 'update-schema', '--schema-name', schema]);
  }
}

function runTool(binary: string, args: string[]): void {
  const result = spawnSync(binary, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    const command = args.filter((arg) => arg !== '--password').join(' ');
    throw new Error(`temporal-sql-tool ${command} failed (${result.status}):\n${result.stderr || result.stdout}`);
  }
}

/**
 * Starts the Temporal server (all four services in one process) on PostgreSQL, then makes sure the `default`
 * namespace and the search attributes runs carry exist, as the dev server's flags do.  Returns the frontend address.
 */
export async function startTemporalServer(
  options: TemporalServerOptions & { processes: ManagedProcess[] },
): Promise<string> {
  const { server } = ensureTemporalServer(options.log);
  await setupTemporalSchema(options);
  const configDir = join(options.dir, 'config');
  mkdirSync(configDir, { recursive: true });
  const dynamicConfig = join(configDir, 'dynamic.yaml');
  writeFileSync(dynamicConfig, dynamicConfigFile(CLUSTER_DYNAMIC_CONFIG));
  writeFileSync(
    join(configDir, 'cluster.yaml'),
    temporalServerConfig({ ...options, dynamicConfigFile: dynamicConfig }),
  );
  const child = startProcess({
    name: 'temporal-server',
    command: server,
    args: ['--root', options.dir, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start'],
    logFile: join(options.dir, 'logs', 'temporal-server.log'),
  });
  options.processes.push(child);
  const address = `127.0.0.1:${options.ports.frontend}`;
  await untilReady({ what: `Temporal server at ${address}`, process: child, timeoutMs: 90_000 }, () =>
    registerNamespaceAndAttributes(address),
  );
  return address;
}

/** Idempotent: an existing namespace or attribute is left as it is. */
async function registerNamespaceAndAttributes(address: string): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: 1_000 });
  try {
    try {
      await connection.workflowService.registerNamespace({
        namespace: NAMESPACE,
        workflowExecutionRetentionPeriod: msToTs(RETENTION),
      });
    } catch (error) {
      if (!/already exists/i.test(String(error))) throw error;
    }
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: NAMESPACE });
    const missing = Object.entries(SEARCH_ATTRIBUTES).filter(([name]) => !customAttributes?.[name]);
    if (missing.length) {
      await connection.operatorService.addSearchAttributes({
        namespace: NAMESPACE,
        searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, INDEXED_VALUE_TYPES[type] ?? 2])),
      });
    }
    // A namespace is usable once every frontend has read it from the database (its cache refreshes every ~10 s).
    await connection.workflowService.describeNamespace({ namespace: NAMESPACE });
    await connection.workflowService.listWorkflowExecutions({ namespace: NAMESPACE, pageSize: 1 });
  } finally {
    await connection.close();
  }
}

/** temporal.api.enums.v1.IndexedValueType, by the names stack.ts registers with the CLI. */
const INDEXED_VALUE_TYPES: Record<string, number> = { Keyword: 2, Int: 3, KeywordList: 7 };
