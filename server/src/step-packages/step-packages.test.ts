/**
 * The developer's path end to end, on the real stack: scaffold a step package with the CLI into a temp folder,
 * install it, run its tests, type-check and build it, publish it with an API token, start its worker (a
 * child process on the package's own task queue), and run a flow that uses the step.  Then: a run that needs a
 * stopped package worker waits and finishes when the worker is back; a new step version leaves pinned flows alone
 * until a builder upgrades the node (the step's migrate runs in the package worker).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type {
  FlowDetail,
  PublishStepPackageResponse,
  RunDetail,
  StartRunResponse,
  StepPackageView,
} from '@pipewright/api-contract';
import { getTestStack } from '@pipewright/devstack';
import type { StepManifest } from '@pipewright/step-sdk';
import {
  awaitRun,
  createSignedInAgent,
  type Harness,
  type SignedInUser,
  startHarness,
  waitFor,
  within,
} from '../test-support.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TOOLS_BIN = path.join(ROOT, '.tools/bin');
const CREATE_CLI = path.join(ROOT, 'packages/create-pipewright-step/src/cli.ts');
const STEP_CLI = path.join(ROOT, 'packages/step-worker/src/cli.ts');

let harness: Harness;
let server: Server;
let tmp: string;
let developer: SignedInUser;
let builder: SignedInUser & { agent(): ReturnType<Harness['api']> };
let env: NodeJS.ProcessEnv;
let packageDir: string;
let worker: ChildProcess | undefined;

before(async () => {
  harness = await startHarness({ worker: true });
  server = harness.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  developer = await createSignedInAgent(harness, { role: 'developer' });
  builder = await createSignedInAgent(harness, { role: 'builder' });
  tmp = await mkdtemp(path.join(tmpdir(), 'pw-step-package-'));
  packageDir = path.join(tmp, 'my-steps');
  // A developer's shell: without the runner's NODE_TEST_CONTEXT (so the package's own `node --test` reports on its
  // stdout) and without CI (a developer's first `pnpm install` has no lockfile to freeze).
  const { NODE_TEST_CONTEXT: _runner, CI: _ci, ...inherited } = process.env;
  env = {
    ...inherited,
    PATH: `${TOOLS_BIN}${path.delimiter}${process.env.PATH ?? ''}`,
    PIPEWRIGHT_URL: `http://127.0.0.1:${port}`,
    PIPEWRIGHT_TOKEN: developer.token,
    TEMPORAL_ADDRESS: (await getTestStack()).temporalAddress,
  };
});

after(async () => {
  await stopWorker();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await harness?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** What the developer types, in their package folder, with the project's Node and pnpm on PATH. */
async function sh(command: string, args: string[]): Promise<string> {
  const { stdout } = await run(command, args, { cwd: packageDir, env, timeout: 120_000 });
  return stdout;
}

/** Lines the package worker prints once it polls its queue, in order (`dev` restarts it: one line per start). */
let pollingLines: { version: string; queue: string }[] = [];
let onPolling: (() => void) | undefined;

/**
 * `pnpm worker` (or `pnpm dev`), as a child process whose output we read: resolves once it polls its task queue.
 * `dev` runs the worker as its own child with inherited stdio, so its lines arrive here too.
 */
async function startWorker(command: 'worker' | 'dev' = 'worker'): Promise<string> {
  const child = spawn(process.execPath, [STEP_CLI, command], { cwd: packageDir, env, stdio: 'pipe' });
  worker = child;
  pollingLines = [];
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    // The worker logs JSON lines: its "polling" line carries the package version and the task queue as fields.
    pollingLines = output
      .split('\n')
      .slice(0, -1) // the last piece may be a line still being written
      .filter((line) => line.includes('worker polling task queue'))
      .map((line) => JSON.parse(line) as { version: string; taskQueue: string })
      .map((line) => ({ version: line.version, queue: line.taskQueue }));
    onPolling?.();
  });
  return within(
    `the package worker (pipewright-step ${command}) to poll its task queue`,
    nextPolling(0, () => output),
    120_000,
  );
  function nextPolling(count: number, log: () => string): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const line = pollingLines[count];
        if (line) resolve(line.queue);
      };
      onPolling = check;
      check();
      child.once('exit', (code) => reject(new Error(`package worker exited (${code}): ${log()}`)));
    });
  }
}

/** Resolves when the worker has printed its polling line `count + 1` times (after a `dev` restart). */
function pollingCount(count: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (pollingLines.length > count) resolve();
    };
    onPolling = check;
    check();
  });
}

/** SIGTERM (the worker drains), then SIGKILL if it has not exited within 15 s: a stuck worker never hangs the file. */
async function stopWorker(): Promise<void> {
  const child = worker;
  worker = undefined;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const forced = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(forced);
}

