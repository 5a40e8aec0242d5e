import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  getTestStack,
  hostAndPort,
  type OutageProxy,
  startOutageProxy,
  uniqueName,
  waitFor,
} from '@pipewright/devstack';
import {
  failureCountsOf,
  RUN_FAILURE_COUNTS_COLLECTION,
  RUN_FAILURES_COLLECTION,
  RUN_ROLLUP_COLLECTION,
  RUN_STEP_ROLLUP_COLLECTION,
  type RunReport,
} from '@pipewright/operations';
import { type Db, MongoClient } from 'mongodb';
import { RunReportWriter } from './run-report-writer.ts';
import { type RollupWrite, RunRollupStore } from './run-rollup-store.ts';

let proxy: OutageProxy;
let direct: MongoClient;
let viaProxy: MongoClient;
let db: Db;

before(async () => {
  const stack = await getTestStack();
  proxy = await startOutageProxy(hostAndPort(stack.mongoUri));
  direct = await new MongoClient(stack.mongoUri).connect();
  viaProxy = await new MongoClient(`mongodb://${proxy.address}/`, { serverSelectionTimeoutMS: 1_000 }).connect();
  db = viaProxy.db(uniqueName('reports'));
});
after(async () => {
  await proxy?.up();
  await direct?.db(db.databaseName).dropDatabase();
  await Promise.allSettled([viaProxy?.close(), direct?.close()]);
  await proxy?.close();
});

/** One time for every report, so they share a minute slot. */
const endedAt = Date.now();
const report = (runId: string, status: 'succeeded' | 'failed'): RunReport => ({
  runId,
  workspaceId: 'ws_writer',
  flowId: 'flow_1',
  version: 1,
  trigger: 'webhook',
  status,
  startedAt: endedAt - 100,
  triggeredAt: endedAt - 100,
  endedAt,
  steps: [
    {
      nodeId: 'call',
      stepType: 'http.request',
      title: 'Call',
      durationMs: 80,
      attempts: 1,
      retries: 0,
      failed: status === 'failed',
      rateLimitWaitMs: 0,
    },
  ],
  ...(status === 'failed'
    ? { failure: { nodeId: 'call', nodeType: 'http.request', nodeTitle: 'Call', errorMessage: 'answered 500' } }
    : {}),
});

test('a flush that fails while the database is down keeps its reports, logs, and writes them once it is back', async () => {
  const warnings: string[] = [];
  const writer = new RunReportWriter({
    db,
    connectorOf: () => 'http',
    log: { warn: (message) => warnings.push(message) },
    flushEveryMs: 60_000,
  });
  try {
    await proxy.down();
    writer.add(report('run_a', 'succeeded'));
    writer.add(report('run_b', 'failed'));
    await writer.flush();
    assert.ok(
      warnings.some((message) => /could not be written/.test(message)),
      warnings.join('\n'),
    );

    await proxy.up();
    writer.add(report('run_b', 'failed')); // the same run reported twice (a workflow task ran again)
    const seen = direct.db(db.databaseName);
    // The driver may need a moment to reconnect: each flush that fails keeps the reports for the next.
    await waitFor('the reports to be written once the database is back', async () => {
      await writer.flush();
      return (await seen.collection(RUN_ROLLUP_COLLECTION).countDocuments({ grain: 'minute' })) > 0 ? true : undefined;
    });
    const failures = await seen.collection(RUN_FAILURES_COLLECTION).find({}).toArray();
    assert.deepEqual(
      failures.map((failure) => failure._id),
      ['run_b'],
      'one failure document per failed run',
    );
    const counts = await seen.collection<{ _id: string }>(RUN_FAILURE_COUNTS_COLLECTION).findOne({ _id: 'ws_writer' });
    assert.deepEqual(failureCountsOf(counts).flows, new Map([['flow_1', 1]]), 'the failed-runs queue counts it once');
    const rollups = await seen.collection(RUN_ROLLUP_COLLECTION).find({ grain: 'minute' }).toArray();
    const counters = JSON.stringify(rollups);
    assert.match(counters, /"ok":1/, 'the run that succeeded is counted once');
    assert.match(counters, /"ko":2/, 'counts are for dashboards: a repeated report counts again');
  } finally {
    await writer.close();
  }
});

test('a flush that fails half way applies only the rest when tried again: nothing is counted twice', async () => {
  const seen = direct.db(uniqueName('reports-half'));
  /** Its second upsert fails once, after the first was applied. */
  class FailingOnce extends RunRollupStore {
    applied = 0;
    failed = false;
    override async applyOne(write: RollupWrite): Promise<void> {
      if (this.applied === 1 && !this.failed) {
        this.failed = true;
        throw new Error('connection reset');
      }
      await super.applyOne(write);
      this.applied++;
    }
  }
  const store = new FailingOnce(seen);
  const warnings: string[] = [];
  const writer = new RunReportWriter({
    db: seen,
    store,
    connectorOf: () => 'http',
    log: { warn: (message) => warnings.push(message) },
    flushEveryMs: 60_000,
  });
  try {
    writer.add(report('run_h1', 'succeeded'));
    writer.add(report('run_h2', 'failed'));
    await writer.flush();
    assert.equal(store.failed, true, 'the second upsert failed');
    assert.ok(warnings.some((message) => /trying again/.test(message)));
    await writer.flush();
    // Four upserts (two grains × runs and steps), each applied once.
    assert.equal(store.applied, 4);
    const minute = JSON.stringify(await seen.collection(RUN_ROLLUP_COLLECTION).find({ grain: 'minute' }).toArray());
    assert.match(minute, /"ok":1/);
    assert.match(minute, /"ko":1/);
    const stepDocs = await seen.collection(RUN_STEP_ROLLUP_COLLECTION).find({}).toArray();
    assert.equal(stepDocs.length, 2, 'a minute and an hour document');
    for (const doc of stepDocs) {
      assert.match(JSON.stringify(doc), /"x":2\b/, `both runs’ step executions, once, in ${String(doc._id)}`);
    }
  } finally {
    await writer.close();
    await seen.dropDatabase();
  }
});
