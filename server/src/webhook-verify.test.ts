import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  bodyDeliveryRunIds,
  deliveryIdOf,
  deliveryRunId,
  signGithub,
  signHmac,
  signStandard,
  type VerifyInput,
  verifyWebhook,
  webhookSecretHint,
} from './webhook-verify.ts';

// Published test vectors: the Standard Webhooks reference libraries' and GitHub's documentation example.
const STANDARD = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: Buffer.from('{"test": 2432232314}'),
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const GITHUB = {
  secret: "It's a Secret to Everybody",
  body: Buffer.from('Hello, World!'),
  signature: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
};

function standardInput(headers: Record<string, string>, overrides: Partial<VerifyInput> = {}): VerifyInput {
  return {
    scheme: 'standard',
    secret: STANDARD.secret,
    headers: {
      'webhook-id': STANDARD.id,
      'webhook-timestamp': String(STANDARD.timestamp),
      'webhook-signature': STANDARD.signature,
      ...headers,
    },
    body: STANDARD.body,
    nowSeconds: STANDARD.timestamp,
    ...overrides,
  };
}

describe('Standard Webhooks', () => {
  test('signs the published test vector', () => {
    assert.equal(signStandard(STANDARD), STANDARD.signature);
  });

  test('accepts the vector, also among several space-separated signatures', () => {
    assert.deepEqual(verifyWebhook(standardInput({})), { ok: true });
    const rotated = `v1,${Buffer.alloc(32).toString('base64')} ${STANDARD.signature}`;
    assert.deepEqual(verifyWebhook(standardInput({ 'webhook-signature': rotated })), { ok: true });
  });

  const refusals: [string, Record<string, string>, Partial<VerifyInput>, string, RegExp][] = [
    [
      'a changed body',
      {},
      { body: Buffer.from('{"test": 2432232315}') },
      'invalid_signature',
      /^webhook-signature does not match$/,
    ],
    ['another secret', {}, { secret: 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }, 'invalid_signature', /does not match/],
    ['a changed id', { 'webhook-id': 'msg_other' }, {}, 'invalid_signature', /does not match/],
    [
      'a v2 signature only',
      { 'webhook-signature': STANDARD.signature.replace('v1,', 'v2,') },
      {},
      'invalid_signature',
      /does not match/,
    ],
    [
      'a missing signature',
      { 'webhook-signature': '' },
      {},
      'invalid_signature',
      /webhook-signature header is missing/,
    ],
    ['a missing id', { 'webhook-id': '' }, {}, 'invalid_signature', /webhook-id/],
    [
      'a timestamp 301 s old',
      {},
      { nowSeconds: STANDARD.timestamp + 301 },
      'invalid_timestamp',
      /^webhook-timestamp .*5 minutes/,
    ],
    ['a timestamp 301 s ahead', {}, { nowSeconds: STANDARD.timestamp - 301 }, 'invalid_timestamp', /webhook-timestamp/],
    [
      'a timestamp in milliseconds',
      { 'webhook-timestamp': '1614265330000' },
      {},
      'invalid_timestamp',
      /webhook-timestamp/,
    ],
    ['a non-numeric timestamp', { 'webhook-timestamp': 'yesterday' }, {}, 'invalid_timestamp', /webhook-timestamp/],
  ];
  for (const [name, headers, overrides, code, message] of refusals) {
    test(`refuses ${name}`, () => {
      const result = verifyWebhook(standardInput(headers, overrides));
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.code, code);
      assert.match(result.message, message);
      assert.ok(!result.message.includes(STANDARD.signature.slice(3)), 'never echoes the expected signature');
    });
  }

  test('accepts timestamps exactly 5 minutes either side', () => {
    assert.deepEqual(verifyWebhook(standardInput({}, { nowSeconds: STANDARD.timestamp + 300 })), { ok: true });
    assert.deepEqual(verifyWebhook(standardInput({}, { nowSeconds: STANDARD.timestamp - 300 })), { ok: true });
  });
});

describe('GitHub X-Hub-Signature-256', () => {
  const input = (signature: string | undefined, body = GITHUB.body): VerifyInput => ({
    scheme: 'github',
    secret: GITHUB.secret,
    headers: { 'x-hub-signature-256': signature },
    body,
    nowSeconds: 0,
  });

  test('signs and accepts GitHub’s documented example', () => {
    assert.equal(signGithub(GITHUB.secret, GITHUB.body), GITHUB.signature);
    assert.deepEqual(verifyWebhook(input(GITHUB.signature)), { ok: true });
    assert.deepEqual(verifyWebhook(input(GITHUB.signature.toUpperCase().replace('SHA256=', 'sha256='))), { ok: true });
  });

  test('refuses a changed body, a bare hex digest and a missing header', () => {
    assert.deepEqual(verifyWebhook(input(GITHUB.signature, Buffer.from('Hello, World?'))), {
      ok: false,
      code: 'invalid_signature',
      message: 'x-hub-signature-256 does not match',
    });
    assert.equal(verifyWebhook(input(GITHUB.signature.slice('sha256='.length))).ok, false);
    assert.match(
      (verifyWebhook(input(undefined)) as { message: string }).message,
      /x-hub-signature-256 header is missing/,
    );
  });
});

