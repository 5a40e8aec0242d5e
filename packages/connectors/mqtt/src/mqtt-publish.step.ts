import { encodeMessage } from '@pipewright/connectors-common';
import { defineStep, readCredential } from '@pipewright/step-sdk';
import { z } from 'zod';
import { mqttCredential } from './mqtt.credential.ts';
import { withMqttClient } from './mqtt-client.ts';

/** Publishes one message; with QoS 1 or 2 the step succeeds once the broker has acknowledged it. */
export const mqttPublishStep = defineStep({
  type: 'mqtt.publish',
  version: 1,
  kind: 'action',
  title: 'MQTT publish',
  description: 'Publish a message to an MQTT topic.',
  category: 'Messaging',
  keywords: ['mqtt', 'iot', 'publish', 'topic', 'message', 'broker'],
  credentials: { broker: mqttCredential },
  input: z.object({
    topic: z
      .string()
      .min(1)
      .refine((topic) => !/[+#]/.test(topic), 'wildcards (+, #) are for subscribing, not publishing'),
    payload: z.unknown().describe('Strings are sent as they are, anything else as JSON'),
    qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(1),
    retain: z.boolean().default(false),
  }),
  output: z.object({ topic: z.string(), qos: z.number().int(), retained: z.boolean() }),
  ui: {
    topic: { label: 'Topic', widget: 'expression', placeholder: 'sensors/kitchen/temperature', order: 1 },
    payload: { label: 'Payload', widget: 'code', help: 'Text, JSON or {{ expression }}', order: 2 },
    qos: { label: 'QoS', widget: 'select', help: '0 at most once, 1 at least once, 2 exactly once', order: 3 },
    retain: { label: 'Retain', widget: 'toggle', order: 4 },
  },
  retry: { maxAttempts: 3, initialIntervalMs: 1000, backoffCoefficient: 2, maxIntervalMs: 30_000 },
  timeoutMs: 30_000,
  async run(input, ctx) {
    const broker = await readCredential(ctx.credentials, 'broker', mqttCredential);
    const { body } = encodeMessage(input.payload);
    await withMqttClient(broker, ctx.signal, (client) =>
      client.publishAsync(input.topic, body, { qos: input.qos, retain: input.retain }),
    );
    return { topic: input.topic, qos: input.qos, retained: input.retain };
  },
});
