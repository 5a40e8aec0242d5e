import { defineCredential } from '@pipewright/step-sdk';
import { z } from 'zod';
import { withSmtpTransport } from './smtp-transport.ts';

/** An SMTP server; its "Test connection" connects, says hello and logs in (nodemailer's verify). */
export const smtpCredential = defineCredential({
  type: 'smtp',
  version: 1,
  title: 'SMTP server',
  description: 'Host, port, TLS mode and login of the SMTP server that sends e-mail.',
  fields: z.object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(587),
    secure: z.boolean().default(false).describe('TLS from the start (usually port 465); otherwise STARTTLS if offered'),
    requireTls: z.boolean().default(false).describe('Refuse to send when the server does not offer STARTTLS'),
    username: z.string().optional(),
    password: z.string().default(''),
  }),
  secretFields: ['password'],
  ui: {
    host: { label: 'Host', placeholder: 'smtp.example.com', order: 1 },
    port: { label: 'Port', widget: 'number', order: 2 },
    secure: { label: 'TLS from the start (465)', widget: 'toggle', order: 3 },
    requireTls: { label: 'Require STARTTLS', widget: 'toggle', order: 4 },
    username: { label: 'User', order: 5 },
    password: { label: 'Password', order: 6 },
  },
  async test(values, ctx) {
    await withSmtpTransport(values, ctx.signal, (transport) => transport.verify());
  },
});
