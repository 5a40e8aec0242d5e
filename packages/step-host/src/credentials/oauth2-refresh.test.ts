import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { getTestStack, uniqueName } from '@pipewright/devstack';
import { createKeyring, openCredential, sealCredential } from '@pipewright/secrets';
import { defineStep, oauth2Credential, StepError } from '@pipewright/step-sdk';
import { type Db, MongoClient } from 'mongodb';
import { Events, OAuth2Server } from 'oauth2-mock-server';
import { z } from 'zod';
import { createMongoCredentialResolver } from './credential-resolver.ts';
import { createStepCredentials } from './step-credentials.ts';

const keyring = createKeyring({ keys: [{ id: 'k1', key: randomBytes(32) }], primary: 'k1' });
const workspaceId = 'ws_oauth2';
let provider: OAuth2Server;
let tokenUrl = '';
let mongo: MongoClient;
let db: Db;
/** Refresh tokens the provider still accepts: each is single-use, like many real providers. */
const liveRefreshTokens = new Set<string>();
let refreshGrants = 0;
let lifetimeSeconds = 3600;

before(async () => {
  const stack = await getTestStack();
  mongo = await new MongoClient(stack.mongoUri).connect();
  db = mongo.db(uniqueName('oauth2'));
  provider = new OAuth2Server();
  await provider.issuer.keys.generate('RS256');
  await provider.start(0, '127.0.0.1');
  tokenUrl = `${provider.issuer.url}/token`;
  provider.service.on(Events.BeforeResponse, (response, req) => {
    const body = req.body as Record<string, string>;
    if (body.grant_type !== 'refresh_token') return;
    refreshGrants++;
    console.log(
      'GRANT',
      body.refresh_token,
      liveRefreshTokens.has(body.refresh_token ?? ''),
      new Error().stack?.split('\n').length,
    );
    const presented = body.refresh_token ?? '';
    if (!liveRefreshTokens.delete(presented)) {
      response.statusCode = 400;
      response.body = { error: 'invalid_grant' };
      return;
    }
    const issued = response.body as Record<string, unknown>;
    liveRefreshTokens.add(String(issued.refresh_token));
    issued.expires_in = lifetimeSeconds;
  });
});

after(async () => {
  await db?.dropDatabase().catch(() => {});
  await mongo?.close();
  await provider?.stop();
});

beforeEach(() => {
  refreshGrants = 0;
  lifetimeSeconds = 3600;
});

/** Stores an oauth2 credential the way the server does (sealed, version 1) with the given token state. */
async function storeCredential(tokens: { accessToken: string; expiresAt: number }): Promise<string> {
  const id = uniqueName('cred');
  const refreshToken = `refresh-${randomBytes(8).toString('hex')}`;
  liveRefreshTokens.add(refreshToken);
  const values = {
    clientId: 'pipewright',
    clientSecret: 'client-secret-value',
    authorizationUrl: `${provider.issuer.url}/authorize`,
    tokenUrl,
    scopes: ['read'],
    refreshToken,
    ...tokens,
  };
  await db.collection<{ _id: string } & Record<string, unknown>>('credentials').insertOne({
    _id: id,
    workspaceId,
    name: `OAuth ${id}`,
    type: 'oauth2',
    typeVersion: 1,
    sealed: sealCredential(keyring, values, { workspaceId, credentialId: id }),
    version: 1,
    createdAt: new Date(),
    updatedAt: new Date(),
    lastUsedAt: null,
  });
  return id;
}

async function storedValues(id: string): Promise<Record<string, unknown>> {
  const found = await db.collection<{ _id: string; sealed: never }>('credentials').findOne({ _id: id });
  assert.ok(found);
  return openCredential(keyring, found.sealed, { workspaceId, credentialId: id }) as Record<string, unknown>;
}

const request = (credentialId: string) => ({
  workspaceId,
  credentialId,
  slot: 'api',
  expected: oauth2Credential,
  nodeId: 'call',
  workflowId: 'run-1',
});

