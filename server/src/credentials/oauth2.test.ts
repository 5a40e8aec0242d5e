import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { openCredential } from '@pipewright/secrets';
import { defineStep, oauth2Credential, readCredential } from '@pipewright/step-sdk';
import { Events, OAuth2Server } from 'oauth2-mock-server';
import { z } from 'zod';
import { type CredentialsHarness, startCredentialsHarness } from './credentials-test-harness.ts';

/** Calls an API with the OAuth2 access token, logging it (carelessly); on 401 it refreshes and retries once. */
const oauthCallStep = defineStep({
  type: 'test.oauthCall',
  version: 1,
  kind: 'action',
  title: 'OAuth call',
  description: 'Calls a URL with an OAuth2 access token',
  credentials: { api: oauth2Credential },
  input: z.object({ url: z.string() }),
  output: z.object({ status: z.number(), echoed: z.string(), attempts: z.number() }),
  async run(input, ctx) {
    const call = async (token: string | undefined) => {
      ctx.log.info(`calling with ${String(token)}`);
      return ctx.http.request({ method: 'GET', url: input.url, headers: { authorization: `Bearer ${token}` } });
    };
    let response = await call((await readCredential(ctx.credentials, 'api', oauth2Credential)).accessToken);
    let attempts = 1;
    if (response.status === 401) {
      response = await call(oauth2Credential.fields.parse(await ctx.credentials.refresh('api')).accessToken);
      attempts++;
    }
    return { status: response.status, echoed: response.body, attempts };
  },
});

let harness: CredentialsHarness;
let provider: OAuth2Server;
let server: Server;
let baseUrl = '';
/** Every token the provider issued; what the token endpoint received and answered, in order. */
const issued: string[] = [];
const tokenExchanges: { request: Record<string, string>; response: Record<string, unknown> }[] = [];

before(async () => {
  harness = await startCredentialsHarness({ worker: true, extraSteps: [oauthCallStep] });
  server = harness.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  provider = new OAuth2Server();
  await provider.issuer.keys.generate('RS256');
  await provider.start(0, '127.0.0.1');
  // Tokens are JWTs with second-resolution times: a unique id keeps two tokens of the same second apart.
  provider.service.on(Events.BeforeTokenSigning, (token) => {
    token.payload.jti = randomUUID();
  });
  provider.service.on(Events.BeforeResponse, (response, req) => {
    const body = response.body as Record<string, unknown>;
    tokenExchanges.push({ request: { ...(req.body as Record<string, string>) }, response: { ...body } });
    for (const key of ['access_token', 'refresh_token']) if (typeof body[key] === 'string') issued.push(body[key]);
  });
});

after(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await provider?.stop();
  await harness?.stop();
});

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${harness.admin.token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, text: await response.text() };
}

async function createOAuth2Credential(name: string): Promise<string> {
  const created = await api('POST', '/api/credentials', {
    name,
    type: 'oauth2',
    values: {
      clientId: 'pipewright-app',
      clientSecret: 'oauth-client-secret',
      authorizationUrl: `${provider.issuer.url}/authorize`,
      tokenUrl: `${provider.issuer.url}/token`,
      scopes: ['read', 'write'],
    },
  });
  assert.equal(created.status, 201, created.text);
  return (JSON.parse(created.text) as { id: string }).id;
}

/** The browser's part: the mock provider approves at once and redirects to our callback. */
async function authorize(authorizeUrl: string): Promise<string> {
  const approved = await fetch(authorizeUrl, { redirect: 'manual' });
  assert.equal(approved.status, 302);
  const callback = approved.headers.get('location') ?? '';
  assert.ok(callback.startsWith(`${baseUrl}/api/oauth2/callback?`), callback);
  return callback;
}

async function storedValues(id: string): Promise<Record<string, unknown>> {
  const record = await harness.db.collection<{ _id: string; sealed: never }>('credentials').findOne({ _id: id });
  assert.ok(record);
  return openCredential(harness.keyring, record.sealed, {
    workspaceId: harness.admin.workspaceId,
    credentialId: id,
  }) as Record<string, unknown>;
}

