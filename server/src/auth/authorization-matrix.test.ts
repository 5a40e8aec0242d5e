/**
 * Every /api route × {anonymous, viewer, builder, developer, admin} × {own workspace's ids, another workspace's ids}.
 * Routes come from the Express router stack and must match the OpenAPI document and the ROUTES table below, so a
 * new route fails this test until it is documented and given an expected role — and a route that forgets its role
 * check or scopes by the wrong workspace fails it too.
 */

import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { CreatedApiTokenResponse, FlowDetail, StartRunResponse } from '@pipewright/api-contract';
import type express from 'express';
import {
  awaitRun,
  createSignedInAgent,
  type Harness,
  provisionWorkspace,
  type SignedInUser,
  startHarness,
  webhookToHttpDocument,
} from '../test-support.ts';
import type { Role } from './auth-context.ts';

type Caller = 'anonymous' | Role;
type Minimum = Role | 'public';
type Side = 'own' | 'other';

interface RouteRule {
  min: Minimum;
  body?: (ctx: CallContext) => unknown;
  /** Statuses besides 2xx/400/409/422 that a permitted caller may get on its own workspace's ids, and why. */
  alsoOk?: number[];
}

interface CallContext {
  caller: SignedInUser | undefined;
  side: Side;
}

let credentialCounter = 0;
const newCredentialBody = () => ({
  name: `Matrix key ${++credentialCounter}`,
  type: 'bearerToken',
  values: { token: 'matrix-secret-value' },
});

