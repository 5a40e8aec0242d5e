/**
 * `pnpm dev` (via ./pw dev): the whole product on embedded defaults — Temporal dev server + FerretDB + worker +
 * server + web — with data kept in ./.data between restarts.  Ctrl-C stops everything.
 *
 *   node packages/devstack/src/cli.ts up         start everything
 *   node packages/devstack/src/cli.ts services   only Temporal + FerretDB; prints the env to use them
 *   node packages/devstack/src/cli.ts install    build/download the pinned binaries and exit
 */
import { join, resolve } from 'node:path';
import { APP_MAIN_ARGS } from './app-process.ts';
import { ensureFerretDb, ensureTemporalCli } from './binaries.ts';
import { isPortOpen } from './ports.ts';
import { type ManagedProcess, startProcess } from './processes.ts';
import { startStack } from './stack.ts';

const root = resolve(import.meta.dirname, '../../..');
const command = process.argv[2] ?? 'up';
const log = (line: string) => console.log(line);

async function main(): Promise<void> {
  if (command === 'install') {
    ensureTemporalCli();
    ensureFerretDb();
    return;
  }
  if (command !== 'up' && command !== 'services')
    throw new Error(`unknown command "${command}" (use up, services or install)`);

  const serverPort = Number(process.env.PORT ?? 8080);
  const webPort = Number(process.env.WEB_PORT ?? 5173);
  const wanted = [
    ...(process.env.TEMPORAL_ADDRESS ? [] : [7233, 8233]),
    ...(process.env.MONGODB_URI ? [] : [27017]),
    ...(command === 'up' ? [serverPort, webPort] : []),
  ];
  for (const port of wanted) {
    if (await isPortOpen(port))
      throw new Error(
        `port ${port} is already in use — is another Pipewright running? Stop it or set the port's env var (see README).`,
      );
  }

  const dataDir = process.env.PIPEWRIGHT_DATA_DIR ?? join(root, '.data');
  log(`[dev] starting Temporal and FerretDB (data in ${dataDir})`);
  const stack = await startStack({ dataDir, ui: true, log });
  const children: ManagedProcess[] = [];
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('\n[dev] stopping…');
    await Promise.all(children.reverse().map((child) => child.stop()));
    await stack.stop();
    log('[dev] stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  // PIPEWRIGHT_DATA_DIR: server and worker share the generated dev master key (data dir/master-keys.json).
  const env = { TEMPORAL_ADDRESS: stack.temporalAddress, MONGODB_URI: stack.mongoUri, PIPEWRIGHT_DATA_DIR: dataDir };
  if (command === 'services') {
    log(`[dev] ready:\n  export TEMPORAL_ADDRESS=${env.TEMPORAL_ADDRESS}\n  export MONGODB_URI=${env.MONGODB_URI}`);
    return;
  }
  const node = process.execPath;
  const logs = join(dataDir, 'logs');
  const spawnApp = (name: string, args: string[], extraEnv: Record<string, string>, cwd: string) => {
    const child = startProcess({
      name,
      command: node,
      args,
      cwd,
      logFile: join(logs, `${name}.log`),
      env: { ...env, ...extraEnv },
    });
    child.child.once('exit', (code) => {
      if (!stopping) {
        console.error(`[dev] ${name} exited (code ${code}); last log lines:\n${child.tail()}`);
        void shutdown(1);
      }
    });
    children.push(child);
    return child;
  };
  // Local development: let HTTP steps call services on this machine (production default: private networks blocked).
  spawnApp(
    'worker',
    APP_MAIN_ARGS,
    { PIPEWRIGHT_ALLOW_PRIVATE_NETWORKS: process.env.PIPEWRIGHT_ALLOW_PRIVATE_NETWORKS ?? 'true' },
    join(root, 'worker'),
  );
  spawnApp('server', APP_MAIN_ARGS, { PORT: String(serverPort) }, join(root, 'server'));
  spawnApp(
    'web',
    [join(root, 'web/node_modules/vite/bin/vite.js'), '--port', String(webPort), '--strictPort', '--host', '127.0.0.1'],
    { PIPEWRIGHT_API: `http://127.0.0.1:${serverPort}` },
    join(root, 'web'),
  );
  await waitForHttp(`http://127.0.0.1:${serverPort}/api/health`, children);
  await waitForHttp(`http://127.0.0.1:${webPort}/`, children);
  log(`
  Pipewright is running:   http://localhost:${webPort}
  API:                     http://localhost:${serverPort}/api  (OpenAPI: /api/openapi.json)
  Temporal Web UI:         ${stack.temporalUiUrl ?? '(external Temporal)'}
  Logs:                    ${logs}
  Press Ctrl-C to stop.`);
}

async function waitForHttp(url: string, children: ManagedProcess[]): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // not up yet
    }
    const dead = children.find((child) => child.child.exitCode !== null);
    if (dead) throw new Error(`${dead.name} exited while starting:\n${dead.tail()}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not answer within 120 s`);
}

main().catch((error: unknown) => {
  console.error(`[dev] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
