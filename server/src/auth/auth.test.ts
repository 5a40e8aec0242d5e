import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type {
  ApiTokenView,
  AuditEntryView,
  CreatedApiTokenResponse,
  CreatedInviteResponse,
  FlowDetail,
  MembersResponse,
  MeResponse,
  RunSummary,
} from '@pipewright/api-contract';
import { uniqueName } from '@pipewright/devstack';
import request from 'supertest';
import { createApp } from '../app.ts';
import {
  createSignedInAgent,
  type Harness,
  provisionWorkspace,
  signedInAgent,
  startHarness,
  webhookToHttpDocument,
} from '../test-support.ts';
import { cookieValue, TEST_PASSWORD } from './test-accounts.ts';

let harness: Harness;
before(async () => {
  harness = await startHarness({ worker: false });
});
after(async () => {
  await harness?.stop();
});

const anonymous = () => request(harness.app);
const asCookie = (cookie: string) => ({ cookie: `pw_session=${cookie}`, 'x-requested-with': 'pipewright' });

describe('sign-up and sessions', () => {
  test('the first sign-up creates a workspace and its admin; after that, sign-up needs an invite', async () => {
    const db = harness.db.client.db(uniqueName('auth'));
    try {
      const app = await createApp({ db, temporal: harness.temporal, taskQueue: harness.taskQueue, log: () => {} });
      assert.deepEqual((await request(app).get('/api/auth/status').expect(200)).body, { hasUsers: false });
      const body = { email: ' Ada@Example.test ', password: 'long enough pw', name: 'Ada', workspaceName: 'Acme' };
      const created = await request(app).post('/api/auth/signup').send(body).expect(201);
      const me = created.body as MeResponse;
      assert.equal(me.user.email, 'ada@example.test');
      assert.equal(me.role, 'admin');
      assert.equal(me.workspace.name, 'Acme');
      const setCookie = String(created.headers['set-cookie']);
      assert.match(setCookie, /^pw_session=[0-9a-f]{64};/);
      assert.match(setCookie, /HttpOnly/);
      assert.match(setCookie, /SameSite=Lax/);
      assert.doesNotMatch(setCookie, /Secure/, 'plain http in tests');
      assert.doesNotMatch(created.text, /long enough pw|passwordHash/);

      // Only a hash of the session token is stored.
      const cookie = cookieValue(created);
      assert.equal(await db.collection('sessions').countDocuments({ _id: cookie as never }), 0);
      const user = await db.collection('users').findOne({ email: 'ada@example.test' });
      assert.match(String(user?.passwordHash), /^scrypt\$/);

      const again = await request(app)
        .post('/api/auth/signup')
        .send({ ...body, email: 'eve@example.test' })
        .expect(403);
      assert.equal(again.body.error.code, 'signup_closed');
      assert.deepEqual((await request(app).get('/api/auth/status').expect(200)).body, { hasUsers: true });
      const read = (await request(app).get('/api/auth/me').set(asCookie(cookie)).expect(200)).body as MeResponse;
      assert.equal(read.user.id, me.user.id);
      assert.equal(read.via, 'session');
    } finally {
      await db.dropDatabase();
    }
  });

  test('a short password or a missing workspace name is refused naming the field', async () => {
    const short = await anonymous()
      .post('/api/auth/signup')
      .send({ email: 'x@example.test', password: 'short', name: 'X', workspaceName: 'W' })
      .expect(400);
    assert.match(short.body.error.message, /^password: /);
    const bad = await anonymous().post('/api/auth/login').send({ email: 'not-an-email', password: 'x' }).expect(400);
    assert.match(bad.body.error.message, /^email: /);
  });

  test('login, me, logout: the session stops working after logout', async () => {
    const login = await anonymous()
      .post('/api/auth/login')
      .send({ email: harness.admin.email.toUpperCase(), password: TEST_PASSWORD })
      .expect(200);
    const cookie = cookieValue(login);
    await anonymous().get('/api/auth/me').set(asCookie(cookie)).expect(200);
    await anonymous().post('/api/auth/logout').set(asCookie(cookie)).expect(204);
    const after = await anonymous().get('/api/auth/me').set(asCookie(cookie)).expect(401);
    assert.equal(after.body.error.code, 'unauthenticated');
  });

  test('wrong passwords get the same answer as unknown e-mails, and five of them lock the address for a while', async () => {
    const wrong = await anonymous()
      .post('/api/auth/login')
      .send({ email: harness.admin.email, password: 'wrong password!' })
      .expect(401);
    const unknown = await anonymous()
      .post('/api/auth/login')
      .send({ email: 'nobody@example.test', password: 'wrong password!' })
      .expect(401);
    assert.equal(wrong.body.error.message, unknown.body.error.message);
    for (let attempt = 2; attempt <= 5; attempt++) {
      await anonymous().post('/api/auth/login').send({ email: harness.admin.email, password: 'wrong' }).expect(401);
    }
    const locked = await anonymous()
      .post('/api/auth/login')
      .send({ email: harness.admin.email, password: TEST_PASSWORD })
      .expect(429);
    assert.equal(locked.body.error.code, 'too_many_attempts');
    assert.ok(Number(locked.headers['retry-after']) > 0);
    // Another address is not affected.
    await anonymous().post('/api/auth/login').send({ email: 'nobody@example.test', password: 'x' }).expect(401);
  });

  test('cookie-authenticated changes need X-Requested-With (CSRF); bearer tokens do not', async () => {
    const cookie = harness.admin.sessionCookie;
    const refused = await anonymous()
      .post('/api/flows')
      .set('cookie', `pw_session=${cookie}`)
      .send({ name: 'Forged' })
      .expect(403);
    assert.match(refused.body.error.message, /X-Requested-With: pipewright/);
    await anonymous().get('/api/flows').set('cookie', `pw_session=${cookie}`).expect(200);
    await anonymous().post('/api/flows').set(asCookie(cookie)).send({ name: 'Same site' }).expect(201);
    await harness.api().post('/api/flows').send({ name: 'Script' }).expect(201);
  });

  test('a malformed or unknown bearer token is a 401, never a fall back to the cookie', async () => {
    const cookie = harness.admin.sessionCookie;
    await anonymous().get('/api/flows').set('authorization', 'Bearer pw_nope').set(asCookie(cookie)).expect(401);
    await anonymous().get('/api/flows').set('authorization', 'Basic abc').expect(401);
  });
});

