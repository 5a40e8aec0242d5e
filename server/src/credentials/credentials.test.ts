import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type {
  CredentialDetail,
  CredentialSummary,
  CredentialTestResult,
  CredentialTypeView,
} from '@pipewright/api-contract';
import { createKeyring, openCredential, type SealedCredential } from '@pipewright/secrets';
import request from 'supertest';
import { createSignedInAgent, provisionWorkspace, signedInAgent } from '../auth/test-accounts.ts';
import { type CredentialsHarness, newMasterKey, startCredentialsHarness } from './credentials-test-harness.ts';
import { rotateMasterKey } from './rotate-master-key.ts';

const secret = `sk-${randomBytes(16).toString('hex')}`;
const keyA = newMasterKey('key-a');
let harness: CredentialsHarness;
before(async () => {
  harness = await startCredentialsHarness({
    worker: false,
    keyring: createKeyring({ keys: [keyA], primary: 'key-a' }),
    expectedToken: 'good-token',
  });
});
after(async () => {
  await harness?.stop();
});

const api = () => harness.api();
let counter = 0;
async function createApiKey(values: Record<string, unknown> = { apiKey: secret }): Promise<CredentialSummary> {
  const response = await api()
    .post('/api/credentials')
    .send({ name: `Key ${++counter}`, type: 'apiKey', values })
    .expect(201);
  assert.equal(response.text.includes(secret), false);
  return response.body as CredentialSummary;
}

async function storedDocument(id: string): Promise<{ sealed: SealedCredential; workspaceId: string; name: string }> {
  const found = await harness.db
    .collection<{ _id: string; sealed: SealedCredential; workspaceId: string; name: string }>('credentials')
    .findOne({ _id: id });
  assert.ok(found, `credential ${id} is stored`);
  return found;
}

async function storedValues(id: string): Promise<unknown> {
  const doc = await storedDocument(id);
  return openCredential(harness.keyring, doc.sealed, { workspaceId: doc.workspaceId, credentialId: id });
}

