import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { getTestStack, uniqueName } from '@pipewright/devstack';
import { type Db, MongoClient } from 'mongodb';
import { type AlertEventRecord, AlertEventsRepository, deliveryKey } from './alert-events.repository.ts';

let mongo: MongoClient;
let db: Db;
let events: AlertEventsRepository;
before(async () => {
  const stack = await getTestStack();
  mongo = await new MongoClient(stack.mongoUri).connect();
  db = mongo.db(uniqueName('alert_events'));
  events = new AlertEventsRepository(db);
  await events.ensureIndexes();
});
after(async () => {
  await db?.dropDatabase().catch(() => {});
  await mongo?.close();
});

function event(id: string, channels: number, handedOver: boolean): AlertEventRecord {
  const deliveries: AlertEventRecord['deliveries'] = {};
  for (let index = 0; index < channels; index++) {
    deliveries[deliveryKey(index)] = { channel: 'webhook', workflowId: `alert-${id}.c${index}`, status: 'pending' };
  }
  return {
    _id: id,
    workspaceId: 'ws_a',
    flowId: 'flw_a',
    ruleId: 'alr_a',
    ruleName: 'Rule',
    at: new Date(),
    kind: 'fired',
    summary: 'it failed',
    flowName: 'Flow',
    conditionKind: 'run_failed',
    channels: Array.from({ length: channels }, (_, index) => ({
      type: 'webhook' as const,
      url: `https://hooks.example.test/${index}`,
    })),
    handedOver,
    deliveries,
    pending: true,
  };
}

test('channels settled at once all keep their outcome, and the event stops being pending', async () => {
  // Five outcomes written together, as five watches that end at the same moment do: none may be lost.
  for (let round = 0; round < 5; round++) {
    const id = `alr_a.${round}`;
    await events.insert(event(id, 5, true));
    await Promise.all(
      Array.from({ length: 5 }, (_, index) =>
        events.settle(
          id,
          `alert-${id}.c${index}`,
          index === 3 ? { status: 'failed', error: 'answered 500' } : { status: 'sent' },
        ),
      ),
    );
    const stored = await events.get('ws_a', id);
    assert.deepEqual(
      Object.values(stored?.deliveries ?? {}).map((delivery) => delivery.status),
      ['sent', 'sent', 'sent', 'failed', 'sent'],
    );
    assert.equal(stored?.deliveries.c3?.error, 'answered 500');
    assert.equal(stored?.pending, false);
  }
  assert.deepEqual(await events.listPending(10), []);
});

test('the first outcome of a delivery stays; a pending event shows the outcomes recorded so far', async () => {
  await events.insert(event('alr_b.1', 2, true));
  await events.settle('alr_b.1', 'alert-alr_b.1.c0', { status: 'sent' });
  await events.settle('alr_b.1', 'alert-alr_b.1.c0', { status: 'failed', error: 'late and wrong' });
  const listed = (await events.list('ws_a', { limit: 10 })).find((item) => item._id === 'alr_b.1');
  assert.equal(listed?.deliveries.c0?.status, 'sent', 'the list shows it too');
  const stored = await events.get('ws_a', 'alr_b.1');
  assert.equal(stored?.deliveries.c0?.status, 'sent');
  assert.equal(stored?.deliveries.c0?.error, undefined);
  assert.equal(stored?.deliveries.c1?.status, 'pending');
  assert.equal(stored?.pending, true);
  assert.deepEqual(
    (await events.listPending(10)).map((item) => item._id),
    ['alr_b.1'],
  );
  assert.equal(await events.get('ws_other', 'alr_b.1'), null, 'another workspace does not see it');
});

test('an event not yet handed over is not listed as pending (its workflows may not exist yet)', async () => {
  await events.insert(event('alr_c.1', 1, false));
  assert.ok(!(await events.listPending(10)).some((item) => item._id === 'alr_c.1'));
  assert.deepEqual(
    (await events.listNotHandedOver(10)).map((item) => item._id),
    ['alr_c.1'],
  );
  await events.markHandedOver('alr_c.1');
  assert.ok((await events.listPending(10)).some((item) => item._id === 'alr_c.1'));
});
