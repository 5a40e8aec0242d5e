import { defineCredential } from '@pipewright/step-sdk';
import { z } from 'zod';
import { withMqttClient } from './mqtt-client.ts';

/** An MQTT broker; its "Test connection" connects and disconnects. */
export const mqttCredential = defineCredential({
  type: 'mqtt',
  version: 1,
  title: 'MQTT broker',
  description: 'Host, port and optional user and password of an MQTT broker.',
  fields: z
    .object({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535).default(1883),
      username: z.string().optional(),
      password: z.string().default(''),
      tls: z.boolean().default(false),
      clientIdPrefix: z.string().min(1).max(40).default('pipewright'),
    })
    .refine((values) => !values.password || values.username, {
      path: ['username'],
      message: 'MQTT needs a user name when a password is set',
    }),
  secretFields: ['password'],
  ui: {
    host: { label: 'Host', order: 1 },
    port: { label: 'Port', widget: 'number', order: 2 },
    username: { label: 'User', order: 3 },
    password: { label: 'Password', order: 4 },
    tls: { label: 'Use TLS (mqtts)', widget: 'toggle', order: 5 },
    clientIdPrefix: { label: 'Client id prefix', order: 6 },
  },
  async test(values, ctx) {
    await withMqttClient(values, ctx.signal, async () => {});
  },
});
