import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { getTestStack, uniqueName } from '@pipewright/devstack';
import { type Db, MongoClient } from 'mongodb';
import { type FailureRecord, FailuresRepository } from './failures.repository.ts';

let mongo: MongoClient;
let db: Db;
let repository: FailuresRepository;
before(async () => {
  const stack = await getTestStack();
  mongo = await new MongoClient(stack.mongoUri).connect();
  db = mongo.db(uniqueName('failures'));
  repository = new FailuresRepository(db);
  await repository.ensureIndexes();
});
after(async () => {
  await db?.dropDatabase().catch(() => {});
  await mongo?.close();
});

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
function failure(id: string, fields: Partial<FailureRecord> = {}): FailureRecord {
  return {
    _id: id,
    workspaceId: 'ws_a',
    flowId: 'flw_a',
    version: 1,
    trigger: 'webhook',
    startedAt: at(0),
    failedAt: at(1),
    nodeId: 'call',
    nodeType: 'http.request',
    nodeTitle: 'Call',
    errorMessage: 'POST answered 500',
    errorGroup: 'g500',
    ...fields,
  };
}

test('groups count unresolved failures per cause and flow, with first and last seen and the newest as sample', async () => {
  await repository.upsert(failure('run_1', { failedAt: at(1) }));
  await repository.upsert(failure('run_2', { failedAt: at(5), errorMessage: 'newest', errorCode: 'http_500' }));
  await repository.upsert(failure('run_3', { failedAt: at(3), flowId: 'flw_b' }));
  await repository.upsert(failure('run_4', { failedAt: at(2), errorGroup: 'gdns' }));
  await repository.upsert(failure('run_5', { workspaceId: 'ws_other' }));
  await repository.upsert(failure('run_6', { failedAt: at(9) }));
  assert.equal(
    await repository.claim('ws_a', 'run_6', { kind: 'dismissed', by: { userId: 'u', email: null }, at: at(10) }),
    true,
  );

  const rows = await repository.groups('ws_a', undefined);
  const byKey = new Map(rows.map((row) => [`${row.errorGroup}/${row.flowId}`, row]));
  assert.equal(rows.length, 3);
  const main = byKey.get('g500/flw_a');
  assert.equal(main?.count, 2, 'the dismissed one and the other workspace’s are not counted');
  assert.deepEqual([main?.firstSeen, main?.lastSeen], [at(1), at(5)]);
  assert.deepEqual(main?.sample, {
    _id: 'run_2',
    errorMessage: 'newest',
    errorCode: 'http_500',
    nodeId: 'call',
    nodeTitle: 'Call',
  });
  assert.equal(byKey.get('g500/flw_b')?.count, 1);
  assert.deepEqual(
    (await repository.groups('ws_a', 'flw_b')).map((row) => row.errorGroup),
    ['g500'],
  );
});

test('a failure is claimed once; released, it is back in the queue', async () => {
  await repository.upsert(failure('run_c'));
  const resolution = { kind: 'retried' as const, by: { userId: 'u', email: null }, at: at(20) };
  assert.equal(await repository.claim('ws_a', 'run_c', resolution), true);
  assert.equal(await repository.claim('ws_a', 'run_c', resolution), false);
  assert.equal(await repository.claim('ws_other', 'run_1', resolution), false, 'another workspace’s failure');
  await repository.release('ws_a', 'run_c');
  assert.equal(await repository.claim('ws_a', 'run_c', resolution), true);
  await repository.settle('ws_a', 'run_c', 'run_new');
  assert.equal((await repository.findById('ws_a', 'run_c'))?.resolution?.runId, 'run_new');
});

test('of many concurrent claims of one failure, exactly one wins', async () => {
  await repository.upsert(failure('run_race'));
  const resolution = { kind: 'rerun' as const, by: { userId: 'u', email: null }, at: at(30) };
  const wins = await Promise.all(Array.from({ length: 20 }, () => repository.claim('ws_a', 'run_race', resolution)));
  assert.equal(wins.filter(Boolean).length, 1);
});

test('pages of a group chain through the last failure of each page without repeats or gaps', async () => {
  const ids = Array.from({ length: 7 }, (_, index) => `run_p${index}`);
  // Two failures at the same instant: the id orders them.
  for (const [index, id] of ids.entries())
    await repository.upsert(failure(id, { errorGroup: 'gpage', failedAt: at(30 + Math.min(index, 5)) }));
  const seen: string[] = [];
  let after: { failedAt: Date; id: string } | undefined;
  for (;;) {
    const page = await repository.list('ws_a', { errorGroup: 'gpage', after, limit: 3 });
    seen.push(...page.map((item) => item._id));
    const last = page.at(-1);
    if (page.length < 3 || !last) break;
    after = { failedAt: last.failedAt, id: last._id };
  }
  assert.deepEqual(seen, ['run_p5', 'run_p6', 'run_p4', 'run_p3', 'run_p2', 'run_p1', 'run_p0']);
});

test('the queue’s size is counted as failures arrive and leave, per flow and per step type', async () => {
  const ws = 'ws_counts';
  const counts = repository.counts;
  await repository.upsert(failure('run_k1', { workspaceId: ws }));
  await repository.upsert(failure('run_k1', { workspaceId: ws })); // written again: not a new failure
  await repository.upsert(failure('run_k2', { workspaceId: ws, flowId: 'flw.b$', nodeType: '@acme/steps.ping' }));
  await repository.upsert(failure('run_k3', { workspaceId: ws }));
  assert.deepEqual([...(await counts.perFlow(ws))].sort(), [
    ['flw.b$', 1],
    ['flw_a', 2],
  ]);
  const resolution = { kind: 'dismissed' as const, by: { userId: 'u', email: null }, at: at(40) };
  assert.equal(await repository.claim(ws, 'run_k1', resolution), true);
  assert.equal(await repository.claim(ws, 'run_k1', resolution), false);
  assert.equal((await counts.perFlow(ws)).get('flw_a'), 1, 'a claim takes one away, a refused claim none');
  await repository.release(ws, 'run_k1');
  await repository.release(ws, 'run_k1');
  assert.equal((await counts.perFlow(ws)).get('flw_a'), 2, 'a release gives it back once');
  const types = (await counts.perType()).filter((row) => row.workspaceId === ws);
  assert.deepEqual(types.map((row) => [row.nodeType, row.count]).sort(), [
    ['@acme/steps.ping', 1],
    ['http.request', 2],
  ]);
});

test('a recount repairs counters a crash left off, and the first start counts failures stored before counters', async () => {
  const ws = 'ws_drift';
  const failures = db.collection<FailureRecord>('run_failures');
  // Stored before counters existed (or by a writer that died before counting): no counter says so yet.
  await failures.insertMany([failure('run_d1', { workspaceId: ws }), failure('run_d2', { workspaceId: ws })]);
  assert.equal((await repository.counts.perFlow(ws)).size, 0);
  const fresh = new FailuresRepository(db);
  await db.collection<{ _id: string }>('run_failure_counts').deleteOne({ _id: ':backfilled' });
  await fresh.counts.backfillOnce();
  assert.equal((await fresh.counts.perFlow(ws)).get('flw_a'), 2);
  // Off by one (a claim whose process died before its count): the recount says what is open.
  await failures.updateOne(
    { _id: 'run_d2' },
    { $set: { resolution: { kind: 'dismissed', by: { userId: 'u', email: null }, at: at(50) } } },
  );
  assert.equal((await fresh.counts.perFlow(ws)).get('flw_a'), 2);
  await fresh.counts.recount(ws);
  assert.equal((await fresh.counts.perFlow(ws)).get('flw_a'), 1);
});
