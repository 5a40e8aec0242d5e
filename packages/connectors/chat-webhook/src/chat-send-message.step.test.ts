import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { type HttpPort, isStepError, toCredentialManifest, toManifest } from '@pipewright/step-sdk';
import { createTestContext, runStep } from '@pipewright/step-sdk/testing';
import { chatSendMessageStep } from './chat-send-message.step.ts';
import { chatWebhookCredential } from './chat-webhook.credential.ts';

/** A real HTTP port over fetch (the worker's adds the SSRF guard, which would block this local endpoint). */
const fetchHttp: HttpPort = {
  async request(request) {
    const response = await fetch(request.url, {
      method: request.method,
      ...(request.headers ? { headers: request.headers } : {}),
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
  },
};

interface Delivery {
  path: string;
  contentType: string;
  body: unknown;
}

describe('chat.sendMessage against a local webhook endpoint', () => {
  const deliveries: Delivery[] = [];
  let answer: (response: ServerResponse) => void = (response) => response.end('ok');
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      deliveries.push({
        path: request.url ?? '',
        contentType: request.headers['content-type'] ?? '',
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      answer(response);
    });
  });
  let hookUrl = '';
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    assert.ok(address && typeof address === 'object');
    hookUrl = `http://127.0.0.1:${address.port}/services/T0001/B0002/SecretToken123`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const send = (input: Record<string, unknown>, url = hookUrl) =>
    runStep(chatSendMessageStep, input, createTestContext({ http: fetchHttp, credentials: { webhook: { url } } }));

  function assertStepError(retryable: boolean, pattern: RegExp) {
    return (error: unknown) => {
      assert.ok(isStepError(error), `expected a StepError, got ${String(error)}`);
      assert.equal(error.retryable, retryable, error.message);
      assert.match(error.message, pattern);
      assert.ok(!error.message.includes('SecretToken123'), `webhook token leaked: ${error.message}`);
      return true;
    };
  }

  it('declares its credential slot, whose URL is secret and which cannot be tested without posting', () => {
    assert.deepEqual(toManifest(chatSendMessageStep).credentials, { webhook: 'chat.webhook' });
    const manifest = toCredentialManifest(chatWebhookCredential);
    assert.deepEqual([manifest.secretFields, manifest.testable], [['url'], false]);
  });

  it('posts a Slack-compatible JSON payload with text and blocks', async () => {
    answer = (response) => response.end('ok');
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Order 42* shipped' } }];
    const output = await send({ text: 'Order 42 shipped', blocks });
    assert.deepEqual(output, { status: 200, response: 'ok' });
    assert.deepEqual(deliveries.at(-1), {
      path: '/services/T0001/B0002/SecretToken123',
      contentType: 'application/json',
      body: { text: 'Order 42 shipped', blocks },
    });
  });

  it('sends only text when there are no blocks', async () => {
    answer = (response) => response.end('ok');
    await send({ text: 'plain' });
    assert.deepEqual(deliveries.at(-1)?.body, { text: 'plain' });
  });

  it("fails without retry on a 4xx, with Slack's reason and without the URL", async () => {
    answer = (response) => {
      response.statusCode = 404;
      response.end('channel_not_found');
    };
    await assert.rejects(send({ text: 'x' }), assertStepError(false, /answered 404: channel_not_found/));
  });

  it('retries a 429 after the Retry-After delay', async () => {
    answer = (response) => {
      response.statusCode = 429;
      response.setHeader('retry-after', '7');
      response.end('rate_limited');
    };
    await assert.rejects(send({ text: 'x' }), (error: unknown) => {
      assertStepError(true, /answered 429: rate_limited/)(error);
      assert.equal(isStepError(error) && error.retryAfterMs, 7000);
      return true;
    });
  });

  it('retries a 5xx', async () => {
    answer = (response) => {
      response.statusCode = 503;
      response.end();
    };
    await assert.rejects(send({ text: 'x' }), assertStepError(true, /answered 503: \(empty\)/));
  });

  it('retries when the endpoint cannot be reached, without the URL in the message', async () => {
    // A port that was free a moment ago (fetch refuses to even try "unsafe" ports such as 1).
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = closed.address();
    assert.ok(address && typeof address === 'object');
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(
      send({ text: 'x' }, `http://127.0.0.1:${address.port}/services/T0001/B0002/SecretToken123`),
      assertStepError(true, /could not reach the chat webhook \(127\.0\.0\.1:\d+\).*ECONNREFUSED/),
    );
  });
});