describe('credentials API', () => {
  test('credential types come from the step packages, with their field schema and secret fields', async () => {
    const types = (await api().get('/api/credential-types').expect(200)).body.items as CredentialTypeView[];
    const bearer = types.find((type) => type.type === 'bearerToken');
    assert.deepEqual(bearer?.secretFields, ['token']);
    assert.ok(types.some((type) => type.type === 'testEchoCheck' && type.testable));
  });

  test('create, list and get never return a secret; the stored document holds none either', async () => {
    const created = await createApiKey();
    assert.deepEqual(Object.keys(created).sort(), ['createdAt', 'id', 'lastUsedAt', 'name', 'type', 'updatedAt']);
    const list = await api().get('/api/credentials').expect(200);
    assert.ok((list.body.items as CredentialSummary[]).some((item) => item.id === created.id));
    const detail = await api().get(`/api/credentials/${created.id}`).expect(200);
    const body = detail.body as CredentialDetail;
    assert.deepEqual(body.publicValues, { headerName: 'X-API-Key' });
    assert.deepEqual(body.secretFieldsSet, ['apiKey']);
    for (const response of [list, detail]) assert.equal(response.text.includes(secret), false);
    assert.equal(JSON.stringify(await storedDocument(created.id)).includes(secret), false);
    assert.deepEqual(await storedValues(created.id), { headerName: 'X-API-Key', apiKey: secret });
  });

  test('values are validated with the type’s schema: errors name the field, never echo the value', async () => {
    const response = await api()
      .post('/api/credentials')
      .send({ name: 'Bad', type: 'databaseConnection', values: { host: 'db', port: 'x', user: 'u', password: secret } })
      .expect(400);
    assert.match(response.body.error.message, /^values\.(port|database)/);
    const paths = (response.body.error.issues as { path: string }[]).map((issue) => issue.path).sort();
    assert.deepEqual(paths, ['values.database', 'values.port']);
    assert.equal(response.text.includes(secret), false);
    await api().post('/api/credentials').send({ name: 'Bad', type: 'nope', values: {} }).expect(400);
    await api()
      .post('/api/credentials')
      .send({ name: 'Bad', type: 'bearerToken', values: { token: 't', extra: 1 } })
      .expect(400);
  });

  test('names are unique per workspace', async () => {
    const created = await createApiKey();
    const again = await api()
      .post('/api/credentials')
      .send({ name: created.name, type: 'apiKey', values: { apiKey: 'x' } })
      .expect(409);
    assert.match(again.body.error.message, /already exists/);
  });

  test('PATCH renames, and merges new values over the stored ones (a secret left out is kept)', async () => {
    const created = await createApiKey();
    const renamed = (await api().patch(`/api/credentials/${created.id}`).send({ name: 'CRM (prod)' }).expect(200))
      .body as CredentialSummary;
    assert.equal(renamed.name, 'CRM (prod)');
    await api()
      .patch(`/api/credentials/${created.id}`)
      .send({ values: { headerName: 'X-Token' } })
      .expect(200);
    assert.deepEqual(await storedValues(created.id), { headerName: 'X-Token', apiKey: secret });
    const replaced = await api()
      .patch(`/api/credentials/${created.id}`)
      .send({ values: { apiKey: 'new-key-1234' } })
      .expect(200);
    assert.equal(replaced.text.includes('new-key-1234'), false);
    assert.deepEqual(await storedValues(created.id), { headerName: 'X-Token', apiKey: 'new-key-1234' });
    await api().patch(`/api/credentials/${created.id}`).send({}).expect(400);
  });

  test('rotate replaces every secret field under a fresh data key, and insists on all of them', async () => {
    const created = await createApiKey();
    const before = await storedDocument(created.id);
    const missing = await api().post(`/api/credentials/${created.id}/rotate`).send({ values: {} }).expect(400);
    assert.match(missing.body.error.message, /values\.apiKey: a new value is required/);
    await api()
      .post(`/api/credentials/${created.id}/rotate`)
      .send({ values: { apiKey: 'rotated-5678', headerName: 'x' } })
      .expect(400);
    await api()
      .post(`/api/credentials/${created.id}/rotate`)
      .send({ values: { apiKey: 'rotated-5678' } })
      .expect(200);
    const afterwards = await storedDocument(created.id);
    assert.notEqual(afterwards.sealed.wrappedDataKey, before.sealed.wrappedDataKey);
    assert.deepEqual(await storedValues(created.id), { headerName: 'X-API-Key', apiKey: 'rotated-5678' });
  });

  test('test runs the type’s check against the service; a failure message never contains the secret', async () => {
    const create = (token: string) =>
      api()
        .post('/api/credentials')
        .send({ name: `Echo ${token}`, type: 'testEchoCheck', values: { url: harness.echoUrl, token } })
        .expect(201);
    const good = (await create('good-token')).body as CredentialSummary;
    const bad = (await create(secret)).body as CredentialSummary;
    assert.deepEqual((await api().post(`/api/credentials/${good.id}/test`).expect(200)).body, { ok: true });
    const failed = await api().post(`/api/credentials/${bad.id}/test`).expect(200);
    const result = failed.body as CredentialTestResult;
    assert.equal(result.ok, false);
    assert.match(result.message ?? '', /refused token \[redacted\]/);
    assert.equal(failed.text.includes(secret), false);
    const untestable = await createApiKey();
    assert.equal(
      ((await api().post(`/api/credentials/${untestable.id}/test`).expect(200)).body as CredentialTestResult).ok,
      false,
    );
  });

  test('delete removes it (then 404) and every change is in the audit log', async () => {
    const created = await createApiKey();
    await api()
      .post(`/api/credentials/${created.id}/rotate`)
      .send({ values: { apiKey: 'r-0001' } })
      .expect(200);
    await api().delete(`/api/credentials/${created.id}`).expect(204);
    await api().get(`/api/credentials/${created.id}`).expect(404);
    await api().delete(`/api/credentials/${created.id}`).expect(404);
    const audit = await harness.db.collection('audit').find({ 'target.id': created.id }).sort({ at: 1 }).toArray();
    assert.deepEqual(
      audit.map((entry) => entry.action),
      ['credential.create', 'credential.rotate', 'credential.delete'],
    );
    assert.equal(JSON.stringify(audit).includes(secret), false);
  });
});