describe('OAuth2 authorization code with PKCE', () => {
  test('start → provider → callback stores sealed tokens and returns the browser to the Credentials page', async () => {
    const id = await createOAuth2Credential('Mock provider');
    const started = await api('POST', `/api/credentials/${id}/oauth2/start`);
    assert.equal(started.status, 200, started.text);
    const authorizeUrl = new URL((JSON.parse(started.text) as { authorizeUrl: string }).authorizeUrl);
    assert.equal(authorizeUrl.origin + authorizeUrl.pathname, `${provider.issuer.url}/authorize`);
    assert.equal(authorizeUrl.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorizeUrl.searchParams.get('scope'), 'read write');
    assert.equal(authorizeUrl.searchParams.get('redirect_uri'), `${baseUrl}/api/oauth2/callback`);

    const callback = await authorize(authorizeUrl.toString());
    const beforeCallback = Date.now();
    const landed = await fetch(callback, { redirect: 'manual' });
    const afterCallback = Date.now();
    assert.equal(landed.status, 302, await landed.text());
    assert.equal(landed.headers.get('location'), `/credentials?oauth2=connected&credential=${id}`);

    const exchange = tokenExchanges.at(-1);
    assert.equal(exchange?.request.grant_type, 'authorization_code');
    assert.ok(
      (exchange?.request.code_verifier ?? '').length >= 43,
      'the code verifier was sent (the provider checked it)',
    );
    // The tokens stored are the ones this exchange answered, expiring `expires_in` seconds after the callback.
    const values = await storedValues(id);
    assert.equal(values.accessToken, exchange?.response.access_token);
    assert.equal(values.refreshToken, exchange?.response.refresh_token);
    const lifetimeMs = Number(exchange?.response.expires_in) * 1000;
    const expiresAt = Number(values.expiresAt);
    assert.ok(
      expiresAt >= beforeCallback + lifetimeMs && expiresAt <= afterCallback + lifetimeMs,
      `expiresAt ${expiresAt} is ${lifetimeMs} ms after the callback (${beforeCallback}…${afterCallback})`,
    );

    // The state is single-use.
    const replay = await fetch(callback, { redirect: 'manual' });
    assert.equal(replay.status, 400);
    assert.match(await replay.text(), /unknown or was already used/);

    // Tokens are nowhere readable: API responses, every MongoDB document.
    const tokens = [String(values.accessToken), String(values.refreshToken)];
    const texts = [
      (await api('GET', `/api/credentials/${id}`)).text,
      (await api('GET', '/api/credentials')).text,
      (await api('GET', '/api/audit')).text,
    ];
    for (const { name } of await harness.db.listCollections().toArray()) {
      for (const doc of await harness.db.collection(name).find({}).toArray()) texts.push(JSON.stringify(doc));
    }
    const hits = texts.filter((text) => tokens.some((token) => text.includes(token)));
    assert.deepEqual(hits, []);
    assert.ok(JSON.parse(texts[0] ?? '{}').secretFieldsSet.includes('accessToken'), 'the admin sees it is connected');
  });

  test('a callback with an unknown state, or the provider refusing, stores nothing', async () => {
    const id = await createOAuth2Credential('Refused');
    const unknown = await fetch(`${baseUrl}/api/oauth2/callback?code=abc&state=forged`, { redirect: 'manual' });
    assert.equal(unknown.status, 400);
    const refused = await fetch(`${baseUrl}/api/oauth2/callback?error=access_denied&state=x`, { redirect: 'manual' });
    assert.equal(refused.status, 302);
    assert.equal(refused.headers.get('location'), '/credentials?oauth2=error&reason=access_denied');
    assert.equal((await storedValues(id)).accessToken, undefined);
  });

  test('a flow starts only for OAuth2 app credentials', async () => {
    const bearer = await api('POST', '/api/credentials', {
      name: 'Plain token',
      type: 'bearerToken',
      values: { token: 'plain-token-value' },
    });
    const started = await api('POST', `/api/credentials/${JSON.parse(bearer.text).id}/oauth2/start`);
    assert.equal(started.status, 409);
    assert.match(started.text, /is not an OAuth2 app/);
  });
});

