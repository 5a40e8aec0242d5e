import { connectorError, errorCode, errorMessage, isTransientNetworkError } from '@pipewright/connectors-common';
import { defineStep, isStepError, readCredential, StepError, scrubSecrets } from '@pipewright/step-sdk';
import { z } from 'zod';
import { chatWebhookCredential } from './chat-webhook.credential.ts';

const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** Posts a message to a chat channel through its incoming webhook, with Slack's payload `{ text, blocks }`. */
export const chatSendMessageStep = defineStep({
  type: 'chat.sendMessage',
  version: 1,
  kind: 'action',
  title: 'Send chat message',
  description: 'Post a message to a Slack (or Slack-compatible) channel through an incoming webhook.',
  category: 'Communication',
  keywords: ['slack', 'chat', 'message', 'notify', 'webhook', 'mattermost', 'rocket.chat'],
  credentials: { webhook: chatWebhookCredential },
  input: z.object({
    text: z.string().min(1).describe('The message; also the notification text when blocks are given'),
    blocks: z.array(z.record(z.string(), z.unknown())).optional().describe('Slack Block Kit blocks'),
  }),
  output: z.object({ status: z.number().int(), response: z.string() }),
  ui: {
    text: { label: 'Message', widget: 'textarea', order: 1 },
    blocks: { label: 'Blocks (JSON)', widget: 'code', help: 'Optional Block Kit layout', order: 2 },
  },
  retry: { maxAttempts: 3, initialIntervalMs: 1000, backoffCoefficient: 2, maxIntervalMs: 30_000 },
  timeoutMs: 30_000,
  async run(input, ctx) {
    const { url } = await readCredential(ctx.credentials, 'webhook', chatWebhookCredential);
    const parsed = new URL(url);
    // The URL carries the token: hide it, and its path alone, from every message.
    const secrets = [url, parsed.pathname.length > 1 ? `${parsed.pathname}${parsed.search}` : ''];
    const payload = { text: input.text, ...(input.blocks ? { blocks: input.blocks } : {}) };
    let response: Awaited<ReturnType<typeof ctx.http.request>>;
    try {
      response = await ctx.http.request({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        timeoutMs: 15_000,
      });
    } catch (error) {
      if (isStepError(error)) {
        throw new StepError(scrubSecrets(error.message, secrets), { retryable: error.retryable });
      }
      const code = errorCode(error);
      throw connectorError(
        `could not reach the chat webhook (${parsed.host}): ${errorMessage(error)}${code ? ` (${code})` : ''}`,
        {
          retryable: isTransientNetworkError(error) || code === 'UND_ERR_CONNECT_TIMEOUT',
          secrets,
        },
      );
    }
    const body = response.body.slice(0, 500);
    if (response.status >= 200 && response.status < 300) return { status: response.status, response: body };
    // Slack answers errors as plain text: `invalid_payload`, `channel_not_found`, `rate_limited`…
    const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    throw connectorError(`chat webhook (${parsed.host}) answered ${response.status}: ${body || '(empty)'}`, {
      retryable: response.status === 429 || response.status === 408 || response.status >= 500,
      secrets,
      details: { status: response.status },
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  },
});

function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) ? Math.min(Math.max(seconds * 1000, 0), MAX_RETRY_AFTER_MS) : undefined;
}
