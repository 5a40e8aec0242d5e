import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type {
  AuditEntryView,
  CreatedInviteResponse,
  FlowDetail,
  MeResponse,
  MyWorkspacesResponse,
  MyWorkspaceView,
  PendingInvitesResponse,
} from '@pipewright/api-contract';
import request from 'supertest';
import { createSignedInAgent, type Harness, provisionWorkspace, signedInAgent, startHarness } from '../test-support.ts';
import { cookieValue, TEST_PASSWORD } from './test-accounts.ts';

let harness: Harness;
before(async () => {
  harness = await startHarness({ worker: false });
});
after(async () => {
  await harness?.stop();
});

/** A browser session: the cookie plus the CSRF header the web client sends. */
function browser(cookie: string) {
  const headers = { cookie: `pw_session=${cookie}`, 'x-requested-with': 'pipewright' };
  return {
    get: (path: string) => request(harness.app).get(path).set(headers),
    post: (path: string, body: object = {}) => request(harness.app).post(path).set(headers).send(body),
    patch: (path: string, body: object) => request(harness.app).patch(path).set(headers).send(body),
    delete: (path: string) => request(harness.app).delete(path).set(headers),
  };
}

async function logIn(email: string): Promise<ReturnType<typeof browser>> {
  const response = await request(harness.app)
    .post('/api/auth/login')
    .send({ email, password: TEST_PASSWORD })
    .expect(200);
  return browser(cookieValue(response));
}

async function workspacesOf(session: ReturnType<typeof browser>): Promise<MyWorkspaceView[]> {
  return ((await session.get('/api/workspaces').expect(200)).body as MyWorkspacesResponse).items;
}

async function flowIds(session: ReturnType<typeof browser>): Promise<string[]> {
  const body = (await session.get('/api/flows').expect(200)).body as { items: { id: string }[] };
  return body.items.map((flow) => flow.id);
}

test('a user creates a second workspace, switches to it and back; each workspace sees only its own flows', async () => {
  const ada = await logIn(harness.admin.email);
  const inA = (await ada.post('/api/flows', { name: 'Flow of A' }).expect(201)).body as FlowDetail;

  const bad = await ada.post('/api/workspaces', { name: '' }).expect(400);
  assert.match(bad.body.error.message, /^name: /);
  const beta = (await ada.post('/api/workspaces', { name: 'Beta' }).expect(201)).body as MyWorkspaceView;
  assert.equal(beta.role, 'admin');
  assert.equal(beta.current, false);

  const listed = await workspacesOf(ada);
  assert.deepEqual(
    listed.map(({ id, role, current }) => ({ id, role, current })),
    [
      { id: harness.admin.workspaceId, role: 'admin', current: true },
      { id: beta.id, role: 'admin', current: false },
    ],
  );

  const switched = (await ada.post('/api/session/workspace', { workspaceId: beta.id }).expect(200)).body as MeResponse;
  assert.equal(switched.workspace.name, 'Beta');
  assert.equal(((await ada.get('/api/auth/me').expect(200)).body as MeResponse).workspace.id, beta.id);
  assert.deepEqual(await flowIds(ada), [], 'a new workspace starts empty');
  await ada.get(`/api/flows/${inA.id}`).expect(404);
  const inB = (await ada.post('/api/flows', { name: 'Flow of B' }).expect(201)).body as FlowDetail;
  assert.equal((await workspacesOf(ada)).find((w) => w.current)?.id, beta.id);

  // The API token made in A stays in A while the browser session is in B.
  const viaToken = ((await harness.api().get('/api/flows').expect(200)).body as { items: { id: string }[] }).items;
  assert.ok(viaToken.some((flow) => flow.id === inA.id));
  assert.ok(!viaToken.some((flow) => flow.id === inB.id));
  await harness.api().get(`/api/flows/${inB.id}`).expect(404);
  const tokenRefused = await harness.api().post('/api/session/workspace').send({ workspaceId: beta.id }).expect(403);
  assert.match(tokenRefused.body.error.message, /API tokens/);
  await harness.api().get('/api/workspaces').expect(403);

  await ada.post('/api/session/workspace', { workspaceId: harness.admin.workspaceId }).expect(200);
  const backInA = await flowIds(ada);
  assert.ok(backInA.includes(inA.id));
  assert.ok(!backInA.includes(inB.id));
  await ada.get(`/api/flows/${inB.id}`).expect(404);

  // Only a browser session with a live cookie may switch; a workspace one is not in reads as not found.
  const stranger = await provisionWorkspace(harness.app, harness.db);
  const notMine = await ada.post('/api/session/workspace', { workspaceId: stranger.workspaceId }).expect(404);
  const unknown = await ada.post('/api/session/workspace', { workspaceId: 'ws_nonexistent' }).expect(404);
  assert.equal(notMine.body.error.code, unknown.body.error.code);
  assert.doesNotMatch(notMine.text, /Other workspace/);
  await ada.post('/api/session/workspace', {}).expect(400);
  await request(harness.app).get('/api/workspaces').expect(401);

  // Audit: creation and switches are recorded in the workspace they concern.
  await ada.post('/api/session/workspace', { workspaceId: beta.id }).expect(200);
  const audit = ((await ada.get('/api/audit?limit=200').expect(200)).body as { items: AuditEntryView[] }).items;
  const actions = audit.map((entry) => entry.action);
  assert.ok(actions.includes('workspace.create'));
  assert.ok(actions.includes('workspace.switch'));

  // Signing in again lands where they last switched to, not in their oldest workspace.
  const again = await logIn(harness.admin.email);
  assert.equal(((await again.get('/api/auth/me').expect(200)).body as MeResponse).workspace.id, beta.id);
  await again.post('/api/session/workspace', { workspaceId: harness.admin.workspaceId }).expect(200);
  const home = await logIn(harness.admin.email);
  assert.equal(
    ((await home.get('/api/auth/me').expect(200)).body as MeResponse).workspace.id,
    harness.admin.workspaceId,
  );
});

