import { createHash } from 'node:crypto';
import { defineStep, readCredential } from '@pipewright/step-sdk';
import { z } from 'zod';
import { smtpCredential } from './smtp.credential.ts';
import { withSmtpTransport } from './smtp-transport.ts';

const addresses = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/**
 * Sends one e-mail.  The Message-ID is derived from the run's idempotency key, so a message re-sent by a retried
 * attempt carries the same id and mail clients show it once.
 */
export const smtpSendStep = defineStep({
  type: 'smtp.send',
  version: 1,
  kind: 'action',
  title: 'Send e-mail',
  description: 'Send an e-mail through an SMTP server.',
  category: 'Communication',
  keywords: ['email', 'e-mail', 'mail', 'smtp', 'send', 'notify'],
  credentials: { smtp: smtpCredential },
  input: z
    .object({
      from: z.string().min(1).describe('"Name <address>" or an address'),
      to: addresses,
      cc: addresses.optional(),
      bcc: addresses.optional(),
      replyTo: z.string().min(1).optional(),
      subject: z.string(),
      text: z.string().optional(),
      html: z.string().optional(),
    })
    .refine((input) => input.text !== undefined || input.html !== undefined, {
      path: ['text'],
      message: 'give a text or an HTML body',
    }),
  output: z.object({
    messageId: z.string(),
    accepted: z.array(z.string()),
    rejected: z.array(z.string()),
  }),
  ui: {
    from: { label: 'From', widget: 'expression', order: 1 },
    to: { label: 'To', widget: 'expression', order: 2 },
    cc: { label: 'Cc', widget: 'expression', order: 3 },
    bcc: { label: 'Bcc', widget: 'expression', order: 4 },
    replyTo: { label: 'Reply to', widget: 'expression', order: 5 },
    subject: { label: 'Subject', widget: 'expression', order: 6 },
    text: { label: 'Text body', widget: 'textarea', order: 7 },
    html: { label: 'HTML body', widget: 'code', order: 8 },
  },
  retry: { maxAttempts: 3, initialIntervalMs: 2000, backoffCoefficient: 2, maxIntervalMs: 60_000 },
  timeoutMs: 60_000,
  async run(input, ctx) {
    const smtp = await readCredential(ctx.credentials, 'smtp', smtpCredential);
    const messageId = `<${createHash('sha256').update(ctx.run.idempotencyKey).digest('hex').slice(0, 32)}@pipewright>`;
    const info = await withSmtpTransport(smtp, ctx.signal, (transport) =>
      transport.sendMail({
        from: input.from,
        to: input.to,
        ...(input.cc === undefined ? {} : { cc: input.cc }),
        ...(input.bcc === undefined ? {} : { bcc: input.bcc }),
        ...(input.replyTo === undefined ? {} : { replyTo: input.replyTo }),
        subject: input.subject,
        ...(input.text === undefined ? {} : { text: input.text }),
        ...(input.html === undefined ? {} : { html: input.html }),
        messageId,
      }),
    );
    return {
      messageId: typeof info.messageId === 'string' ? info.messageId : messageId,
      accepted: (info.accepted ?? []).map(addressText),
      rejected: (info.rejected ?? []).map(addressText),
    };
  },
});

function addressText(address: string | { address: string }): string {
  return typeof address === 'string' ? address : address.address;
}
