/**
 * The whole test suite (`./pw test`, which .ci/run calls): unit tests of the pure packages, integration tests on the
 * real Temporal dev server + FerretDB, and the Chromium e2e suite — with ONE embedded stack started for the suite
 * and shared by every test file through TEMPORAL_ADDRESS / MONGODB_URI.
 *
 *   node scripts/test.ts            everything
 *   node scripts/test.ts --unit     pure packages only (no services)
 *   node scripts/test.ts --e2e      e2e only
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, globSync } from 'node:fs';
import { resolve } from 'node:path';
import { ensureComposeCli, ensureFerretDb, ensureTemporalCli, startStack } from '../packages/devstack/src/index.ts';

const root = resolve(import.meta.dirname, '..');
const only = process.argv.includes('--unit') ? 'unit' : process.argv.includes('--e2e') ? 'e2e' : 'all';

const unitFiles = globSync('packages/*/src/**/*.test.ts', { cwd: root }).concat(
  globSync('web/src/**/*.test.ts', { cwd: root }),
);
const integrationFiles = globSync('{worker,server}/src/**/*.test.ts', { cwd: root }).concat(
  globSync('packages/devstack/src/**/*.test.ts', { cwd: root }),
  // The connectors, against this machine's local PostgreSQL, MariaDB, Redis, RabbitMQ, Mosquitto and NATS.
  globSync('packages/connectors/*/src/**/*.test.ts', { cwd: root }),
);
const e2eFiles = globSync('e2e/src/**/*.spec.ts', { cwd: root });
const files =
  only === 'unit'
    ? unitFiles.filter((f) => !f.startsWith('packages/devstack'))
    : only === 'e2e'
      ? e2eFiles
      : [...unitFiles, ...integrationFiles, ...e2eFiles];

const started = Date.now();
const env: Record<string, string> = { ...(process.env as Record<string, string>) };
let stopStack = async () => {};
if (only !== 'unit') {
  ensureTemporalCli();
  ensureFerretDb();
  if (only === 'all') ensureComposeCli();
  if (only === 'all' || only === 'e2e') {
    ensureChromium();
    buildWeb();
  }
  const stack = await startStack({ ephemeral: true, freePorts: true, log: (line) => console.error(line) });
  env.TEMPORAL_ADDRESS = stack.temporalAddress;
  env.MONGODB_URI = stack.mongoUri;
  stopStack = stack.stop;
  console.error(`[test] stack ready: Temporal ${stack.temporalAddress}, MongoDB ${stack.mongoUri}`);
}

const child = spawn(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=2', ...files.sort()], {
  cwd: root,
  env,
  stdio: 'inherit',
});
const code: number = await new Promise((done) => child.once('exit', (exitCode) => done(exitCode ?? 1)));
await stopStack();
console.error(`[test] ${files.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(code);

/**
 * The browser tests drive Debian's Chromium (never a browser download of Playwright's own).  A fresh machine does
 * not have it: install it from Debian's packages when we can (root, apt-get), else say what to do.
 */
function ensureChromium(): void {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(path)) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) {
    throw new Error(`Chromium not found at ${path}: install Debian's chromium package or set CHROMIUM_PATH`);
  }
  console.error('[test] installing Chromium from Debian packages (first run only)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', 'chromium'],
  ]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed`);
  }
}

function buildWeb(): void {
  const result = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], {
    cwd: resolve(root, 'web'),
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('web build failed');
}
