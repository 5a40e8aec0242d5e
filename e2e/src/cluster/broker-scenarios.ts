/**
 * Both workers run the broker trigger runner, so each published broker-triggered flow is consumed by two processes.
 * Each broker must still hand every message to one of them: RabbitMQ's competing consumers, an MQTT shared
 * subscription, a NATS queue group, a shared JetStream durable consumer.  Publishers set no message id (no AMQP
 * `messageId`, no MQTT correlation data, no `Nats-Msg-Id`), so a message delivered to both workers would start two
 * runs instead of being merged by its run id.  (JetStream runs are named by stream sequence: there a second delivery
 * would be merged, and the test proves the share of work.)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect as connectNats } from '@nats-io/transport-node';
import { waitFor } from '@pipewright/devstack';
import amqp from 'amqplib';
import { connectAsync as connectMqtt } from 'mqtt';
import { type ClusterProduct, publishFlow } from './cluster-harness.ts';

const MESSAGES = 20;

/** The local brokers (see README), as the workers reach them. */
const RABBITMQ = { host: '127.0.0.1', port: 5672, username: 'guest', password: 'guest', vhost: '/', tls: false };
const MQTT = { host: '127.0.0.1', port: 1883, clientIdPrefix: 'pw-cluster' };
const NATS = { host: '127.0.0.1', port: 4222 };

/** What a scenario publishes: a probe (to learn that both workers listen) or one of the counted messages. */
type Body = { probe: number } | { n: number };

interface Publisher {
  send(body: Body): Promise<void>;
  close(): Promise<void>;
}

interface BrokerCase {
  title: string;
  credential: { type: string; values: Record<string, unknown> };
  /** The trigger's credential slot. */
  slot: string;
  trigger: { type: string; config: Record<string, unknown> };
  /** Where the trigger output carries the parsed message body. */
  bodyField: 'body' | 'payload' | 'data';
  /** Declares what the flow consumes (queue, stream) and connects a publisher. */
  open(): Promise<Publisher>;
}

const uniqueSuffix = (): string => Math.random().toString(36).slice(2, 10);

function rabbitmqCase(): BrokerCase {
  const queue = `pw-cluster-${uniqueSuffix()}`;
  return {
    title: 'RabbitMQ: the two consumers of a queue compete',
    credential: { type: 'rabbitmq', values: RABBITMQ },
    slot: 'broker',
    trigger: { type: 'rabbitmq.trigger', config: { queue } },
    bodyField: 'body',
    async open() {
      const connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
      const channel = await connection.createConfirmChannel();
      // Declared here too: a message sent before the first worker declared the queue would be dropped.
      await channel.assertQueue(queue, { durable: true });
      return {
        async send(body) {
          channel.sendToQueue(queue, Buffer.from(JSON.stringify(body)), { persistent: true });
          await channel.waitForConfirms();
        },
        async close() {
          await channel.deleteQueue(queue);
          await connection.close();
        },
      };
    },
  };
}

function mqttCase(): BrokerCase {
  const topic = `pw-cluster/${uniqueSuffix()}/events`;
  return {
    title: 'MQTT: the two workers share one subscription',
    credential: { type: 'mqtt', values: MQTT },
    slot: 'broker',
    trigger: { type: 'mqtt.trigger', config: { topic, qos: 1 } },
    bodyField: 'payload',
    async open() {
      const client = await connectMqtt('mqtt://127.0.0.1:1883', { reconnectPeriod: 0 });
      return {
        async send(body) {
          await client.publishAsync(topic, JSON.stringify(body), { qos: 1 });
        },
        async close() {
          await client.endAsync();
        },
      };
    },
  };
}

function natsCoreCase(): BrokerCase {
  const subject = `pwcluster.${uniqueSuffix()}.orders`;
  return {
    title: 'NATS: plain subscriptions of the two workers form one queue group',
    credential: { type: 'nats', values: NATS },
    slot: 'server',
    trigger: { type: 'nats.trigger', config: { subject, jetstream: false } },
    bodyField: 'data',
    async open() {
      const connection = await connectNats({ servers: `${NATS.host}:${NATS.port}` });
      return {
        async send(body) {
          connection.publish(subject, JSON.stringify(body));
          await connection.flush();
        },
        async close() {
          await connection.close();
        },
      };
    },
  };
}

function natsJetStreamCase(): BrokerCase {
  const stream = `pwcluster_${uniqueSuffix()}`;
  const subject = `${stream}.orders`;
  return {
    title: 'NATS JetStream: the two workers pull from one durable consumer',
    credential: { type: 'nats', values: NATS },
    slot: 'server',
    trigger: { type: 'nats.trigger', config: { subject, jetstream: true } },
    bodyField: 'data',
    async open() {
      const connection = await connectNats({ servers: `${NATS.host}:${NATS.port}` });
      const manager = await jetstreamManager(connection);
      await manager.streams.add({ name: stream, subjects: [`${stream}.>`] });
      const js = jetstream(connection);
      return {
        async send(body) {
          await js.publish(subject, JSON.stringify(body));
        },
        async close() {
          await manager.streams.delete(stream);
          await connection.close();
        },
      };
    },
  };
}

/** The counted message's number, or undefined for a probe. */
function messageNumber(body: Body | undefined): number | undefined {
  return body !== undefined && 'n' in body ? body.n : undefined;
}

interface RunSummary {
  id: string;
  status: string;
}

interface MessageRun {
  id: string;
  status: string;
  body: Body | undefined;
  /** The pid of the process that started the run's workflow: the worker whose trigger runner got the message. */
  starterPid: string;
}

/**
 * Reads the flow's runs: the list (every page), then each new run's detail (its trigger output) and the identity
 * (`pid@host`) that started its workflow in Temporal's history.  A run in `known` is read again only when its status
 * changed.
 */
