import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect as connectNats } from '@nats-io/transport-node';
import { builtinStepDefinitions } from '@pipewright/builtin-steps';
import { getTestStack, uniqueName } from '@pipewright/devstack';
import {
  type ExecutionPlan,
  flowCoordinatorWorkflowId,
  KEYED_RUN_SIGNAL_NAME,
  type PlanNode,
  type RunState,
} from '@pipewright/run-contract';
import type { CredentialResolver } from '@pipewright/step-host';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import amqp from 'amqplib';
import { type Db, MongoClient } from 'mongodb';
import { connectAsync as connectMqtt } from 'mqtt';
import { type RunningWorker, startWorker } from '../start-worker.ts';
import { waitFor } from '../test-support.ts';
import {
  type StartRun,
  type StartRunRequest,
  startTriggerRunner,
  type TriggerRunner,
  temporalStartRun,
} from './trigger-runner.ts';

/** The local brokers (see README): credentials by id, as an admin would have stored them. */
const CREDENTIALS: Record<string, Record<string, unknown>> = {
  rabbit: { host: '127.0.0.1', port: 5672, username: 'guest', password: 'guest', vhost: '/', tls: false },
  mqtt: { host: '127.0.0.1', port: 1883, password: '', tls: false, clientIdPrefix: 'pw-test' },
  nats: { host: '127.0.0.1', port: 4222, password: '', token: '', tls: false },
};
const resolver: CredentialResolver = {
  async resolve(request) {
    const values = CREDENTIALS[request.credentialId];
    if (!values) throw new Error(`no credential ${request.credentialId}`);
    return values;
  },
};

const taskQueue = uniqueName('broker-test');
let worker: RunningWorker;
let connection: Connection;
let client: Client;
let mongo: MongoClient;
let db: Db;
let stopStack = async () => {};
const runners: TriggerRunner[] = [];

before(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const stack = await getTestStack();
  stopStack = stack.stop;
  // Private networks allowed: a test flow's HTTP step calls a local server.
  worker = await startWorker({
    temporalAddress: stack.temporalAddress,
    taskQueue,
    http: { allowPrivateNetworks: true },
  });
  connection = await Connection.connect({ address: stack.temporalAddress });
  client = new Client({ connection });
  mongo = await MongoClient.connect(stack.mongoUri);
  db = mongo.db(uniqueName('broker_db'));
});

after(async () => {
  for (const runner of runners) await runner.stop();
  await worker?.shutdown();
  await connection?.close();
  await mongo?.close();
  await stopStack();
});

function node(id: string, fields: Partial<PlanNode>): PlanNode {
  return {
    id,
    type: 'core.transform',
    typeVersion: 1,
    title: id,
    kind: 'transform',
    runsIn: 'workflow',
    upstream: [],
    config: {},
    retry: { maxAttempts: 1, initialIntervalMs: 50, backoffCoefficient: 1, maxIntervalMs: 50 },
    timeoutMs: 10_000,
    taskQueue,
    ...fields,
  };
}

/** Publishes a flow the way the server stores it: a `flows` record pointing at a `flow_versions` plan. */
async function publishFlow(
  trigger: { type: string; config: Record<string, unknown> },
  shape: { nodes?: PlanNode[]; maxConcurrentRuns?: number } = {},
): Promise<string> {
  const flowId = uniqueName('flow_msg');
  const plan: ExecutionPlan = {
    planFormat: 1,
    runtimeVersion: 1,
    expressionEngine: 'jsonata@2.2.2',
    flowId,
    version: 1,
    hash: 'test',
    triggerNodeId: 'in',
    nodes: [
      node('in', { type: trigger.type, kind: 'trigger', config: trigger.config }),
      ...(shape.nodes ?? [
        node('echo', { upstream: ['in'], config: { fields: [{ name: 'got', value: '{{ trigger }}' }] } }),
      ]),
    ],
    ...(shape.maxConcurrentRuns === undefined ? {} : { maxConcurrentRuns: shape.maxConcurrentRuns }),
  };
  await db.collection('flow_versions').insertOne({
    _id: `${flowId}:1` as never,
    workspaceId: 'ws-msg',
    flowId,
    version: 1,
    planJson: JSON.stringify(plan),
  });
  await db
    .collection('flows')
    .insertOne({ _id: flowId as never, workspaceId: 'ws-msg', name: 'Msg', latestVersion: 1 });
  return flowId;
}

