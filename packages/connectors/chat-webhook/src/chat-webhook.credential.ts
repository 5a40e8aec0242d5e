import { defineCredential } from '@pipewright/step-sdk';
import { z } from 'zod';

/**
 * An incoming-webhook URL (Slack, or any chat tool that accepts Slack's `{ text, blocks }` payload).  The URL is the
 * secret: whoever has it can post.  No `test()`: the only way to test a webhook is to post a message.
 */
export const chatWebhookCredential = defineCredential({
  type: 'chat.webhook',
  version: 1,
  title: 'Chat incoming webhook',
  description: 'The incoming-webhook URL of a Slack (or Slack-compatible) channel.',
  fields: z.object({ url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }) }),
  secretFields: ['url'],
  ui: { url: { label: 'Webhook URL', placeholder: 'https://hooks.slack.com/services/…' } },
});
