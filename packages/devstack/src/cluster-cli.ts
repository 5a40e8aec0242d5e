/**
 * `./pw cluster`: Pipewright in its production shape on this machine (docs/cluster.md) — the Temporal server and
 * FerretDB on PostgreSQL, two servers and two workers, HAProxy in front.  Data stays in PostgreSQL and .data-cluster/
 * between starts; Ctrl-C stops every process it started.
 *
 * Settings (environment): PORT (the proxy, default 8088), TEMPORAL_PORT (default 7233), PIPEWRIGHT_POSTGRES_URL
 * (default postgres://root@127.0.0.1:5432), PIPEWRIGHT_REDIS_URL (default redis://127.0.0.1:6379),
 * PIPEWRIGHT_CLUSTER_SERVERS / PIPEWRIGHT_CLUSTER_WORKERS (default 2 each), PIPEWRIGHT_CLUSTER_DIR.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startCluster } from './cluster.ts';
import { isPortOpen } from './ports.ts';

const root = resolve(import.meta.dirname, '../../..');
const log = (line: string) => console.log(line);

function count(name: string): number {
  const text = process.env[name]?.trim() || '2';
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 8) throw new Error(`${name} must be 1 to 8, got "${text}"`);
  return value;
}

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 8088);
  const temporalPort = Number(process.env.TEMPORAL_PORT ?? 7233);
  for (const wanted of [port, temporalPort, 27018]) {
    if (await isPortOpen(wanted)) {
      throw new Error(
        `port ${wanted} is in use — is ./pw dev or another cluster running? Stop it, or set PORT / TEMPORAL_PORT`,
      );
    }
  }
  if (!existsSync(join(root, 'web/dist/index.html'))) {
    log('[cluster] building the web app (first start only)');
    const built = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], {
      cwd: join(root, 'web'),
      stdio: 'inherit',
    });
    if (built.status !== 0) throw new Error('the web build failed');
  }
  const dataDir = process.env.PIPEWRIGHT_CLUSTER_DIR ?? join(root, '.data-cluster');
  const cluster = await startCluster({
    dataDir,
    port,
    temporalPort,
    servers: count('PIPEWRIGHT_CLUSTER_SERVERS'),
    workers: count('PIPEWRIGHT_CLUSTER_WORKERS'),
    ...(process.env.PIPEWRIGHT_POSTGRES_URL ? { postgresUrl: process.env.PIPEWRIGHT_POSTGRES_URL } : {}),
    log,
  });
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    log('\n[cluster] stopping…');
    await cluster.stop();
    log('[cluster] stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  log(`
  Pipewright (cluster) is running:   ${cluster.url}
  Servers:   ${cluster.servers.map((server) => `${server.name} ${server.url}`).join(', ')}
  Workers:   ${cluster.workers.map((worker) => worker.name).join(', ')}
  Temporal:  ${cluster.temporalAddress} (server on PostgreSQL)    MongoDB API: ${cluster.mongoUri} (FerretDB on PostgreSQL)
  Logs:      ${join(dataDir, 'logs')}
  Press Ctrl-C to stop.`);
}

main().catch((error: unknown) => {
  console.error(`[cluster] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