const ROUTES: Record<string, RouteRule> = {
  'GET /api/health': { min: 'public' },
  'GET /api/health/ready': { min: 'public' },
  'GET /api/openapi.json': { min: 'public' },
  'GET /api/auth/status': { min: 'public' },
  'POST /api/auth/signup': { min: 'public', body: () => ({}) },
  'POST /api/auth/login': { min: 'public', body: () => ({}) },
  'POST /api/auth/logout': { min: 'public' },
  'GET /api/auth/me': { min: 'viewer' },
  'GET /api/catalog': { min: 'viewer' },
  'POST /api/catalog/migrate': { min: 'builder', body: () => ({}) },
  'GET /api/catalog/steps/:type/versions/:version': { min: 'viewer' },
  'GET /api/step-packages': { min: 'viewer' },
  'POST /api/step-packages': { min: 'developer', body: () => ({}) },
  'POST /api/step-packages/credentials/resolve': { min: 'developer', body: () => ({}) },
  'GET /api/flows': { min: 'viewer' },
  'POST /api/flows': { min: 'builder', body: () => ({ name: 'Matrix' }) },
  'POST /api/flows/import/n8n': { min: 'builder', body: () => ({}) },
  'GET /api/flows/:id/export': { min: 'viewer' },
  'POST /api/flows/import': { min: 'builder', body: () => ({}) },
  'GET /api/flows/:id': { min: 'viewer' },
  'PUT /api/flows/:id': { min: 'builder', body: () => ({ revision: 0 }) },
  'DELETE /api/flows/:id': { min: 'builder' },
  'POST /api/flows/:id/publish': { min: 'builder' },
  'POST /api/flows/:id/check': {
    min: 'builder',
    body: () => ({ document: { schemaVersion: 1, nodes: [], edges: [] } }),
  },
  'GET /api/flows/:id/versions': { min: 'viewer' },
  'GET /api/flows/:id/versions/:version': { min: 'viewer' },
  'GET /api/flows/:id/versions/:a/diff/:b': { min: 'viewer' },
  'POST /api/flows/:id/versions/:version/rollback': { min: 'builder' },
  'POST /api/flows/:id/nodes/:nodeId/test': {
    min: 'builder',
    body: () => ({ input: { method: 'GET', url: 'http://127.0.0.1:9/x' } }),
  },
  // A webhook flow has no schedule to pause: 404 names the schedule, not the flow.
  'GET /api/flows/:id/schedule': { min: 'viewer' },
  'POST /api/flows/:id/schedule/pause': { min: 'builder', alsoOk: [404] },
  'POST /api/flows/:id/schedule/resume': { min: 'builder', alsoOk: [404] },
  'POST /api/flows/:id/webhook-secret/rotate': { min: 'builder' },
  'POST /api/flows/:id/contract/infer': { min: 'builder', body: () => ({ samples: [{ id: 'a' }] }) },
  'GET /api/flows/:id/contract/violations': { min: 'viewer' },
  'POST /api/flows/:id/runs': { min: 'builder', body: () => ({ source: 'published' }) },
  'POST /api/flows/:id/draft-tests': { min: 'builder', body: () => ({ count: 1 }) },
  'GET /api/flows/:id/draft-tests': { min: 'viewer' },
  // No test of this id in the own workspace either: 404 names the test.
  'GET /api/flows/:id/draft-tests/:testId': { min: 'viewer', alsoOk: [404] },
  'GET /api/flows/:id/rollout': { min: 'viewer' },
  'POST /api/flows/:id/rollout/promote': { min: 'builder' },
  'POST /api/flows/:id/rollout/rollback': { min: 'builder' },
  'GET /api/runs': { min: 'viewer' },
  'GET /api/runs/:id': { min: 'viewer' },
  'GET /api/runs/:id/events': { min: 'viewer' },
  'GET /api/runs/:id/history': { min: 'viewer' },
  'POST /api/runs/:id/rerun': { min: 'builder' },
  'GET /api/operations/health': { min: 'viewer' },
  // A run of no failure: the permitted caller gets 200 with the run's error in `results`.
  'GET /api/failures': { min: 'viewer' },
  'POST /api/failures/retry': { min: 'builder', body: () => ({ runIds: ['run_none'] }) },
  'POST /api/failures/rerun': { min: 'builder', body: () => ({ runIds: ['run_none'] }) },
  'POST /api/failures/dismiss': { min: 'builder', body: () => ({ runIds: ['run_none'] }) },
  'GET /api/workspace/members': { min: 'admin' },
  'POST /api/workspace/members': { min: 'admin', body: () => ({ email: nextEmail(), role: 'viewer' }) },
  'PATCH /api/workspace/members/:userId': { min: 'admin', body: () => ({ role: 'builder' }) },
  'DELETE /api/workspace/members/:userId': { min: 'admin' },
  'GET /api/tokens': { min: 'viewer' },
  'POST /api/tokens': { min: 'viewer', body: () => ({ name: 'matrix' }) },
  'DELETE /api/tokens/:id': { min: 'viewer' },
  'GET /api/audit': { min: 'admin' },
  // The signed-in person's workspaces need a browser session: every API token (the matrix's callers) gets 403.
  'GET /api/workspaces': { min: 'viewer', alsoOk: [403] },
  'POST /api/workspaces': { min: 'viewer', body: () => ({ name: 'Matrix workspace' }), alsoOk: [403] },
  'POST /api/session/workspace': {
    min: 'viewer',
    body: () => ({ workspaceId: other.admin.workspaceId }),
    alsoOk: [403],
  },
  'GET /api/invites': { min: 'viewer', alsoOk: [403] },
  'POST /api/invites/accept': { min: 'viewer', body: () => ({ inviteId: 'inv_none' }), alsoOk: [403] },
  'POST /api/runs/:id/resume': { min: 'builder', body: () => ({ payload: {} }) },
  // The fixture run asks no approval: the permitted caller gets 409 (nothing pending there).
  'GET /api/approvals': { min: 'viewer' },
  'POST /api/approvals/:runId/:nodeId': { min: 'viewer', body: () => ({ decision: 'approve' }) },
  'GET /api/credential-types': { min: 'builder' },
  'GET /api/credentials': { min: 'builder' },
  'POST /api/credentials': { min: 'admin', body: newCredentialBody },
  'GET /api/credentials/:id': { min: 'admin' },
  'PATCH /api/credentials/:id': { min: 'admin', body: () => ({ name: `Renamed ${++credentialCounter}` }) },
  'POST /api/credentials/:id/rotate': { min: 'admin', body: () => ({ values: { token: 'rotated-value' } }) },
  'PUT /api/credentials/:id/network': { min: 'admin', body: () => ({ allowPrivate: false }) },
  'POST /api/credentials/:id/test': { min: 'admin' },
  // The fixture is a bearer-token credential: 409 "not an OAuth2 app" is the permitted caller's answer.
  'POST /api/credentials/:id/oauth2/start': { min: 'admin' },
  // Without code and state: 400.  The state (not a session) authorizes it; see credentials/oauth2.test.ts.
  'GET /api/oauth2/callback': { min: 'public' },
  'DELETE /api/credentials/:id': { min: 'admin' },
  'GET /api/alerts': { min: 'viewer' },
  'POST /api/alerts': { min: 'builder', body: () => ({}) },
  'GET /api/alerts/events': { min: 'viewer' },
  'GET /api/alerts/:id': { min: 'viewer' },
  'PATCH /api/alerts/:id': { min: 'builder', body: () => ({ name: 'Renamed rule' }) },
  'DELETE /api/alerts/:id': { min: 'builder' },
  'POST /api/alerts/:id/test': { min: 'builder' },
  'GET /api/alerts/:id/events': { min: 'viewer' },
  // Kill switches.  Pausing the fixture flow leaves its manual runs working; the connector is one no fixture uses.
  'GET /api/pauses': { min: 'viewer' },
  'GET /api/flows/:id/pause': { min: 'viewer' },
  'POST /api/flows/:id/pause': { min: 'builder', body: () => ({ mode: 'queue' }) },
  'DELETE /api/flows/:id/pause': { min: 'builder' },
  'POST /api/pauses/connectors/:connector': { min: 'admin', body: () => ({}) },
  'DELETE /api/pauses/connectors/:connector': { min: 'admin' },
  'POST /api/pauses/credentials/:id': { min: 'admin', body: () => ({}) },
  'DELETE /api/pauses/credentials/:id': { min: 'admin' },
  'GET /api/rate-limits': { min: 'viewer' },
  'PUT /api/rate-limits': { min: 'admin', body: () => ({ limits: { http: { count: 50, per: 's' } } }) },
  'GET /api/fairness': { min: 'viewer' },
  'PUT /api/fairness': { min: 'admin', body: () => ({ weight: 0.5 }) },
  'GET /api/waiting-runs': { min: 'viewer' },
};