describe('members and invites', () => {
  test('an invited builder joins with that role; the invite works once and only for its address', async () => {
    const email = `bob-${Date.now()}@example.test`;
    const invite = (await harness.api().post('/api/workspace/members').send({ email, role: 'builder' }).expect(201))
      .body as CreatedInviteResponse;
    assert.equal(invite.link, `/signup?invite=${encodeURIComponent(invite.token)}`);
    const listed = (await harness.api().get('/api/workspace/members').expect(200)).body as MembersResponse;
    assert.ok(listed.invites.some((open) => open.email === email && open.role === 'builder'));
    assert.doesNotMatch(JSON.stringify(listed), new RegExp(invite.token));

    const signup = { email, password: TEST_PASSWORD, name: 'Bob', inviteToken: invite.token };
    const wrongAddress = await anonymous()
      .post('/api/auth/signup')
      .send({ ...signup, email: 'mallory@example.test' })
      .expect(400);
    assert.match(wrongAddress.body.error.message, /^email: /);
    const joined = (await anonymous().post('/api/auth/signup').send(signup).expect(201)).body as MeResponse;
    assert.equal(joined.role, 'builder');
    assert.equal(joined.workspace.id, harness.admin.workspaceId);
    const reused = await anonymous().post('/api/auth/signup').send(signup).expect(404);
    assert.equal(reused.body.error.code, 'invite_not_found');
  });

  test('admins change roles and remove members; the last admin cannot be demoted or removed', async () => {
    const viewer = await createSignedInAgent(harness, { role: 'viewer' });
    await viewer.agent().post('/api/flows').send({ name: 'Nope' }).expect(403);
    await harness.api().patch(`/api/workspace/members/${viewer.userId}`).send({ role: 'builder' }).expect(200);
    // The session follows the membership; a token keeps the role it was created with (never more).
    await anonymous().post('/api/flows').set(asCookie(viewer.sessionCookie)).send({ name: 'Now yes' }).expect(201);
    await viewer.agent().post('/api/flows').send({ name: 'Token stays viewer' }).expect(403);

    const lastAdmin = await harness
      .api()
      .patch(`/api/workspace/members/${harness.admin.userId}`)
      .send({ role: 'viewer' })
      .expect(409);
    assert.equal(lastAdmin.body.error.code, 'last_admin');
    await harness.api().delete(`/api/workspace/members/${harness.admin.userId}`).expect(409);

    await harness.api().delete(`/api/workspace/members/${viewer.userId}`).expect(204);
    await viewer.agent().get('/api/flows').expect(401);
    await anonymous().get('/api/flows').set(asCookie(viewer.sessionCookie)).expect(401);
    await harness.api().delete(`/api/workspace/members/${viewer.userId}`).expect(404);
  });

  test('members, tokens of others and the audit log are not for non-admins', async () => {
    const developer = await createSignedInAgent(harness, { role: 'developer' });
    await developer.agent().get('/api/workspace/members').expect(403);
    await developer.agent().post('/api/workspace/members').send({ email: 'z@example.test', role: 'admin' }).expect(403);
    await developer.agent().get('/api/audit').expect(403);
    const escalate = await developer.agent().post('/api/tokens').send({ name: 'up', role: 'admin' }).expect(403);
    assert.equal(escalate.body.error.code, 'forbidden');
  });
});