describe('OAuth2 tokens in the worker', () => {
  test('a token expiring within 60 s is refreshed before the step gets it, and the new tokens are stored sealed', async () => {
    const id = await storeCredential({ accessToken: 'old-access-token', expiresAt: Date.now() + 30_000 });
    const resolver = createMongoCredentialResolver({ db, keyring });
    const values = await resolver.resolve(request(id));
    assert.equal(refreshGrants, 1);
    assert.notEqual(values.accessToken, 'old-access-token');
    const stored = await storedValues(id);
    assert.equal(stored.accessToken, values.accessToken);
    assert.ok(Number(stored.expiresAt) > Date.now() + 3_000_000, 'expiry comes from expires_in');
    const raw = JSON.stringify(await db.collection('credentials').findOne({ _id: id as never }));
    assert.ok(!raw.includes(String(values.accessToken)), 'the access token is not stored in plaintext');

    const again = await resolver.resolve(request(id));
    assert.equal(again.accessToken, values.accessToken, 'a fresh token is reused');
    assert.equal(refreshGrants, 1);
  });

  test('parallel activities with an expired token cause one refresh of the single-use refresh token', async () => {
    lifetimeSeconds = 3600;
    const id = await storeCredential({ accessToken: 'expired-token', expiresAt: Date.now() - 1000 });
    const sameProcess = createMongoCredentialResolver({ db, keyring });
    const otherProcess = createMongoCredentialResolver({ db, keyring });
    const results = await Promise.all([
      ...Array.from({ length: 4 }, () => sameProcess.resolve(request(id))),
      otherProcess.resolve(request(id)),
    ]);
    const tokens = new Set(results.map((values) => values.accessToken));
    assert.equal(tokens.size, 1, 'every activity got the same new token');
    assert.ok(!tokens.has('expired-token'));
    assert.equal((await storedValues(id)).accessToken, [...tokens][0]);
    assert.equal(refreshGrants, 1, 'one refresh-token grant for five concurrent resolutions');
  });

  test('a step that gets 401 asks for a refresh and retries once with the new token', async () => {
    const id = await storeCredential({ accessToken: 'revoked-token', expiresAt: Date.now() + 3_600_000 });
    const seen: string[] = [];
    const api = createServer((req, res) => {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      seen.push(token);
      res.writeHead(token === 'revoked-token' ? 401 : 200).end();
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(api.address() as AddressInfo).port}/me`;
      const step = defineStep({
        type: 'test.oauthCall',
        version: 1,
        kind: 'action',
        title: 'OAuth call',
        description: 'Calls an API with an OAuth2 token, refreshing once on 401',
        credentials: { api: oauth2Credential },
        input: z.object({}),
        output: z.object({ status: z.number() }),
        async run() {
          return { status: 0 };
        },
      });
      const credentials = createStepCredentials({
        step,
        refs: { api: id },
        workspaceId,
        nodeId: 'call',
        workflowId: 'run-2',
        resolver: createMongoCredentialResolver({ db, keyring }),
      });
      const call = async (token: unknown) =>
        (await fetch(url, { headers: { authorization: `Bearer ${String(token)}` } })).status;
      let values = await credentials.port.get('api');
      let status = await call(values.accessToken);
      assert.equal(status, 401);
      values = await credentials.port.refresh('api');
      status = await call(values.accessToken);
      assert.equal(status, 200);
      assert.equal(refreshGrants, 1);
      assert.deepEqual(seen.slice(0, 1), ['revoked-token']);
      assert.ok(credentials.secrets().includes(String(values.accessToken)), 'the new token is scrubbed too');
    } finally {
      await closeServer(api);
    }
  });

  test('a revoked refresh token fails the step without retry, naming what to do and no token', async () => {
    const id = await storeCredential({ accessToken: 'old', expiresAt: Date.now() - 1000 });
    liveRefreshTokens.clear();
    const error = await createMongoCredentialResolver({ db, keyring })
      .resolve(request(id))
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    assert.ok(error instanceof StepError);
    assert.equal(error.retryable, false);
    assert.match(error.message, /answered 400 \(invalid_grant\); an admin must reconnect it/);
    assert.ok(!error.message.includes('refresh-'));
  });
});

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}
