/**
 * The whole check (`./pw test`, which .ci/run calls): type-check, lint, then every test — unit tests of the pure
 * packages, integration tests on the real Temporal dev server + FerretDB, and the Chromium e2e suite — with ONE
 * embedded stack started for the suite and shared by every test file through TEMPORAL_ADDRESS / MONGODB_URI.
 * Each phase that fails fails the run; later phases still run, so one CI run reports everything.
 *
 *   node scripts/test.ts              typecheck + lint + every test
 *   node scripts/test.ts --unit       pure packages only (no services, no typecheck/lint)
 *   node scripts/test.ts --e2e        e2e only
 *   node scripts/test.ts mutation     mutation testing of the pure packages (slow; not in CI)
 *
 * No test can hang the suite: every test and hook has a timeout (PIPEWRIGHT_TEST_TIMEOUT_MS), a test file whose
 * tests are done is ended even if it left handles open, every process a test file starts is killed with the
 * runner's process group when the tests end, and the whole run has a ceiling (PIPEWRIGHT_SUITE_TIMEOUT_MIN).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { globSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  ensureComposeCli,
  ensureDebianPackage,
  ensureFerretDb,
  ensureTemporalCli,
  ensureTemporalServer,
  HAPROXY_PATH,
  startStack,
} from '../packages/devstack/src/index.ts';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);

if (args[0] === 'mutation') {
  const result = spawnSync(process.execPath, [resolve(root, 'scripts/mutation.ts'), ...args.slice(1)], {
    cwd: root,
    stdio: 'inherit',
  });
  process.exit(result.status ?? 1);
}

const only = args.includes('--unit') ? 'unit' : args.includes('--e2e') ? 'e2e' : 'all';
/** Per test and per hook: long enough for the slowest real-stack test on a busy 2-core machine, short of a hang. */
const testTimeoutMs = Number(process.env.PIPEWRIGHT_TEST_TIMEOUT_MS ?? 240_000);
/** The whole run, setup included: CI's own limit is 90 minutes; a stuck run must fail well before it. */
const suiteTimeoutMin = Number(process.env.PIPEWRIGHT_SUITE_TIMEOUT_MIN ?? 60);

// Packages whose tests need the stack (Temporal, FerretDB) run with the integration tests.
const needsStack = (file: string) => /^packages\/(devstack|step-host)\//.test(file);
const unitFiles = globSync('packages/*/src/**/*.test.ts', { cwd: root })
  .filter((file) => !needsStack(file))
  .concat(globSync('web/src/**/*.test.ts', { cwd: root }));
const integrationFiles = globSync('{worker,server}/src/**/*.test.ts', { cwd: root }).concat(
  globSync('packages/{devstack,step-host}/src/**/*.test.ts', { cwd: root }),
  // The connectors, against this machine's local PostgreSQL, MariaDB, Redis, RabbitMQ, Mosquitto and NATS.
  globSync('packages/connectors/*/src/**/*.test.ts', { cwd: root }),
);
const e2eFiles = globSync('e2e/src/**/*.spec.ts', { cwd: root });
const files =
  only === 'unit' ? unitFiles : only === 'e2e' ? e2eFiles : [...unitFiles, ...integrationFiles, ...e2eFiles];

const started = Date.now();
const phases: { name: string; ok: boolean; seconds: number }[] = [];
let running: ChildProcess | undefined;
let stopStack = async () => {};

// Ctrl-C, CI's own kill, or our ceiling: stop every process this run started, then the stack.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void abort(`received ${signal}`));
}
const ceiling = setTimeout(
  () => void abort(`the suite ran past its ${suiteTimeoutMin}-minute limit (PIPEWRIGHT_SUITE_TIMEOUT_MIN)`),
  suiteTimeoutMin * 60_000,
);
ceiling.unref();

if (only === 'all') {
  await phase('typecheck', [resolve(root, 'scripts/typecheck.ts')]);
  await phase('lint: biome', [resolve(root, 'node_modules/@biomejs/biome/bin/biome'), 'check', '.']);
  await phase('lint: eslint', [
    '--max-old-space-size=8192',
    resolve(root, 'node_modules/eslint/bin/eslint.js'),
    '--max-warnings=0',
    '.',
  ]);
  await phase('lint: import cycles', [resolve(root, 'scripts/import-cycles.ts')]);
  await phase('lint: package boundaries', [resolve(root, 'scripts/package-boundaries.ts')]);
  await phase('lint: folder rules', [resolve(root, 'scripts/folder-rules.ts')]);
}

const env: Record<string, string> = { ...(process.env as Record<string, string>) };
const setupStarted = Date.now();
if (only !== 'unit') {
  ensureTemporalCli();
  ensureFerretDb();
  // The cluster suite (e2e/src/cluster.spec.ts, ./pw cluster's shape): the Temporal server and HAProxy.
  ensureTemporalServer();
  ensureDebianPackage({ path: HAPROXY_PATH, pkg: 'haproxy' });
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
phases.push({ name: 'setup (binaries, web build, stack)', ok: true, seconds: (Date.now() - setupStarted) / 1000 });

await phase(
  `tests (${files.length} files)`,
  [
    '--test',
    '--test-reporter=spec',
    '--test-concurrency=2',
    `--test-timeout=${testTimeoutMs}`,
    // A file whose process does not exit after its tests (a leaked handle) fails instead of hanging the run.
    '--import',
    resolve(root, 'scripts/test-file-watchdog.ts'),
    // Not --test-force-exit: it ends a file as soon as the tests it knows of are done, and silently drops tests the
    // file registers later (after a top-level await), which made the suite's test count vary from run to run.
    ...files.sort(),
  ],
  env,
);
await stopStack();
finish();

/**
 * Runs `node <argv>` in a process group of its own, so that whatever it starts — test files, and the workers,
 * servers and CLIs they spawn — can be killed together when it ends, passed or failed.
 */
async function phase(name: string, argv: string[], childEnv: NodeJS.ProcessEnv = process.env): Promise<void> {
  const phaseStarted = Date.now();
  console.error(`[test] ${name}`);
  const child = spawn(process.execPath, argv, { cwd: root, env: childEnv, stdio: 'inherit', detached: true });
  running = child;
  const code: number = await new Promise((done) => child.once('exit', (exitCode) => done(exitCode ?? 1)));
  running = undefined;
  killGroup(child);
  phases.push({ name, ok: code === 0, seconds: (Date.now() - phaseStarted) / 1000 });
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // ESRCH: nothing left in the group.
  }
}

async function abort(reason: string): Promise<void> {
  console.error(`[test] stopping: ${reason}`);
  if (running) killGroup(running);
  await stopStack().catch(() => {});
  phases.push({ name: `aborted: ${reason}`, ok: false, seconds: 0 });
  finish();
}

function finish(): never {
  console.error('[test] summary');
  for (const { name, ok, seconds } of phases) {
    console.error(`[test]   ${ok ? 'ok  ' : 'FAIL'} ${name} — ${seconds.toFixed(1)} s`);
  }
  console.error(`[test] total ${((Date.now() - started) / 60_000).toFixed(1)} min`);
  process.exit(phases.every((entry) => entry.ok) ? 0 : 1);
}

/** The browser tests drive Debian's Chromium (never a browser download of Playwright's own). */
function ensureChromium(): void {
  ensureDebianPackage({ path: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', pkg: 'chromium' });
}

function buildWeb(): void {
  const result = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], {
    cwd: resolve(root, 'web'),
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('web build failed');
}
