import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { test } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { DefaultLogger, makeTelemetryFilterString, Runtime, Worker } from '@temporalio/worker';
import { getWorkflowBundle } from '../workflow-bundle.ts';

/**
 * Histories of the one-run-at-a-time key coordinator as it was before it learned N slots (docs/adr/020), recorded
 * from that code (README.md beside them): coordinators in flight when a worker is updated must keep replaying.
 * Every execution of a continue-as-new chain is its own file.
 */
const dir = resolve(import.meta.dirname, 'key-coordinator-histories');
const EXPECTED = [
  'drop.0',
  'queue-continue-as-new.0',
  'queue-continue-as-new.1',
  'queue-continue-as-new.2',
  'queue-continue-as-new.3',
  'queue-continue-as-new.4',
  'signal-joined.0',
];

test('key coordinators recorded before N slots (queue with continue-as-new, drop, signal) replay on the current code', async () => {
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
  });
  const recorded = readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => basename(file, '.json'))
    .sort();
  assert.deepEqual(recorded, EXPECTED);
  const histories = recorded.map((name) => ({
    workflowId: name,
    history: historyFromJSON(JSON.parse(readFileSync(resolve(dir, `${name}.json`), 'utf8'))),
  }));
  const failures: string[] = [];
  const replayed: string[] = [];
  const workflowBundle = await getWorkflowBundle({ traced: false });
  for await (const result of Worker.runReplayHistories({ workflowBundle }, histories)) {
    replayed.push(result.workflowId);
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message.split('\n')[0]}`);
  }
  assert.deepEqual(failures, []);
  assert.deepEqual(replayed.sort(), EXPECTED);
});