const RANK: Record<Caller, number> = { anonymous: -1, viewer: 0, builder: 1, developer: 2, admin: 3 };
const CALLERS: Caller[] = ['anonymous', 'viewer', 'builder', 'developer', 'admin'];
let emailCounter = 0;
const nextEmail = (): string => `matrix-${process.pid}-${++emailCounter}@example.test`;

interface WorkspaceFixture {
  admin: SignedInUser;
  flowId: string;
  runId: string;
  credentialId: string;
  alertRuleId: string;
}

let harness: Harness;
let server: Server;
let baseUrl = '';
const users = new Map<Role, SignedInUser>();
let own: WorkspaceFixture;
let other: WorkspaceFixture;

before(async () => {
  harness = await startHarness({ worker: true });
  server = harness.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  users.set('admin', harness.admin);
  for (const role of ['viewer', 'builder', 'developer'] as const) {
    users.set(role, await createSignedInAgent(harness, { role }));
  }
  own = await workspaceFixture(harness.admin);
  other = await workspaceFixture(await provisionWorkspace(harness.app, harness.db));
});

after(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await harness?.stop();
});

async function call(method: string, path: string, token: string | undefined, body?: unknown) {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    signal: controller.signal,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // Event streams: the status is the answer; do not wait for the stream to end.
  if ((response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    controller.abort();
    return { status: response.status, text: '' };
  }
  const text = await response.text();
  return { status: response.status, text };
}

async function asJson<T>(method: string, path: string, token: string, body?: unknown): Promise<T> {
  const response = await call(method, path, token, body);
  assert.ok(response.status < 300, `${method} ${path} → ${response.status} ${response.text}`);
  return JSON.parse(response.text) as T;
}

/** A published (twice) webhook → HTTP flow and a finished run of it. */
async function workspaceFixture(admin: SignedInUser): Promise<WorkspaceFixture> {
  const flowId = await newFlow(admin);
  const { runId } = await asJson<StartRunResponse>('POST', `/api/flows/${flowId}/runs`, admin.token, {
    source: 'published',
  });
  await awaitRun(harness.temporal, runId);
  return {
    admin,
    flowId,
    runId,
    credentialId: await newCredential(admin),
    alertRuleId: await newAlertRule(admin, flowId),
  };
}

/** A rule whose test alert goes nowhere reachable (its delivery fails in the background). */
async function newAlertRule(admin: SignedInUser, flowId: string): Promise<string> {
  const body = {
    flowId,
    name: 'Matrix rule',
    condition: { kind: 'run_failed' },
    channels: [{ type: 'webhook', url: 'http://127.0.0.1:9/alert' }],
  };
  return (await asJson<{ id: string }>('POST', '/api/alerts', admin.token, body)).id;
}

async function newCredential(admin: SignedInUser): Promise<string> {
  return (await asJson<{ id: string }>('POST', '/api/credentials', admin.token, newCredentialBody())).id;
}

async function newFlow(admin: SignedInUser): Promise<string> {
  const document = webhookToHttpDocument('http://127.0.0.1:9/x');
  const flow = await asJson<FlowDetail>('POST', '/api/flows', admin.token, { name: 'Fixture', document });
  await asJson('POST', `/api/flows/${flow.id}/publish`, admin.token);
  await asJson('POST', `/api/flows/${flow.id}/publish`, admin.token);
  return flow.id;
}

/** A value for each route parameter: the own or other workspace's resource; fresh ones for destructive calls. */
async function resolveParams(route: string, ctx: CallContext): Promise<string> {
  const [method = '', path = ''] = route.split(' ');
  const fixture = ctx.side === 'own' ? own : other;
  const destructive = method === 'DELETE' || method === 'PATCH';
  let resolved = path;
  for (const [, name] of path.matchAll(/:(\w+)/g)) {
    let value: string;
    if (name === 'id' && path.startsWith('/api/flows/')) {
      value = destructive && ctx.side === 'own' ? await newFlow(fixture.admin) : fixture.flowId;
    } else if (name === 'id' && path.startsWith('/api/runs/')) value = fixture.runId;
    else if (name === 'runId') value = fixture.runId;
    else if (name === 'id' && path.startsWith('/api/credentials/')) {
      value = destructive && ctx.side === 'own' ? await newCredential(fixture.admin) : fixture.credentialId;
    } else if (name === 'id' && path.startsWith('/api/pauses/credentials/')) value = fixture.credentialId;
    else if (name === 'connector') {
      // Connector types are the catalog's, not a workspace's: "another workspace's" is one this one does not have
      // (another workspace's step package), which answers 404 like any unknown type.
      value = ctx.side === 'own' ? 'smtp' : 'pkgofanotherworkspace';
    } else if (name === 'id' && path.startsWith('/api/alerts/')) {
      value =
        destructive && ctx.side === 'own' ? await newAlertRule(fixture.admin, fixture.flowId) : fixture.alertRuleId;
    } else if (name === 'type') {
      // A step type of the catalog; "another workspace's" is a package step this workspace has not got (404).
      value = ctx.side === 'own' ? 'http.request' : 'pkgofanotherworkspace.step';
    } else if (name === 'version' || name === 'a') value = '1';
    else if (name === 'b') value = '2';
    else if (name === 'nodeId') value = 'call';
    else if (name === 'testId') value = 'drt_none';
    else if (name === 'userId') {
      value =
        ctx.side === 'own' ? (await createSignedInAgent(harness, { role: 'viewer' })).userId : fixture.admin.userId;
    } else if (name === 'id' && path.startsWith('/api/tokens/')) {
      const owner = ctx.side === 'own' && ctx.caller !== undefined ? ctx.caller : fixture.admin;
      value = (await asJson<CreatedApiTokenResponse>('POST', '/api/tokens', owner.token, { name: 'victim' })).apiToken
        .id;
    } else {
      assert.fail(`No fixture for :${name} in ${route}: teach resolveParams in authorization-matrix.test.ts`);
    }
    resolved = resolved.replace(`:${name}`, encodeURIComponent(value));
  }
  return resolved;
}

/** `METHOD /api/path` for every route layer under the app's /api router (nested routers mounted without a path). */
function expressRoutes(app: express.Express): string[] {
  interface Layer {
    route?: { path: string; methods: Record<string, boolean> };
    handle: { stack?: Layer[] };
    match(path: string): unknown;
  }
  const root = (app as unknown as { router: { stack: Layer[] } }).router.stack;
  const api = root.find((layer) => layer.handle.stack !== undefined && layer.match('/api'));
  assert.ok(api?.handle.stack, 'the /api router is mounted');
  const found: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods))
          found.push(`${method.toUpperCase()} /api${layer.route.path}`);
      } else if (layer.handle.stack) {
        assert.ok(layer.match('/'), 'nested routers are mounted without a path (teach expressRoutes otherwise)');
        walk(layer.handle.stack);
      }
    }
  };
  walk(api.handle.stack);
  return found.sort();
}