test('an existing user joins another workspace through an invite, with a different role there, and keeps it when removed from one', async () => {
  const ada = await logIn(harness.admin.email);
  const team = (await ada.post('/api/workspaces', { name: 'Team two' }).expect(201)).body as MyWorkspaceView;
  // Bob and Carol are viewers of A, each with an account and password already.
  const bob = await createSignedInAgent(harness, { role: 'viewer' });
  const carol = await createSignedInAgent(harness, { role: 'viewer' });
  const bobSession = browser(bob.sessionCookie);
  const carolSession = browser(carol.sessionCookie);

  await ada.post('/api/session/workspace', { workspaceId: team.id }).expect(200);
  const toBob = (await ada.post('/api/workspace/members', { email: bob.email, role: 'builder' }).expect(201))
    .body as CreatedInviteResponse;
  const toCarol = (await ada.post('/api/workspace/members', { email: carol.email, role: 'developer' }).expect(201))
    .body as CreatedInviteResponse;

  // Bob sees his pending invite (not Carol's) and accepts it from the list.
  const pending = ((await bobSession.get('/api/invites').expect(200)).body as PendingInvitesResponse).items;
  assert.deepEqual(
    pending.map((invite) => ({
      id: invite.id,
      workspace: invite.workspace.name,
      role: invite.role,
      by: invite.invitedBy,
    })),
    [{ id: toBob.invite.id, workspace: 'Team two', role: 'builder', by: harness.admin.email }],
  );
  await bobSession.post('/api/invites/accept', { inviteId: toCarol.invite.id }).expect(404);
  const wrongPerson = await bobSession.post('/api/invites/accept', { token: toCarol.token }).expect(403);
  assert.equal(wrongPerson.body.error.code, 'invite_for_another_email');
  const both = await bobSession
    .post('/api/invites/accept', { token: toBob.token, inviteId: toBob.invite.id })
    .expect(400);
  assert.match(both.body.error.message, /^token: /);
  const joined = (await bobSession.post('/api/invites/accept', { inviteId: toBob.invite.id }).expect(200))
    .body as MyWorkspaceView;
  assert.deepEqual(joined, { id: team.id, name: 'Team two', role: 'builder', current: false });
  assert.deepEqual(((await bobSession.get('/api/invites').expect(200)).body as PendingInvitesResponse).items, []);
  await bobSession.post('/api/invites/accept', { inviteId: toBob.invite.id }).expect(404);

  // Carol accepts by the invite link while signed in.
  const carolJoined = (await carolSession.post('/api/invites/accept', { token: toCarol.token }).expect(200))
    .body as MyWorkspaceView;
  assert.equal(carolJoined.role, 'developer');

  // No second account, same password; the workspace is in the switcher, with a role of its own.
  assert.equal(await harness.db.collection('users').countDocuments({ email: bob.email }), 1);
  const bobs = await workspacesOf(await logIn(bob.email));
  assert.deepEqual(
    bobs.map(({ id, role }) => ({ id, role })),
    [
      { id: harness.admin.workspaceId, role: 'viewer' },
      { id: team.id, role: 'builder' },
    ],
  );
  await bobSession.post('/api/flows', { name: 'Viewer in A' }).expect(403);
  await bobSession.post('/api/session/workspace', { workspaceId: team.id }).expect(200);
  await bobSession.post('/api/flows', { name: 'Builder in Team two' }).expect(201);

  // Removed from Team two: that session can no longer act there, can still switch, and A is untouched.
  await ada.delete(`/api/workspace/members/${bob.userId}`).expect(204);
  // Team two was where Bob last switched to; gone from it, signing in lands in A.
  const bobAgain = await logIn(bob.email);
  assert.equal(
    ((await bobAgain.get('/api/auth/me').expect(200)).body as MeResponse).workspace.id,
    harness.admin.workspaceId,
  );
  const removed = await bobSession.get('/api/flows').expect(401);
  assert.equal(removed.body.error.code, 'not_a_member');
  await bobSession.get('/api/auth/me').expect(401);
  assert.deepEqual(
    (await workspacesOf(bobSession)).map((w) => w.id),
    [harness.admin.workspaceId],
  );
  await bobSession.post('/api/session/workspace', { workspaceId: team.id }).expect(404);
  await bobSession.post('/api/session/workspace', { workspaceId: harness.admin.workspaceId }).expect(200);
  await bobSession.get('/api/flows').expect(200);
  await signedInAgent(harness.app, bob.token).get('/api/flows').expect(200);

  const audit = ((await ada.get('/api/audit?limit=200').expect(200)).body as { items: AuditEntryView[] }).items;
  const join = audit.find((entry) => entry.action === 'member.join' && entry.target.id === bob.userId);
  assert.equal(join?.details?.role, 'builder');
});

test('the invite sign-up for a brand-new person keeps working', async () => {
  const ada = await logIn(harness.admin.email);
  const email = `newcomer-${process.pid}@example.test`;
  const invite = (await ada.post('/api/workspace/members', { email, role: 'builder' }).expect(201))
    .body as CreatedInviteResponse;
  const me = (
    await request(harness.app)
      .post('/api/auth/signup')
      .send({ email, password: TEST_PASSWORD, name: 'New', inviteToken: invite.token })
      .expect(201)
  ).body as MeResponse;
  assert.equal(me.role, 'builder');
  const newcomer = await logIn(email);
  assert.deepEqual(
    (await workspacesOf(newcomer)).map((w) => w.role),
    ['builder'],
  );
});