async function runner(startRun?: StartRun): Promise<TriggerRunner> {
  const started = await startTriggerRunner({
    client,
    db,
    steps: builtinStepDefinitions,
    taskQueue,
    credentials: resolver,
    syncIntervalMs: 60_000,
    ...(startRun ? { startRun } : {}),
    log: () => {},
  });
  runners.push(started);
  return started;
}

/** A runner listens to every published flow in the database: each test stops its runner and unpublishes its flows. */
async function stopAll(): Promise<void> {
  for (const started of runners.splice(0)) await started.stop();
  await db.collection('flows').deleteMany({});
}

async function messageRuns(flowId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const info of client.workflow.list({ query: `FlowId = '${flowId}' AND RunTrigger = 'message'` })) {
    ids.push(info.workflowId);
  }
  return ids;
}

/** Waits (polling Temporal's visibility, with a deadline) until the flow has `count` message runs; returns their triggers. */
async function awaitRuns(flowId: string, count: number): Promise<unknown[]> {
  let seen = 0;
  const ids = await waitFor(
    () => `${count} message runs of ${flowId} (saw ${seen})`,
    async () => {
      const found = await messageRuns(flowId);
      seen = found.length;
      return found.length >= count ? found : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  const triggers: unknown[] = [];
  for (const id of ids) {
    const state: RunState = await client.workflow.getHandle(id).result();
    triggers.push((state.nodes.echo?.output as { got?: unknown } | undefined)?.got);
  }
  return triggers;
}

describe('rabbitmq.trigger', () => {
  let amqpConnection: amqp.ChannelModel;
  let channel: amqp.ConfirmChannel;
  before(async () => {
    amqpConnection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
    channel = await amqpConnection.createConfirmChannel();
  });
  after(async () => {
    await amqpConnection?.close();
  });
  const send = async (queue: string, body: unknown, messageId: string) => {
    channel.sendToQueue(queue, Buffer.from(JSON.stringify(body)), { messageId, persistent: true });
    await channel.waitForConfirms();
  };

  test('5 messages start exactly 5 runs whose trigger outputs are the messages', async () => {
    const queue = uniqueName('pw-trigger');
    const flowId = await publishFlow({
      type: 'rabbitmq.trigger',
      config: { queue, credentials: { broker: 'rabbit' } },
    });
    const triggerRunner = await runner();
    assert.deepEqual(triggerRunner.listening(), [flowId]);
    for (let n = 1; n <= 5; n += 1) await send(queue, { n }, `m${n}`);
    const triggers = (await awaitRuns(flowId, 5)) as Array<{ body: { n: number }; messageId: string; queue: string }>;
    assert.deepEqual(triggers.map((trigger) => trigger.body.n).sort(), [1, 2, 3, 4, 5]);
    assert.ok(triggers.every((trigger) => trigger.queue === queue && trigger.messageId === `m${trigger.body.n}`));
    // All acked: nothing is left on the queue once the runner lets go of it.
    await triggerRunner.stop();
    assert.equal((await channel.checkQueue(queue)).messageCount, 0);
    await stopAll();
  });

  test('a paused flow stops consuming: its messages wait in the broker and start their runs once it resumes', async () => {
    const queue = uniqueName('pw-trigger');
    const flowId = await publishFlow({
      type: 'rabbitmq.trigger',
      config: { queue, credentials: { broker: 'rabbit' } },
    });
    const triggerRunner = await runner();
    assert.deepEqual(triggerRunner.listening(), [flowId]);
    // What the server's pause writes on the flow (server/src/pauses).
    const pause = { mode: 'queue', by: { userId: null, email: null }, at: new Date() };
    await db.collection('flows').updateOne({ _id: flowId as never }, { $set: { paused: pause } });
    await triggerRunner.sync();
    assert.deepEqual(triggerRunner.listening(), [], 'the subscription of a paused flow is closed');
    await send(queue, { n: 1 }, 'while-paused');
    assert.equal((await channel.checkQueue(queue)).messageCount, 1, 'the message waits in the broker');

    await db.collection('flows').updateOne({ _id: flowId as never }, { $unset: { paused: '' } });
    await triggerRunner.sync();
    const triggers = (await awaitRuns(flowId, 1)) as Array<{ body: { n: number } }>;
    assert.deepEqual(
      triggers.map((trigger) => trigger.body.n),
      [1],
    );
    await stopAll();
  });

  test('a message whose run could not be started is not acked: it is redelivered and then starts one run', async () => {
    const queue = uniqueName('pw-trigger');
    const flowId = await publishFlow({
      type: 'rabbitmq.trigger',
      config: { queue, credentials: { broker: 'rabbit' } },
    });
    const attempts: StartRunRequest[] = [];
    const realStart = temporalStartRun(client);
    await runner(async (request) => {
      attempts.push(request);
      if (attempts.length === 1) throw new Error('Temporal is unavailable');
      await realStart(request);
    });
    await send(queue, { order: 42 }, 'only-once');
    const triggers = (await awaitRuns(flowId, 1)) as Array<{ body: unknown; redelivered: boolean }>;
    assert.deepEqual(
      triggers.map((trigger) => trigger.body),
      [{ order: 42 }],
    );
    assert.equal(attempts.length, 2);
    assert.equal(attempts[0]?.workflowId, attempts[1]?.workflowId, 'the redelivery maps to the same run id');
    assert.equal(triggers[0]?.redelivered, true);
    assert.equal((await messageRuns(flowId)).length, 1);
    await stopAll();
  });

  test('a deleted flow is unsubscribed on the next sync', async () => {
    const queue = uniqueName('pw-trigger');
    const flowId = await publishFlow({
      type: 'rabbitmq.trigger',
      config: { queue, credentials: { broker: 'rabbit' } },
    });
    const triggerRunner = await runner();
    assert.ok(triggerRunner.listening().includes(flowId));
    await db.collection('flows').deleteOne({ _id: flowId as never });
    await triggerRunner.sync();
    assert.ok(!triggerRunner.listening().includes(flowId));
    const consumers = (await channel.checkQueue(queue)).consumerCount;
    assert.equal(consumers, 0);
    await stopAll();
  });

  test('a flow limited to 1 run at once: 4 messages wait in its line, never 2 calls open, all 4 succeed', async () => {
    const target = new HoldingTarget();
    await target.start();
    try {
      const queue = uniqueName('pw-trigger');
      const call = node('call', {
        type: 'http.request',
        kind: 'action',
        runsIn: 'activity',
        upstream: ['in'],
        config: { method: 'POST', url: target.url, body: { n: '{{ trigger.body.n }}' } },
        timeoutMs: 120_000,
      });
      const flowId = await publishFlow(
        { type: 'rabbitmq.trigger', config: { queue, credentials: { broker: 'rabbit' } } },
        { nodes: [call], maxConcurrentRuns: 1 },
      );
      await runner();
      for (let n = 1; n <= 4; n += 1) await send(queue, { n }, `limited-${n}`);
      // Every message reached the flow's coordinator (acked after that), while one call is held.
      const coordinator = client.workflow.getHandle(flowCoordinatorWorkflowId('ws-msg', flowId));
      await waitFor(
        'the 4 messages to be handed to the flow coordinator',
        async () => {
          const events = await coordinatorEvents(coordinator);
          const handed = events.filter(
            (event) => event.workflowExecutionSignaledEventAttributes?.signalName === KEYED_RUN_SIGNAL_NAME,
          );
          return handed.length === 4 && target.open === 1 ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      );
      assert.equal((await channel.checkQueue(queue)).messageCount, 0, 'the waiting messages are acked');
      assert.equal(target.mostOpen, 1, 'a second call never started while one was held');
      assert.ok((await messageRuns(flowId)).length <= 1, 'the waiting runs are not started yet');

      target.releaseAll();
      const ids = await waitFor(
        'the 4 message runs to be started',
        async () => {
          const found = await messageRuns(flowId);
          return found.length === 4 ? found : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );
      const states: RunState[] = await Promise.all(ids.map((id) => client.workflow.getHandle(id).result()));
      assert.deepEqual(
        states.map((state) => state.status),
        ['succeeded', 'succeeded', 'succeeded', 'succeeded'],
      );
      assert.deepEqual(target.bodies.map((body) => Number(body.n)).sort(), [1, 2, 3, 4], 'one call per message');
      assert.equal(target.mostOpen, 1, 'never more than 1 call open at once');
      await stopAll();
    } finally {
      await target.stop();
    }
  });
});

describe('mqtt.trigger', () => {
  test('5 QoS 1 messages start exactly 5 runs whose trigger outputs are the messages', async () => {
    const topic = `pw-test/${uniqueName('t')}/events`;
    const flowId = await publishFlow({
      type: 'mqtt.trigger',
      config: { topic, qos: 1, credentials: { broker: 'mqtt' } },
    });
    const triggerRunner = await runner();
    assert.deepEqual(triggerRunner.listening(), [flowId]);
    const publisher = await connectMqtt('mqtt://127.0.0.1:1883');
    try {
      for (let n = 1; n <= 5; n += 1) await publisher.publishAsync(topic, JSON.stringify({ n }), { qos: 1 });
    } finally {
      await publisher.endAsync();
    }
    const triggers = (await awaitRuns(flowId, 5)) as Array<{ topic: string; payload: { n: number } }>;
    assert.deepEqual(triggers.map((trigger) => trigger.payload.n).sort(), [1, 2, 3, 4, 5]);
    assert.ok(triggers.every((trigger) => trigger.topic === topic));
    await stopAll();
  });
});

describe('nats.trigger', () => {
  test('5 JetStream messages start exactly 5 runs, acked, with the stream sequence as run identity', async () => {
    const name = uniqueName('pwtest').replace(/[^A-Za-z0-9]/g, '_');
    const subject = `${name}.orders`;
    const nats = await connectNats({ servers: '127.0.0.1:4222' });
    try {
      const manager = await jetstreamManager(nats);
      await manager.streams.add({ name, subjects: [`${name}.>`] });
      const flowId = await publishFlow({ type: 'nats.trigger', config: { subject, credentials: { server: 'nats' } } });
      const triggerRunner = await runner();
      assert.deepEqual(triggerRunner.listening(), [flowId]);
      const js = jetstream(nats);
      for (let n = 1; n <= 5; n += 1) await js.publish(subject, JSON.stringify({ n }));
      const triggers = (await awaitRuns(flowId, 5)) as Array<{ data: { n: number }; sequence: number }>;
      assert.deepEqual(triggers.map((trigger) => trigger.data.n).sort(), [1, 2, 3, 4, 5]);
      assert.deepEqual(triggers.map((trigger) => trigger.sequence).sort(), [1, 2, 3, 4, 5]);
      await stopAll();
      // Every message was acked: the durable consumer has nothing pending or unacknowledged.
      const consumer = (await manager.consumers.list(name).next())[0];
      assert.equal(consumer?.num_ack_pending, 0);
      assert.equal(consumer?.num_pending, 0);
      await manager.streams.delete(name);
    } finally {
      await nats.close();
    }
  });
});

/** An HTTP target that holds every request until released (then answers each a little later), counting open ones. */
class HoldingTarget {
  open = 0;
  mostOpen = 0;
  readonly bodies: Array<{ n?: unknown }> = [];
  url = '';
  #holding = true;
  readonly #held: Array<() => void> = [];
  readonly #server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      this.bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { n?: unknown });
      this.open += 1;
      this.mostOpen = Math.max(this.mostOpen, this.open);
      const answer = () => {
        this.open -= 1;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"ok":true}');
      };
      // Answered a little later even when released, so runs above the limit would overlap here if they ran.
      if (this.#holding) this.#held.push(answer);
      else setTimeout(answer, 20);
    });
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/call`;
  }

  releaseAll(): void {
    this.#holding = false;
    for (const answer of this.#held.splice(0)) answer();
  }

  async stop(): Promise<void> {
    this.releaseAll();
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

/** The coordinator's history events; none before the first hand-over has started it. */
async function coordinatorEvents(coordinator: { fetchHistory(): Promise<{ events?: unknown[] | null }> }) {
  try {
    return ((await coordinator.fetchHistory()).events ?? []) as Array<{
      workflowExecutionSignaledEventAttributes?: { signalName?: string | null } | null;
    }>;
  } catch (error) {
    if ((error as { code?: unknown }).code === 5 /* NOT_FOUND */) return [];
    throw error;
  }
}