test('the Express routes, the OpenAPI document and the matrix table list the same /api routes', async () => {
  const routes = expressRoutes(harness.app);
  const doc = JSON.parse((await call('GET', '/api/openapi.json', undefined)).text) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const documented = Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/api/'))
    .flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    )
    .sort();
  assert.deepEqual(routes, documented, 'every Express route is in the OpenAPI document and vice versa');
  assert.deepEqual(routes, Object.keys(ROUTES).sort(), 'every route has an expected role in ROUTES');
});

test('every route × role × workspace answers as its role and workspace allow', async () => {
  const failures: string[] = [];
  let cells = 0;
  const otherIds = [other.flowId, other.runId, other.credentialId, other.admin.userId, other.admin.workspaceId];
  for (const [route, rule] of Object.entries(ROUTES)) {
    const method = route.split(' ')[0] ?? '';
    const hasIds = route.includes(':');
    for (const callerName of CALLERS) {
      const caller = callerName === 'anonymous' ? undefined : users.get(callerName);
      const allowed = rule.min === 'public' || RANK[callerName] >= RANK[rule.min];
      for (const side of hasIds ? (['other', 'own'] as const) : (['own'] as const)) {
        cells++;
        const ctx: CallContext = { caller, side };
        const path = await resolveParams(route, ctx);
        const { status, text } = await call(method, path, caller?.token, rule.body?.(ctx));
        const where = `${callerName} ${route} (${side} workspace) → ${status}`;
        if (!allowed) {
          const expected = callerName === 'anonymous' ? 401 : 403;
          if (status !== expected) failures.push(`${where}, expected ${expected}: ${text.slice(0, 160)}`);
        } else if (side === 'other') {
          if (status !== 404) failures.push(`${where}, expected 404 for another workspace's id: ${text.slice(0, 160)}`);
        } else {
          const ok = (status >= 200 && status < 300) || [400, 409, 422, ...(rule.alsoOk ?? [])].includes(status);
          if (!ok) failures.push(`${where}, expected success or a validation answer: ${text.slice(0, 160)}`);
          const leaked = otherIds.find((id) => text.includes(id));
          if (leaked !== undefined) failures.push(`${where} shows another workspace's id ${leaked}`);
        }
      }
    }
  }
  console.log(
    `authorization matrix: ${Object.keys(ROUTES).length} routes × ${CALLERS.length} callers → ${cells} cells`,
  );
  assert.deepEqual(failures, []);
});