describe('API tokens', () => {
  test('shown once, listed by prefix, limited to a lower role, revocable', async () => {
    const created = (await harness.api().post('/api/tokens').send({ name: 'ci', role: 'viewer' }).expect(201))
      .body as CreatedApiTokenResponse;
    assert.match(created.token, /^pw_[A-Za-z0-9_-]{43}$/);
    assert.equal(created.apiToken.role, 'viewer');
    const list = (await harness.api().get('/api/tokens').expect(200)).body as { items: ApiTokenView[] };
    const listed = list.items.find((item) => item.id === created.apiToken.id);
    assert.equal(listed?.prefix, created.token.slice(0, 10));
    assert.doesNotMatch(JSON.stringify(list), new RegExp(created.token.slice(10)));
    const stored = await harness.db.collection('api_tokens').findOne({ _id: created.apiToken.id as never });
    assert.doesNotMatch(JSON.stringify(stored), new RegExp(created.token.slice(10)));

    const viewer = signedInAgent(harness.app, created.token);
    await viewer.get('/api/flows').expect(200);
    await signedInAgent(harness.app, created.token).post('/api/flows').send({ name: 'x' }).expect(403);
    await harness.api().delete(`/api/tokens/${created.apiToken.id}`).expect(204);
    await signedInAgent(harness.app, created.token).get('/api/flows').expect(401);
  });
});

describe('server-owned fields', () => {
  test('a client cannot set workspaceId, userId, role or other server fields', async () => {
    const refusals: [string, string, Record<string, unknown>, string][] = [
      ['post', '/api/flows', { name: 'x', workspaceId: 'ws_other' }, 'workspaceId'],
      ['post', '/api/flows', { name: 'x', id: 'flw_chosen' }, 'id'],
      ['post', '/api/tokens', { name: 'x', userId: 'usr_other' }, 'userId'],
      ['post', '/api/tokens', { name: 'x', workspaceId: 'ws_other' }, 'workspaceId'],
      ['post', '/api/workspace/members', { email: 'a@example.test', role: 'viewer', workspaceId: 'w' }, 'workspaceId'],
      ['patch', `/api/workspace/members/${harness.admin.userId}`, { role: 'admin', userId: 'usr_x' }, 'userId'],
    ];
    for (const [method, path, body, field] of refusals) {
      const agent = harness.api();
      const response = await (method === 'post' ? agent.post(path) : agent.patch(path)).send(body).expect(400);
      assert.match(response.body.error.message, new RegExp(field), `${method} ${path} names ${field}`);
    }
    const created = (await harness.api().post('/api/flows').send({ name: 'Mine' }).expect(201)).body as FlowDetail;
    const put = await harness
      .api()
      .put(`/api/flows/${created.id}`)
      .send({ revision: 0, workspaceId: 'ws_other' })
      .expect(400);
    assert.match(put.body.error.message, /workspaceId/);
    const signup = await anonymous()
      .post('/api/auth/signup')
      .send({ email: 'r@example.test', password: TEST_PASSWORD, name: 'R', inviteToken: 'x', role: 'admin' })
      .expect(400);
    assert.match(signup.body.error.message, /role/);
  });
});

