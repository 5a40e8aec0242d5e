import { createHash, randomUUID } from 'node:crypto';
import { defineStep, readCredential } from '@pipewright/step-sdk';
import type { IPublishPacket } from 'mqtt';
import { z } from 'zod';
import { mqttCredential } from './mqtt.credential.ts';
import { loadMqtt, toMqttStepError } from './mqtt-client.ts';

/**
 * How long the broker keeps a worker's session (and the QoS 1/2 messages queued in it) while the worker is away: a
 * restarted worker takes its session back (its client id is stable, see `listen`).  A worker removed for good leaves
 * its session behind; the broker goes on giving it its share of the group's messages until it expires, and those are
 * lost — when scaling workers down, stop a worker's flows first or accept that window (docs/cluster.md).
 */
const SESSION_EXPIRY_SECONDS = 3600;

/**
 * Starts one run per message on a topic (wildcards allowed).  MQTT 5 with a persistent session: the PUBACK of a
 * QoS 1/2 message is sent only after its run was durably started (mqtt.js `customHandleAcks`); when the start
 * fails the connection is dropped without acking and the broker redelivers on reconnect.  MQTT has no message id
 * that survives redelivery, so runs are deduplicated only by the publisher's MQTT 5 correlation data; without it a
 * redelivery after a lost PUBACK can start a second run (at least once, never silently merged).  With several
 * workers, each message goes to one of them (a shared subscription); a shared subscription gets no retained messages.
 */
export const mqttTrigger = defineStep({
  type: 'mqtt.trigger',
  version: 1,
  kind: 'trigger',
  title: 'MQTT message',
  description: 'Starts the flow for each message published on an MQTT topic.',
  category: 'Triggers',
  keywords: ['mqtt', 'iot', 'topic', 'subscribe', 'message', 'broker', 'trigger'],
  credentials: { broker: mqttCredential },
  input: z.object({
    topic: z.string().min(1).describe('Topic filter, e.g. sensors/+/temperature'),
    qos: z
      .union([z.literal(0), z.literal(1), z.literal(2)])
      .default(1)
      .describe('0 can lose messages'),
  }),
  output: z.object({
    topic: z.string(),
    payload: z.unknown().describe('Parsed JSON when the payload is JSON, else the text'),
    qos: z.number(),
    retain: z.boolean(),
  }),
  ui: {
    topic: { label: 'Topic', order: 1 },
    qos: { label: 'QoS', widget: 'select', order: 2 },
  },
  async listen(config, ctx) {
    const broker = await readCredential(ctx.credentials, 'broker', mqttCredential);
    // Every worker listens to every flow: an MQTT 5 shared subscription (same group name on every worker) makes the
    // broker hand each message to one of them.  Two clients cannot share one client id (each connect takes the other's
    // session over), so the id names the worker too: stable across its restarts, so it takes its session back.
    const session = createHash('sha256').update(`${ctx.subscriptionId}\n${config.topic}\n${ctx.memberId}`);
    const { connect } = await loadMqtt();
    const client = connect({
      protocol: broker.tls ? 'mqtts' : 'mqtt',
      host: broker.host,
      port: broker.port,
      ...(broker.username ? { username: broker.username } : {}),
      ...(broker.password ? { password: broker.password } : {}),
      clientId: `${broker.clientIdPrefix}-t-${session.digest('hex').slice(0, 16)}`,
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval: SESSION_EXPIRY_SECONDS },
      connectTimeout: 10_000,
      reconnectPeriod: 1000,
      customHandleAcks(topic, message, packet, done) {
        handle(topic, message, packet).then(
          () => done(0),
          (error: unknown) => {
            ctx.log.warn('could not start a run for an MQTT message; reconnecting so the broker redelivers it', {
              topic,
              error: String(error),
            });
            // No PUBACK: dropping the connection makes the broker redeliver from the session on reconnect.
            client.stream.destroy();
          },
        );
      },
    });
    function handle(topic: string, message: Buffer, packet: IPublishPacket): Promise<void> {
      // MQTT has no id that survives redelivery (packet ids are reused); a hash of the payload would merge two equal
      // readings into one run, so without correlation data each receipt is its own run.
      const correlation = packet.properties?.correlationData;
      const id = correlation ? `corr:${Buffer.from(correlation).toString('hex')}` : `receipt:${randomUUID()}`;
      return ctx.deliver({
        id: `${topic}:${id}`,
        data: { topic, payload: decodePayload(message), qos: packet.qos, retain: packet.retain },
      });
    }
    // QoS 0 messages never reach customHandleAcks (there is nothing to ack): at most once, by definition.
    client.on('message', (topic, message, packet) => {
      if (packet.qos !== 0) return;
      handle(topic, message, packet).catch((error: unknown) =>
        ctx.log.warn('could not start a run for a QoS 0 MQTT message; it is lost', { topic, error: String(error) }),
      );
    });
    client.on('error', (error: unknown) => ctx.log.warn('MQTT error', { error: String(error) }));
    try {
      await new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('error', reject);
      });
      await client.subscribeAsync(sharedTopicOf(ctx.subscriptionId, config.topic), { qos: config.qos });
    } catch (error) {
      client.end(true);
      throw toMqttStepError(error, broker, `could not subscribe to ${config.topic} at ${broker.host}:${broker.port}`);
    }
    return {
      async close() {
        // The session stays (SESSION_EXPIRY_SECONDS): a paused flow's messages, or those sent while this worker
        // restarts, wait in it.
        await client.endAsync().catch(() => client.end(true));
      },
    };
  },
});

/**
 * The shared subscription of `topic` for every listener of one flow subscription: `$share/<group>/<topic>`, the group
 * being the subscription id made a valid topic level (no `/`, `+`, `#`).  Messages keep their real topic.
 */
function sharedTopicOf(subscriptionId: string, topic: string): string {
  return `$share/${subscriptionId.replace(/[^A-Za-z0-9_-]/g, '_')}/${topic}`;
}

function decodePayload(message: Buffer): unknown {
  const text = message.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