test('a run refreshes a rejected token; no access or refresh token appears in run state, history or MongoDB', async () => {
  const id = await createOAuth2Credential('Connected app');
  const started = JSON.parse((await api('POST', `/api/credentials/${id}/oauth2/start`)).text) as {
    authorizeUrl: string;
  };
  const landed = await fetch(await authorize(started.authorizeUrl), { redirect: 'manual' });
  assert.equal(landed.status, 302);
  const firstToken = String((await storedValues(id)).accessToken);

  // An API that rejects the first token it is shown (revoked at the provider) and echoes the header otherwise.
  const apiServer = createServer((req, res) => {
    const header = req.headers.authorization ?? '';
    res.writeHead(header === `Bearer ${firstToken}` ? 401 : 200).end(header);
  });
  await new Promise<void>((resolve) => apiServer.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(apiServer.address() as AddressInfo).port}/me`;
    const document = {
      schemaVersion: 1,
      nodes: [
        { id: 'start', type: 'core.manual', typeVersion: 1, position: { x: 0, y: 0 }, config: {} },
        {
          id: 'call',
          type: 'test.oauthCall',
          typeVersion: 1,
          position: { x: 200, y: 0 },
          config: { url, credentials: { api: id } },
        },
      ],
      edges: [{ id: 'e1', source: 'start', target: 'call' }],
    };
    const texts: string[] = [];
    const flow = JSON.parse((await api('POST', '/api/flows', { name: 'OAuth flow', document })).text) as { id: string };
    assert.equal((await api('POST', `/api/flows/${flow.id}/publish`)).status, 201);
    const run = await api('POST', `/api/flows/${flow.id}/runs`, { source: 'published' });
    const { runId } = JSON.parse(run.text) as { runId: string };
    await harness.temporal.workflow.getHandle(runId).result();
    const detail = await api('GET', `/api/runs/${runId}`);
    texts.push(detail.text);
    const output = (JSON.parse(detail.text) as { nodes: Record<string, { output?: unknown }> }).nodes.call?.output;
    assert.deepEqual(output, { status: 200, echoed: 'Bearer [redacted]', attempts: 2 });

    const stored = await storedValues(id);
    const refresh = tokenExchanges.at(-1);
    assert.equal(refresh?.request.grant_type, 'refresh_token');
    assert.equal(stored.accessToken, refresh?.response.access_token, 'the refreshed token was stored');
    assert.notEqual(stored.accessToken, firstToken);
    const tokens = issued.filter((token) => token.length > 0);
    const history = searchable(await harness.temporal.workflow.getHandle(runId).fetchHistory());
    assert.ok(history.includes(id) && history.includes(url), 'payload bytes are decoded, so the search can hit');
    texts.push(history);
    for (const { name } of await harness.db.listCollections().toArray()) {
      for (const doc of await harness.db.collection(name).find({}).toArray()) texts.push(searchable(doc));
    }
    const hits = tokens.filter((token) => texts.some((text) => text.includes(token)));
    console.log(`token search: ${tokens.length} tokens × ${texts.length} places, ${hits.length} hits`);
    assert.deepEqual(hits, []);
  } finally {
    apiServer.closeAllConnections();
    await new Promise((resolve) => apiServer.close(resolve));
  }
});

/** JSON with byte arrays and base64 payloads (Temporal history, BSON binaries) decoded as UTF-8, so a token inside them is found. */
function searchable(value: unknown): string {
  return JSON.stringify(value, (key, item: unknown) => {
    // fetchHistory() answers proto JSON: payload bytes arrive base64-encoded.
    if (key === 'data' && typeof item === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(item)) {
      return Buffer.from(item, 'base64').toString('utf8');
    }
    if (item instanceof Uint8Array) return Buffer.from(item).toString('utf8');
    if (typeof item === 'bigint') return item.toString();
    // Buffer's toJSON runs before this replacer: `{ type: 'Buffer', data: [bytes] }`.
    if (typeof item === 'object' && item !== null && 'type' in item && item.type === 'Buffer' && 'data' in item) {
      return Array.isArray(item.data) ? Buffer.from(item.data as number[]).toString('utf8') : item;
    }
    if (typeof item === 'object' && item !== null && '_bsontype' in item && 'buffer' in item) {
      return item.buffer instanceof Uint8Array ? Buffer.from(item.buffer).toString('utf8') : item;
    }
    return item;
  });
}