const greetFlow = (typeVersion: number, config: Record<string, unknown>) => ({
  schemaVersion: 1,
  nodes: [
    { id: 'start', type: 'core.manual', typeVersion: 1, position: { x: 0, y: 0 }, config: {} },
    { id: 'hello', type: 'my-steps.greet', typeVersion, position: { x: 240, y: 0 }, config },
  ],
  edges: [{ id: 'e1', source: 'start', target: 'hello' }],
});

async function startRun(flowId: string, name: string): Promise<string> {
  const started = await builder.agent().post(`/api/flows/${flowId}/runs`).send({ payload: { name } }).expect(202);
  return (started.body as StartRunResponse).runId;
}

async function finishedRun(runId: string): Promise<RunDetail> {
  await awaitRun(harness.temporal, runId);
  return (await builder.agent().get(`/api/runs/${runId}`).expect(200)).body as RunDetail;
}

async function catalogStep(type: string): Promise<StepManifest | undefined> {
  const body = (await builder.agent().get('/api/catalog').expect(200)).body as { steps: StepManifest[] };
  return body.steps.find((step) => step.type === type);
}

let flowV1: FlowDetail | undefined;

/** Every later test builds on the scaffolded, published package: without it they would only fail again, slower. */
function needsPackage(t: TestContext): FlowDetail | undefined {
  if (!flowV1) t.skip('needs the package the first test scaffolds and publishes, and that test failed');
  return flowV1;
}

describe('a developer publishes a step package', () => {
  test('scaffold → test → build → publish → worker → a flow runs the new step', async () => {
    const startedAt = performance.now();
    await run(process.execPath, [CREATE_CLI, packageDir], { env });
    // The SDK and CLI are linked from this checkout; typescript and @types/node come from the pnpm store the
    // project's own install filled, or from the registry where that store is empty (a machine's first run).
    await sh('pnpm', ['install', '--prefer-offline']);
    assert.match(await sh('pnpm', ['test']), /pass 4/);
    await sh('pnpm', ['typecheck']);
    assert.match(await sh('pnpm', ['build']), /built my-steps@0\.1\.0: my-steps\.greet@1/);
    const published = await sh('pnpm', ['run', 'publish']);
    const queue = `pkg.${developer.workspaceId}.my-steps`;
    assert.match(published, new RegExp(`published my-steps@0\\.1\\.0: my-steps\\.greet@1; task queue ${queue}`));
    assert.equal(await startWorker(), queue);

    const step = await catalogStep('my-steps.greet');
    assert.deepEqual(step?.package, { name: 'my-steps', version: '0.1.0', live: true });
    assert.equal(step?.taskQueue, queue);
    assert.deepEqual(step?.credentials, { api: 'my-steps.apiKey' });

    const created = await builder
      .agent()
      .post('/api/flows')
      .send({ name: 'Greeter', document: greetFlow(1, { name: '{{ trigger.body.name }}', excited: true }) })
      .expect(201);
    const flow = created.body as FlowDetail;
    const finished = await finishedRun(await startRun(flow.id, 'Ada'));
    assert.equal(finished.status, 'succeeded', JSON.stringify(finished.error));
    assert.deepEqual(finished.nodes.hello?.output, { message: 'Hello, Ada!', delivered: false });
    flowV1 = flow;
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
    console.log(`[step-packages] scaffold → first successful run of my-steps.greet: ${seconds} s`);
  });

  test('the package list shows versions, queue and a live worker; publishing is idempotent and immutable', async (t) => {
    if (!needsPackage(t)) return;
    const list = (await builder.agent().get('/api/step-packages').expect(200)).body as { items: StepPackageView[] };
    assert.deepEqual(
      list.items.map((item) => [item.name, item.version, item.versions, item.live, item.credentialTypes]),
      [['my-steps', '0.1.0', ['0.1.0'], true, ['my-steps.apiKey']]],
    );
    const manifest = JSON.parse(await readFile(path.join(packageDir, 'dist/pipewright-manifest.json'), 'utf8')) as {
      steps: StepManifest[];
    };
    const api = () => harness.api().set('authorization', `Bearer ${developer.token}`);
    const again = await api().post('/api/step-packages').send(manifest).expect(200);
    assert.equal((again.body as PublishStepPackageResponse).created, false);
    const changed = { ...manifest, steps: manifest.steps.map((step) => ({ ...step, title: 'Greet!' })) };
    const conflict = await api().post('/api/step-packages').send(changed).expect(409);
    assert.match(conflict.text, /already published with other content; bump the package version/);
    const steal = {
      ...manifest,
      name: 'other',
      steps: manifest.steps.map((step) => ({ ...step, type: 'http.request' })),
    };
    const stolen = await api().post('/api/step-packages').send(steal).expect(409);
    assert.match((stolen.body as { error: { message: string } }).error.message, /"http.request" is built in/);
    await builder.agent().post('/api/step-packages').send(manifest).expect(403);
  });

  test('a run that needs a stopped package worker waits, and finishes once the worker is back', async (t) => {
    const flow = needsPackage(t);
    if (!flow) return;
    await stopWorker();
    const runId = await startRun(flow.id, 'Bo');
    const handle = harness.temporal.workflow.getHandle(runId);
    // The step's activity sits on the package's queue: scheduled, never started, never failed.
    const pending = await waitFor(`a pending activity in run ${runId}`, async () => {
      const activity = (await handle.describe()).raw.pendingActivities?.[0];
      return activity ?? undefined;
    });
    assert.equal(pending.state, 1, 'PENDING_ACTIVITY_STATE_SCHEDULED');
    assert.equal(pending.lastFailure ?? null, null);
    const waiting = (await builder.agent().get(`/api/runs/${runId}`).expect(200)).body as RunDetail;
    assert.deepEqual([waiting.status, waiting.nodes.hello?.status, waiting.error], ['running', 'running', null]);

    await startWorker();
    const finished = await finishedRun(runId);
    assert.equal(finished.status, 'succeeded');
    assert.deepEqual(finished.nodes.hello?.output, { message: 'Hello, Bo!', delivered: false });
  });

  test('a new step version leaves pinned flows alone until a builder upgrades the node with its migrate', async (t) => {
    const flow = needsPackage(t);
    if (!flow) return;
    // v2 of the step renames `name` to `person`, with a migrate; the package goes to 0.2.0.
    const stepFile = path.join(packageDir, 'src/greet.step.ts');
    const source = await readFile(stepFile, 'utf8');
    const v2 = source
      .replace('version: 1,', 'version: 2,')
      .replace('name: z.string().min(1),', 'person: z.string().min(1),')
      .replace("name: { label: 'Name'", "person: { label: 'Person'")
      .replaceAll('input.name', 'input.person')
      .replace(
        '  async run(input, ctx) {',
        '  migrate(old, fromVersion) {\n    return fromVersion < 2 ? { ...old, person: old.name, name: undefined } : old;\n  },\n  async run(input, ctx) {',
      );
    await writeFile(stepFile, v2);
    const packageJson = path.join(packageDir, 'package.json');
    await writeFile(
      packageJson,
      (await readFile(packageJson, 'utf8')).replace('"version": "0.1.0"', '"version": "0.2.0"'),
    );
    await stopWorker();
    assert.match(await sh('pnpm', ['run', 'publish']), /published my-steps@0\.2\.0: my-steps\.greet@2/);
    await startWorker();

    const current = await catalogStep('my-steps.greet');
    assert.deepEqual([current?.version, current?.migratable, current?.package?.version], [2, true, '0.2.0']);
    // The v1 flow still compiles (pinned) and runs on the v2 worker, its input migrated on the way.
    const pinned = await finishedRun(await startRun(flow.id, 'Cy'));
    assert.equal(pinned.status, 'succeeded', JSON.stringify(pinned.error));
    assert.deepEqual(pinned.nodes.hello?.output, { message: 'Hello, Cy!', delivered: false });

    const upgraded = await builder
      .agent()
      .post('/api/catalog/migrate')
      .send({ type: 'my-steps.greet', fromVersion: 1, toVersion: 2, config: { name: '{{ trigger.body.name }}' } })
      .expect(200);
    assert.deepEqual(upgraded.body, { config: { person: '{{ trigger.body.name }}' } });
    await builder
      .agent()
      .post('/api/catalog/migrate')
      .send({ type: 'my-steps.greet', fromVersion: 2, toVersion: 3, config: {} })
      .expect(422);
  });
});

