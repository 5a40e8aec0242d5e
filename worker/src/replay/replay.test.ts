import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { test } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { getWorkflowBundle } from '../workflow-bundle.ts';

/**
 * Replays recorded histories of representative runs (e2e/src/tools/record-histories.ts) against the current workflow
 * code.  A change to the interpreter or the workflow that would break runs in flight — a reordered activity, a
 * changed timer, a new command without `patched()` — fails here, before it reaches a worker in production.
 */
const dir = resolve(import.meta.dirname, 'histories');
const files = readdirSync(dir).filter((file) => file.endsWith('.json'));

test('recorded histories replay against the current workflow code', async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  assert.ok(files.length >= 3, 'the representative histories are recorded');
  const histories = files.map((file) => ({
    workflowId: basename(file, '.json'),
    history: historyFromJSON(JSON.parse(readFileSync(resolve(dir, file), 'utf8'))),
  }));
  const workflowBundle = await getWorkflowBundle();
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle }, histories)) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  assert.deepEqual(failures, []);
});
