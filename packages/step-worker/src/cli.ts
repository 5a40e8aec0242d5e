#!/usr/bin/env node
// pipewright-step: build, publish and run a step package (run it from the package's folder).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runDev } from './dev.ts';
import { loadStepPackage } from './load-package.ts';
import { devVersion, findTaskQueue, publishManifest, type ServerTarget } from './publish.ts';

const USAGE = `pipewright-step <command> [--dir <package folder>]

  build     check the package and write dist/pipewright-manifest.json
  publish   register the manifest with the server          (PIPEWRIGHT_URL, PIPEWRIGHT_TOKEN)
  worker    run the package's steps on its own task queue  (+ TEMPORAL_ADDRESS)
  dev       publish a dev version and run the worker; both again on every change under src/

  Steps read credentials through the server (PIPEWRIGHT_URL, PIPEWRIGHT_TOKEN): the worker needs no master keys.
  Optional: PIPEWRIGHT_TASK_QUEUE (skip asking the server), TEMPORAL_NAMESPACE, MONGODB_URI + MONGODB_DB (for
  steps that produce large outputs).`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { dir: { type: 'string' }, dev: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
});
const command = positionals[0];
const dir = path.resolve(values.dir ?? process.cwd());

function serverTarget(): ServerTarget {
  const url = process.env.PIPEWRIGHT_URL ?? 'http://localhost:8080';
  const token = process.env.PIPEWRIGHT_TOKEN;
  if (!token) throw new Error('set PIPEWRIGHT_TOKEN to an API token of a developer (Settings → API tokens)');
  return { url, token };
}

async function build(): Promise<void> {
  const loaded = await loadStepPackage(dir);
  const out = path.join(dir, 'dist', 'pipewright-manifest.json');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(loaded.manifest, null, 2)}\n`);
  console.log(`built ${loaded.name}@${loaded.version}: ${describeSteps(loaded.manifest.steps)} → ${out}`);
}

async function publish(): Promise<void> {
  const loaded = await loadStepPackage(dir);
  const manifest = values.dev ? { ...loaded.manifest, version: devVersion(loaded.manifest) } : loaded.manifest;
  const result = await publishManifest(serverTarget(), manifest);
  const what = result.created ? 'published' : 'already published (unchanged)';
  console.log(
    `${what} ${result.name}@${result.version}: ${describeSteps(manifest.steps)}; task queue ${result.taskQueue}`,
  );
}

async function worker(): Promise<void> {
  const loaded = await loadStepPackage(dir);
  const taskQueue = process.env.PIPEWRIGHT_TASK_QUEUE ?? (await findTaskQueue(serverTarget(), loaded.name));
  // Loaded here only: build and publish need neither Temporal nor the worker's activities.
  const { startPackageWorker } = await import('./package-worker.ts');
  const { parseMaxResponseBytes, parseRateLimits } = await import('@pipewright/step-host');
  const { parseMetricsAddress } = await import('@pipewright/metrics');
  const { createJsonLogger, parseLogLevel } = await import('@pipewright/logging');
  const { Runtime } = await import('@temporalio/worker');
  // One JSON object a line, Temporal's lines and the steps' alike, as the core worker writes them.
  const logger = createJsonLogger(loaded.name, parseLogLevel(process.env.PIPEWRIGHT_LOG_LEVEL));
  Runtime.install({ logger });
  const metrics = parseMetricsAddress(process.env.PIPEWRIGHT_METRICS_ADDRESS);
  const { startTracing } = await import('@pipewright/tracing');
  // OpenTelemetry traces, only when an OTLP endpoint is set (OTEL_EXPORTER_OTLP_ENDPOINT).
  const tracing = startTracing(loaded.name, process.env);
  const running = await startPackageWorker({
    ...(metrics ? { metrics } : {}),
    ...(tracing ? { tracing } : {}),
    temporalAddress: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    ...(process.env.TEMPORAL_NAMESPACE ? { namespace: process.env.TEMPORAL_NAMESPACE } : {}),
    taskQueue,
    definition: loaded.definition,
    ...(process.env.MONGODB_URI
      ? { mongo: { uri: process.env.MONGODB_URI, dbName: process.env.MONGODB_DB ?? 'pipewright' } }
      : {}),
    ...(process.env.PIPEWRIGHT_TOKEN ? { server: serverTarget() } : {}),
    http: {
      allowPrivateNetworks: process.env.PIPEWRIGHT_ALLOW_PRIVATE_NETWORKS === 'true',
      maxResponseBytes: parseMaxResponseBytes(process.env.PIPEWRIGHT_HTTP_MAX_RESPONSE_BYTES),
    },
    rateLimits: parseRateLimits(process.env.PIPEWRIGHT_RATE_LIMITS),
    ...(process.env.PIPEWRIGHT_REDIS_URL ? { redisUrl: process.env.PIPEWRIGHT_REDIS_URL } : {}),
  });
  logger.info(`${loaded.name}@${loaded.version}: worker polling task queue ${running.taskQueue}`, {
    version: loaded.version,
    taskQueue: running.taskQueue,
  });
  if (running.metricsPort !== undefined) {
    logger.info(`metrics at http://${metrics?.host}:${running.metricsPort}/metrics`);
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      running.shutdown().then(
        () => void Promise.allSettled([tracing?.shutdown()]).then(() => process.exit(0)),
        (error: unknown) => {
          logger.error('the worker did not shut down cleanly', { error });
          process.exit(1);
        },
      );
    });
  }
}

function describeSteps(steps: { type: string; version: number }[]): string {
  return steps.map((step) => `${step.type}@${step.version}`).join(', ');
}

const commands: Record<string, () => Promise<void>> = {
  build,
  publish,
  worker,
  dev: () => runDev({ dir, cli: new URL(import.meta.url).pathname }),
};
const run = command === undefined ? undefined : commands[command];
if (values.help || !run) {
  console.log(USAGE);
  process.exitCode = values.help ? 0 : 1;
} else {
  try {
    await run();
  } catch (error) {
    console.error(`pipewright-step ${command}: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