describe('pipewright-step dev', () => {
  test('publishes a dev version, runs the worker, and reloads both when a step file changes', async (t) => {
    if (!needsPackage(t)) return;
    await stopWorker();
    await startWorker('dev');
    const first = await catalogStep('my-steps.greet');
    assert.match(first?.package?.version ?? '', /^0\.2\.0-dev\.[0-9a-f]{10}$/);

    const stepFile = path.join(packageDir, 'src/greet.step.ts');
    const edited = (await readFile(stepFile, 'utf8'))
      .replace('`Hello, ', '`Howdy, ')
      .replace("title: 'Greet',", "title: 'Greet (edited)',");
    const restarted = pollingCount(1);
    await writeFile(stepFile, edited);
    await within('the dev worker to restart after the step file changed', restarted, 120_000);

    const current = await catalogStep('my-steps.greet');
    assert.equal(current?.title, 'Greet (edited)');
    assert.notEqual(current?.package?.version, first?.package?.version, 'an edited manifest is a new dev version');
    const flow = await builder
      .agent()
      .post('/api/flows')
      .send({ name: 'Dev loop', document: greetFlow(2, { person: '{{ trigger.body.name }}' }) })
      .expect(201);
    const finished = await finishedRun(await startRun((flow.body as FlowDetail).id, 'Di'));
    assert.deepEqual(finished.nodes.hello?.output, { message: 'Howdy, Di.', delivered: false });
  });
});