describe('workspaces and webhooks', () => {
  test('a webhook starts the run in its flow’s workspace, visible there and nowhere else', async () => {
    const other = await provisionWorkspace(harness.app, harness.db);
    const otherApi = () => signedInAgent(harness.app, other.token);
    const document = webhookToHttpDocument('http://127.0.0.1:9/x');
    const flow = (await otherApi().post('/api/flows').send({ name: 'Theirs', document }).expect(201))
      .body as FlowDetail;
    await otherApi().post(`/api/flows/${flow.id}/publish`).expect(201);
    await harness.api().get(`/api/flows/${flow.id}`).expect(404);

    const started = await anonymous().post(flow.webhookPath).send({ name: 'Ada' }).expect(202);
    const runId = (started.body as { runId: string }).runId;
    const theirs = (await otherApi().get('/api/runs').expect(200)).body as { items: RunSummary[] };
    assert.ok(theirs.items.some((run) => run.id === runId));
    const ours = (await harness.api().get('/api/runs').expect(200)).body as { items: RunSummary[] };
    assert.ok(!ours.items.some((run) => run.id === runId));
    await harness.api().get(`/api/runs/${runId}`).expect(404);
    await harness.temporal.workflow.getHandle(runId).terminate('test done');
  });
});

describe('audit log', () => {
  test('records sign-in, member changes, tokens and publishes, newest first, without secrets', async () => {
    await anonymous().post('/api/auth/login').send({ email: harness.admin.email, password: TEST_PASSWORD });
    const member = await createSignedInAgent(harness, { role: 'builder' });
    await harness.api().patch(`/api/workspace/members/${member.userId}`).send({ role: 'developer' }).expect(200);
    const flow = (
      await member
        .agent()
        .post('/api/flows')
        .send({ name: 'Audited', document: webhookToHttpDocument('http://127.0.0.1:9/x') })
        .expect(201)
    ).body as FlowDetail;
    await member.agent().post(`/api/flows/${flow.id}/publish`).expect(201);
    await harness.api().delete(`/api/workspace/members/${member.userId}`).expect(204);

    const entries = ((await harness.api().get('/api/audit?limit=200').expect(200)).body as { items: AuditEntryView[] })
      .items;
    const times = entries.map((entry) => entry.at);
    assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
    const actions = entries.map((entry) => entry.action);
    for (const action of [
      'auth.sign_up',
      'auth.sign_in',
      'member.invite',
      'member.join',
      'member.role_change',
      'member.remove',
      'token.create',
      'flow.publish',
    ]) {
      assert.ok(actions.includes(action), `${action} is recorded`);
    }
    const publish = entries.find((entry) => entry.action === 'flow.publish' && entry.target.id === flow.id);
    assert.deepEqual(publish?.actor, { userId: member.userId, email: member.email, via: 'token' });
    assert.deepEqual(publish?.details, { version: 1 });
    const change = entries.find((entry) => entry.action === 'member.role_change' && entry.target.id === member.userId);
    assert.deepEqual(change?.details, { from: 'builder', to: 'developer' });
    const text = JSON.stringify(entries);
    for (const secret of [TEST_PASSWORD, harness.admin.token, member.token, harness.admin.sessionCookie]) {
      assert.ok(!text.includes(secret), 'no password, token or session in the audit log');
    }

    // Another workspace's log is its own.
    const other = await provisionWorkspace(harness.app, harness.db);
    const theirs = (await signedInAgent(harness.app, other.token).get('/api/audit').expect(200)).body as {
      items: AuditEntryView[];
    };
    assert.ok(theirs.items.every((entry) => entry.actor.userId === other.userId));
  });
});