describe('credential network settings (SSRF guard allowance)', () => {
  test('admins open private networks on a credential; it is stored for the worker and shown in the detail', async () => {
    const created = await createApiKey();
    const path = `/api/credentials/${created.id}/network`;
    const network = { allowPrivate: true, allowedHosts: ['crm.internal.example'] };
    const detail = (await api().put(path).send(network).expect(200)).body as CredentialDetail;
    assert.deepEqual(detail.network, network);
    const stored = await harness.db
      .collection<{ _id: string; network?: unknown }>('credentials')
      .findOne({ _id: created.id });
    assert.deepEqual(stored?.network, network);
    await api().put(path).send({ allowPrivate: 'yes' }).expect(400);
    const builder = await createSignedInAgent(harness, { role: 'builder' });
    await builder.agent().put(path).send({ allowPrivate: true }).expect(403);
    await api().put('/api/credentials/cred_missing/network').send({ allowPrivate: true }).expect(404);
  });
});

describe('credentials roles and workspaces', () => {
  test('builders list names and types; only admins read details, write, test or delete', async () => {
    const created = await createApiKey();
    const builder = await createSignedInAgent(harness, { role: 'builder' });
    const list = await builder.agent().get('/api/credentials').expect(200);
    assert.ok((list.body.items as CredentialSummary[]).some((item) => item.name === created.name));
    await builder.agent().get('/api/credential-types').expect(200);
    await builder.agent().get(`/api/credentials/${created.id}`).expect(403);
    await builder
      .agent()
      .post('/api/credentials')
      .send({ name: 'B', type: 'apiKey', values: { apiKey: 'k' } })
      .expect(403);
    await builder.agent().patch(`/api/credentials/${created.id}`).send({ name: 'B' }).expect(403);
    await builder
      .agent()
      .post(`/api/credentials/${created.id}/rotate`)
      .send({ values: { apiKey: 'k' } })
      .expect(403);
    await builder.agent().post(`/api/credentials/${created.id}/test`).expect(403);
    await builder.agent().delete(`/api/credentials/${created.id}`).expect(403);
    const viewer = await createSignedInAgent(harness, { role: 'viewer' });
    await viewer.agent().get('/api/credentials').expect(403);
    await request(harness.app).get('/api/credentials').expect(401);
  });

  test('a credential of another workspace reads as 404 there', async () => {
    const created = await createApiKey();
    const other = await provisionWorkspace(harness.app, harness.db);
    const agent = () => signedInAgent(harness.app, other.token);
    await agent().get(`/api/credentials/${created.id}`).expect(404);
    await agent().patch(`/api/credentials/${created.id}`).send({ name: 'mine' }).expect(404);
    await agent().delete(`/api/credentials/${created.id}`).expect(404);
    const list = (await agent().get('/api/credentials').expect(200)).body.items as CredentialSummary[];
    assert.equal(
      list.some((item) => item.id === created.id),
      false,
    );
  });
});

describe('master-key rotation', () => {
  test('rewraps every credential under the new key; afterwards the old key can be removed', async () => {
    const ids = [(await createApiKey()).id, (await createApiKey()).id];
    const keyB = newMasterKey('key-b');
    const both = createKeyring({ keys: [keyA, keyB], primary: 'key-b' });
    // During the rotation a server with both keys reads old and new documents alike.
    const rolling = await harness.appWith(both);
    const rollingApi = () => signedInAgent(rolling, harness.admin.token);
    const fresh = (
      await rollingApi()
        .post('/api/credentials')
        .send({ name: 'Made mid-rotation', type: 'apiKey', values: { apiKey: secret } })
        .expect(201)
    ).body as CredentialSummary;
    assert.equal((await storedDocument(fresh.id)).sealed.keyId, 'key-b');
    await rollingApi().get(`/api/credentials/${ids[0]}`).expect(200);

    const report = await rotateMasterKey({ db: harness.db, keyring: both });
    assert.equal(report.failed.length, 0);
    const total = await harness.db.collection('credentials').countDocuments();
    assert.equal(report.scanned, total);
    assert.equal(report.rewrapped, total - 1, 'all but the one already under key-b');
    assert.equal(await harness.db.collection('credentials').countDocuments({ 'sealed.keyId': { $ne: 'key-b' } }), 0);

    const onlyB = await harness.appWith(createKeyring({ keys: [keyB], primary: 'key-b' }));
    for (const id of [...ids, fresh.id]) {
      const detail = (await signedInAgent(onlyB, harness.admin.token).get(`/api/credentials/${id}`).expect(200))
        .body as CredentialDetail;
      assert.deepEqual(detail.secretFieldsSet, ['apiKey']);
    }
    assert.equal(
      (await rotateMasterKey({ db: harness.db, keyring: both })).rewrapped,
      0,
      'a second run has nothing to do',
    );
  });
});