async function readRuns(
  product: ClusterProduct,
  flowId: string,
  bodyField: BrokerCase['bodyField'],
  known: Map<string, MessageRun>,
): Promise<MessageRun[]> {
  const summaries: RunSummary[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const page: { items: RunSummary[]; nextCursor: string | null } = await product.json(
      `/api/runs?flowId=${flowId}&limit=50${query}`,
    );
    summaries.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  const runs: MessageRun[] = [];
  for (const summary of summaries) {
    const cached = known.get(summary.id);
    if (cached?.status === summary.status) {
      runs.push(cached);
      continue;
    }
    const detail = await product.json<{ nodes: Record<string, { output?: unknown }> }>(`/api/runs/${summary.id}`);
    const output = detail.nodes.in?.output as Record<string, unknown> | undefined;
    const history = await product.temporal.workflow.getHandle(summary.id).fetchHistory();
    const identity = history.events?.[0]?.workflowExecutionStartedEventAttributes?.identity ?? '';
    const run = {
      id: summary.id,
      status: summary.status,
      body: output?.[bodyField] as Body | undefined,
      starterPid: identity.split('@')[0] ?? '',
    };
    known.set(run.id, run);
    runs.push(run);
  }
  return runs;
}

/**
 * The cluster's worker (by name) a run-starting process is: each worker's Node process runs under the watchdog shell
 * that `startCluster` spawned (`child.pid`), so its parent pid names it (Linux /proc).
 */
function workerNameOf(product: ClusterProduct, pid: string): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // "pid (comm) state ppid …": comm may hold spaces, so read after its closing parenthesis.
  const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  return product.cluster.workers.find((worker) => worker.process.child.pid === parent)?.name ?? `pid ${pid}`;
}

async function createCredential(product: ClusterProduct, broker: BrokerCase): Promise<string> {
  const created = await product.json<{ id: string }>('/api/credentials', {
    method: 'POST',
    body: JSON.stringify({ name: `${broker.credential.type} ${uniqueSuffix()}`, ...broker.credential }),
    status: 201,
  });
  return created.id;
}

function flowDocument(broker: BrokerCase, credentialId: string) {
  return {
    schemaVersion: 1,
    nodes: [
      {
        id: 'in',
        type: broker.trigger.type,
        typeVersion: 1,
        position: { x: 0, y: 0 },
        config: { ...broker.trigger.config, credentials: { [broker.slot]: credentialId } },
      },
      {
        id: 'shape',
        type: 'core.transform',
        typeVersion: 1,
        position: { x: 260, y: 0 },
        config: { fields: [{ name: 'message', value: `{{ trigger.${broker.bodyField} }}` }] },
      },
    ],
    edges: [{ id: 'e1', source: 'in', target: 'shape' }],
  };
}

async function proveOncePerMessage(product: ClusterProduct, broker: BrokerCase): Promise<void> {
  const publisher = await broker.open();
  let flowId: string | undefined;
  try {
    const credentialId = await createCredential(product, broker);
    ({ id: flowId } = await publishFlow(product, broker.title, flowDocument(broker, credentialId)));
    const published = flowId;
    const workerNames = product.cluster.workers.map((worker) => worker.name).sort();
    const startersOf = (runs: MessageRun[]) =>
      [...new Set(runs.map((run) => workerNameOf(product, run.starterPid)))].sort();
    const known = new Map<string, MessageRun>();

    // Each worker subscribes on its next read of the published flows (every 3 s): probe until both started a run,
    // so the counted messages below reach two listening workers (a probe sent before that may be lost, which is fine).
    let probes = 0;
    let starters: string[] = [];
    await waitFor(
      () =>
        `a probe message run started by each worker (${probes} probes sent, runs started by: ${starters.join(', ')})`,
      async () => {
        probes += 1;
        await publisher.send({ probe: probes });
        starters = startersOf(await readRuns(product, published, broker.bodyField, known));
        return workerNames.every((name) => starters.includes(name)) ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );

    for (let n = 1; n <= MESSAGES; n += 1) await publisher.send({ n });
    // The runs list follows Temporal's visibility store a moment behind: wait until every message's run closed.
    const runs = await waitFor(
      () => `a closed run for each of the ${MESSAGES} messages`,
      async () => {
        const all = await readRuns(product, published, broker.bodyField, known);
        const seen = new Set(all.map((run) => messageNumber(run.body)).filter((n) => n !== undefined));
        return seen.size === MESSAGES && all.every((run) => run.status === 'succeeded') ? all : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );

    const messageRuns = runs.filter((run) => messageNumber(run.body) !== undefined);
    assert.deepEqual(
      messageRuns.map((run) => messageNumber(run.body)).sort((a = 0, b = 0) => a - b),
      Array.from({ length: MESSAGES }, (_, index) => index + 1),
      'each message started exactly one run, though two workers listen',
    );
    assert.deepEqual(startersOf(messageRuns), workerNames, 'both workers took a share of the messages');
  } finally {
    // Deleted first: the workers stop listening on their next sync instead of re-declaring the queue (or failing to
    // find the stream) for the rest of the suite.
    if (flowId) await product.api(`/api/flows/${flowId}`, { method: 'DELETE' });
    await publisher.close();
  }
}

export function brokerScenarios(product: () => ClusterProduct): void {
  describe('broker triggers with two workers', () => {
    for (const brokerCase of [rabbitmqCase, mqttCase, natsCoreCase, natsJetStreamCase]) {
      const broker = brokerCase();
      test(`${broker.title}: ${MESSAGES} messages start ${MESSAGES} runs, each message once`, async () => {
        await proveOncePerMessage(product(), broker);
      });
    }
  });
}