describe('generic HMAC-SHA256', () => {
  const body = Buffer.from('{"amount":42}');
  const secret = 'whsec_c2VjcmV0';
  const input = (headers: Record<string, string>, signatureHeader?: string): VerifyInput => ({
    scheme: 'hmac',
    secret,
    headers,
    body,
    nowSeconds: 0,
    signatureHeader,
  });

  test('accepts hex, base64 and a sha256= prefix in the configured header', () => {
    assert.deepEqual(verifyWebhook(input({ 'x-signature': signHmac(secret, body) })), { ok: true });
    assert.deepEqual(verifyWebhook(input({ 'x-signature': signHmac(secret, body, 'base64') })), { ok: true });
    assert.deepEqual(verifyWebhook(input({ 'x-signature': `sha256=${signHmac(secret, body)}` })), { ok: true });
    const custom = input({ 'x-acme-signature': signHmac(secret, body) }, 'X-Acme-Signature');
    assert.deepEqual(verifyWebhook(custom), { ok: true });
  });

  test('refuses the signature in another header, or of another body', () => {
    const wrongHeader = verifyWebhook(input({ 'x-signature': signHmac(secret, body) }, 'x-acme-signature'));
    assert.deepEqual(wrongHeader, {
      ok: false,
      code: 'invalid_signature',
      message: 'x-acme-signature header is missing',
    });
    const otherBody = verifyWebhook(input({ 'x-signature': signHmac(secret, Buffer.from('{"amount":43}')) }));
    assert.equal(otherBody.ok, false);
  });
});

describe('delivery ids and hints', () => {
  test('each scheme reads its sender’s delivery header; none means no dedupe', () => {
    assert.equal(deliveryIdOf('standard', { 'webhook-id': 'msg_1', 'idempotency-key': 'k' }), 'msg_1');
    assert.equal(deliveryIdOf('github', { 'x-github-delivery': 'gh-1' }), 'gh-1');
    assert.equal(deliveryIdOf('none', { 'idempotency-key': 'k1', 'x-delivery-id': 'd1' }), 'k1');
    assert.equal(deliveryIdOf('hmac', { 'x-delivery-id': 'd1' }), 'd1');
    assert.equal(deliveryIdOf('none', { 'idempotency-key': '  ' }), undefined);
  });

  test('run ids are stable per flow and delivery, and differ across flows', () => {
    assert.equal(deliveryRunId('flw_a', 'd1'), deliveryRunId('flw_a', 'd1'));
    assert.notEqual(deliveryRunId('flw_a', 'd1'), deliveryRunId('flw_b', 'd1'));
    assert.match(deliveryRunId('flw_a', 'd1'), /^run_flw_a_[0-9a-f]{32}$/);
  });

  test('a delivery without an id: the same request shares a run id within the window, across its boundary too', () => {
    const request = { method: 'POST', query: {}, body: { order: 7 } };
    const at = (ms: number) => bodyDeliveryRunIds('flw_a', request, 60, ms);
    const windowStart = 60_000 * 1_000;
    // Same window: same id.
    assert.equal(at(windowStart + 1_000).current, at(windowStart + 59_000).current);
    // The next window's `earlier` is this window's run, counted only if it started within the last 60 s.
    const next = at(windowStart + 61_000);
    assert.notEqual(next.current, at(windowStart + 1_000).current);
    assert.equal(next.earlier.runId, at(windowStart + 1_000).current);
    assert.equal(next.earlier.notBefore.getTime(), windowStart + 1_000);
    // Another body, query, method or flow is another delivery.
    const other = (change: Partial<typeof request>, flowId = 'flw_a') =>
      bodyDeliveryRunIds(flowId, { ...request, ...change }, 60, windowStart).current;
    const same = at(windowStart).current;
    assert.notEqual(other({ body: { order: 8 } }), same);
    assert.notEqual(other({ query: { page: '2' } }), same);
    assert.notEqual(other({ method: 'PUT' }), same);
    assert.notEqual(other({}, 'flw_b'), same);
    assert.match(same, /^run_flw_a_[0-9a-f]{32}$/);
  });

  test('the hint shows the prefix and the last four characters only', () => {
    assert.equal(webhookSecretHint('whsec_abcdefghijklmnopqrstuvwxyz1234'), 'whsec_…1234');
  });
});
