/**
 * Running behind a TLS-terminating proxy (`PIPEWRIGHT_TRUST_PROXY`) and the request limits' settings: what
 * config.ts accepts, and what the real app does with them (session cookie `Secure`, client address, depth limits).
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ApiErrorBody } from '@pipewright/api-contract';
import request from 'supertest';
import { createApp } from './app.ts';
import { DEFAULT_REQUEST_LIMITS, readServerConfig, readTrustProxy } from './config.ts';
import { type Harness, startHarness } from './test-support.ts';

let harness: Harness;
before(async () => {
  harness = await startHarness({ worker: false });
});
after(async () => {
  await harness?.stop();
});

/** The same database and Temporal as the harness, with other settings. */
const appWith = (settings: Pick<Parameters<typeof createApp>[0], 'trustProxy' | 'limits'>) =>
  createApp({ db: harness.db, temporal: harness.temporal, taskQueue: harness.taskQueue, log: () => {}, ...settings });

function sessionCookieOf(response: { headers: Record<string, unknown> }): string {
  const cookies = response.headers['set-cookie'];
  const cookie = Array.isArray(cookies) ? cookies.find((value) => String(value).startsWith('pw_session=')) : undefined;
  assert.ok(cookie !== undefined, 'a session cookie is set');
  return String(cookie);
}

describe('PIPEWRIGHT_TRUST_PROXY', () => {
  test('unset, empty or false: no proxy is trusted (./pw dev, a server reached directly)', () => {
    for (const value of [undefined, '', 'false', '  ']) assert.equal(readTrustProxy(value), false);
    assert.equal(readServerConfig({}).trustProxy, false);
  });

  test('a hop count, or addresses, subnets and named ranges', () => {
    assert.equal(readTrustProxy('1'), 1);
    assert.deepEqual(readTrustProxy('loopback, 10.0.0.0/8,fd00::/8, 192.168.1.10'), [
      'loopback',
      '10.0.0.0/8',
      'fd00::/8',
      '192.168.1.10',
    ]);
    assert.deepEqual(readServerConfig({ PIPEWRIGHT_TRUST_PROXY: 'uniquelocal' }).trustProxy, ['uniquelocal']);
  });

  test('true (anybody may claim any address) and malformed entries are refused at start, naming the setting', () => {
    assert.throws(() => readTrustProxy('true'), /^Error: PIPEWRIGHT_TRUST_PROXY=true would trust X-Forwarded-For/);
    assert.throws(() => readTrustProxy('0'), /hop count must be 1 to 10/);
    for (const bad of ['proxy.internal', '10.0.0.0/33', '10.0.0.1/8/1', 'loopback,']) {
      assert.throws(() => readTrustProxy(bad), /^Error: PIPEWRIGHT_TRUST_PROXY: ".*" is not an address/, bad);
    }
  });

  test('by default X-Forwarded-Proto is ignored: the session cookie is not Secure over plain HTTP', async () => {
    const app = await appWith({});
    const response = await request(app)
      .post('/api/auth/login')
      .set('x-forwarded-proto', 'https')
      .set('x-forwarded-for', '203.0.113.7')
      .send({ email: harness.admin.email, password: harness.admin.password })
      .expect(200);
    assert.doesNotMatch(sessionCookieOf(response), /;\s*Secure/i);
    const trusts: (address: string, hop: number) => boolean = app.get('trust proxy fn');
    assert.equal(trusts('127.0.0.1', 0), false);
  });

  test('behind a trusted proxy that terminated TLS, the session cookie is Secure and the client address is real', async () => {
    const app = await appWith({ trustProxy: ['loopback'] });
    const response = await request(app)
      .post('/api/auth/login')
      .set('x-forwarded-proto', 'https')
      .set('x-forwarded-for', '203.0.113.7')
      .send({ email: harness.admin.email, password: harness.admin.password })
      .expect(200);
    assert.match(sessionCookieOf(response), /;\s*Secure/i);
    // supertest connects from loopback: the proxy.  Express then reads the client from X-Forwarded-For.
    const trusts: (address: string, hop: number) => boolean = app.get('trust proxy fn');
    assert.equal(trusts('127.0.0.1', 0), true);
    assert.equal(trusts('203.0.113.7', 1), false, 'an address the client wrote is not a proxy');
    // A peer that is not a trusted proxy cannot make itself HTTPS.
    const outside = await appWith({ trustProxy: ['10.0.0.0/8'] });
    const direct = await request(outside)
      .post('/api/auth/login')
      .set('x-forwarded-proto', 'https')
      .send({ email: harness.admin.email, password: harness.admin.password })
      .expect(200);
    assert.doesNotMatch(sessionCookieOf(direct), /;\s*Secure/i);
  });
});

describe('PIPEWRIGHT_MAX_DOCUMENT_DEPTH / PIPEWRIGHT_MAX_PAYLOAD_DEPTH', () => {
  test('defaults 64 and 256; overrides within 1…1000, the document limit below the payload limit', () => {
    assert.deepEqual(readServerConfig({}).limits, { maxDocumentDepth: 64, maxPayloadDepth: 256 });
    assert.deepEqual(DEFAULT_REQUEST_LIMITS, { maxDocumentDepth: 64, maxPayloadDepth: 256 });
    assert.deepEqual(
      readServerConfig({ PIPEWRIGHT_MAX_DOCUMENT_DEPTH: '32', PIPEWRIGHT_MAX_PAYLOAD_DEPTH: '100' }).limits,
      { maxDocumentDepth: 32, maxPayloadDepth: 100 },
    );
    assert.throws(() => readServerConfig({ PIPEWRIGHT_MAX_PAYLOAD_DEPTH: '5000' }), /from 1 to 1000, got "5000"/);
    assert.throws(() => readServerConfig({ PIPEWRIGHT_MAX_DOCUMENT_DEPTH: 'deep' }), /whole number/);
    assert.throws(
      () => readServerConfig({ PIPEWRIGHT_MAX_DOCUMENT_DEPTH: '300' }),
      /PIPEWRIGHT_MAX_DOCUMENT_DEPTH \(300\) must be below PIPEWRIGHT_MAX_PAYLOAD_DEPTH \(256\)/,
    );
  });

  test('the app applies configured limits to request bodies and flow documents', async () => {
    const app = await appWith({ limits: { maxDocumentDepth: 4, maxPayloadDepth: 8 } });
    const node = (config: unknown) => ({
      id: 'start',
      type: 'core.manual',
      typeVersion: 1,
      position: { x: 0, y: 0 },
      config,
    });
    const post = (body: object) =>
      request(app).post('/api/flows').set('authorization', `Bearer ${harness.admin.token}`).send(body);
    // document 1 → nodes 2 → node 3 → config 4.
    await post({ name: 'Shallow', document: { schemaVersion: 1, nodes: [node({})], edges: [] } }).expect(201);
    const deeper = await post({ name: 'Deeper', document: { schemaVersion: 1, nodes: [node({ a: {} })], edges: [] } });
    assert.equal(deeper.status, 400);
    assert.equal(
      (deeper.body as ApiErrorBody).error.message,
      'document.nodes.0.config.a: JSON nests deeper than 4 levels, the limit for flow documents',
    );
    const response = await request(app)
      .post('/api/auth/login')
      .set('content-type', 'application/json')
      .send('{"email":[[[[[[[[["x"]]]]]]]]]}')
      .expect(400);
    assert.equal(
      (response.body as ApiErrorBody).error.message,
      'body: JSON nests deeper than 8 levels, the limit for request bodies',
    );
  });
});
