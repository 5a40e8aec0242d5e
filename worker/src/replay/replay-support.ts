import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultPayloadConverter } from '@temporalio/common';
import type { History, Payload } from '@temporalio/common/lib/proto-utils.js';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { quietBundlerLogger, workflowsPath, writeBundleFile } from '../workflow-bundle-build.ts';

const interceptorPath = fileURLToPath(new URL('./outcome-interceptor.ts', import.meta.url));
const require = createRequire(import.meta.url);

/**
 * The workflow bundle with outcome-interceptor.ts added, cached on disk under a hash of everything it is built from
 * (as workflow-bundle.ts caches the plain one), so a rerun skips the few seconds webpack takes.
 */
export async function getReplayBundle(): Promise<WorkflowBundle> {
  const cachePath = join(tmpdir(), `pipewright-replay-bundle-${await sourceHash()}.js`);
  try {
    return { code: await readFile(cachePath, 'utf8') };
  } catch {
    // not cached yet
  }
  const built = await bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules: [interceptorPath],
    logger: quietBundlerLogger,
  });
  await writeBundleFile(cachePath, built.code);
  return built;
}

async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  const sourceDirs = [
    dirname(workflowsPath),
    dirname(fileURLToPath(import.meta.resolve('@pipewright/run-contract'))),
    dirname(fileURLToPath(import.meta.resolve('@pipewright/runtime'))),
    dirname(fileURLToPath(import.meta.resolve('@pipewright/expression'))),
    dirname(fileURLToPath(import.meta.resolve('@pipewright/compiler'))),
  ];
  for (const dir of sourceDirs) {
    const files = (await readdir(dir, { recursive: true }))
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .sort();
    for (const file of files) {
      hash.update(`${dir}/${file}\0`);
      hash.update(await readFile(join(dir, file)));
    }
  }
  hash.update(await readFile(interceptorPath));
  for (const manifest of ['@temporalio/workflow/package.json', '@temporalio/worker/package.json']) {
    hash.update(await readFile(require.resolve(manifest)));
  }
  return hash.digest('hex').slice(0, 16);
}

export type Outcome = { ended: 'completed' | 'failed'; value: unknown };

/** How the recorded run ended: its result, or the details of its failure (a failed run's final state). */
export function recordedOutcome(history: History): Outcome | undefined {
  const last = history.events?.at(-1);
  const completed = last?.workflowExecutionCompletedEventAttributes;
  if (completed) return { ended: 'completed', value: decode(completed.result?.payloads?.[0]) };
  const failure = last?.workflowExecutionFailedEventAttributes?.failure;
  if (failure) return { ended: 'failed', value: decode(failure.applicationFailureInfo?.details?.payloads?.[0]) };
  return undefined;
}

const decode = (payload: Payload | null | undefined): unknown =>
  payload ? (defaultPayloadConverter.fromPayload(payload) ?? null) : null;

/**
 * Whether the replayed outcome is the recorded one, compared on what a user sees — per node: status, output, error;
 * and the run's status and error — so a field added to the run state does not read as a broken run.  Anything else
 * (a loop chunk's result) is compared whole.  Undefined when equal, else where they differ.
 */
export function outcomeDifference(recorded: Outcome, replayed: Outcome | undefined): string | undefined {
  if (!replayed) return `the replay reported no outcome; the run ${recorded.ended}`;
  if (replayed.ended !== recorded.ended) return `the run ${recorded.ended}, its replay ${replayed.ended}`;
  // Through JSON, as the recorded outcome went: undefined fields drop out on both sides.
  const asRecorded = (outcome: Outcome) => visible(JSON.parse(JSON.stringify(outcome.value) ?? 'null'));
  const found: string[] = [];
  collectDifferences(asRecorded(replayed), asRecorded(recorded), 'outcome', found);
  if (found.length === 0) return undefined;
  const more = found.length > 3 ? `; and ${found.length - 3} more` : '';
  return `it ends differently than recorded: ${found.slice(0, 3).join('; ')}${more}`;
}

/** Every path where two JSON values differ, with both values (shortened). */
function collectDifferences(actual: unknown, expected: unknown, path: string, found: string[]): void {
  if (isRecord(actual) && isRecord(expected)) {
    for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
      collectDifferences(actual[key], expected[key], `${path}.${key}`, found);
    }
  } else if (Array.isArray(actual) && Array.isArray(expected)) {
    for (let index = 0; index < Math.max(actual.length, expected.length); index++) {
      collectDifferences(actual[index], expected[index], `${path}[${index}]`, found);
    }
  } else if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    found.push(`${path} is ${shorten(actual)}, recorded ${shorten(expected)}`);
  }
}

const shorten = (value: unknown): string => {
  const json = JSON.stringify(value) ?? 'undefined';
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
};

function visible(value: unknown): unknown {
  if (!isRecord(value) || !isRecord(value.nodes)) return value;
  const nodes = Object.entries(value.nodes).map(([id, node]) =>
    isRecord(node) ? [id, { status: node.status, output: node.output, error: node.error }] : [id, node],
  );
  return { status: value.status, error: value.error, nodes: Object.fromEntries(nodes) };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
