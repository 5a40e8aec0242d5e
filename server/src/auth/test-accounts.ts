/**
 * Test helpers: users signed in through the real routes (sign-up, invite, login, token creation), so every server
 * test exercises authentication the way a client does.  Imported through ../test-support.ts.
 */

import type { CreatedApiTokenResponse, CreatedInviteResponse, MeResponse } from '@pipewright/api-contract';
import type express from 'express';
import type { Db } from 'mongodb';
import request from 'supertest';
import type { Role } from './auth-context.ts';
import { createAuthModule } from './auth-module.ts';
import { CSRF_VALUE, SESSION_COOKIE } from './authenticate.ts';

export interface SignedInUser {
  userId: string;
  email: string;
  password: string;
  workspaceId: string;
  role: Role;
  /** An API token (`pw_…`) with the user's role. */
  token: string;
  /** The `pw_session` cookie value from signing in. */
  sessionCookie: string;
}

export const TEST_PASSWORD = 'correct horse battery';
let counter = 0;
const nextEmail = (label: string): string => `${label}-${process.pid}-${++counter}@example.test`;

/** A supertest agent that sends this API token on every request. */
export function signedInAgent(app: express.Express, token: string): ReturnType<typeof request.agent> {
  return request.agent(app).set('authorization', `Bearer ${token}`);
}

/** The first sign-up of a fresh database: creates the workspace, returns its admin with an API token. */
export async function signUpFirstUser(app: express.Express, email = nextEmail('admin')): Promise<SignedInUser> {
  const response = await request(app)
    .post('/api/auth/signup')
    .send({ email, password: TEST_PASSWORD, name: 'First Admin', workspaceName: 'Test workspace' });
  if (response.status !== 201) throw new Error(`first sign-up answered ${response.status}: ${response.text}`);
  return withToken(app, response, email);
}

/**
 * A member with `role` in the admin's workspace, joined through an invite link (POST /workspace/members, then
 * sign-up with the invite token), with an API token of that role.
 */
export async function createSignedInAgent(
  harness: { app: express.Express; admin: SignedInUser },
  options: { role: Role; email?: string },
): Promise<SignedInUser & { agent(): ReturnType<typeof request.agent> }> {
  const email = options.email ?? nextEmail(options.role);
  const invited = await signedInAgent(harness.app, harness.admin.token)
    .post('/api/workspace/members')
    .send({ email, role: options.role });
  if (invited.status !== 201) throw new Error(`invite answered ${invited.status}: ${invited.text}`);
  const { token: inviteToken } = invited.body as CreatedInviteResponse;
  const joined = await request(harness.app)
    .post('/api/auth/signup')
    .send({ email, password: TEST_PASSWORD, name: `A ${options.role}`, inviteToken });
  if (joined.status !== 201) throw new Error(`invited sign-up answered ${joined.status}: ${joined.text}`);
  const user = await withToken(harness.app, joined, email);
  return { ...user, agent: () => signedInAgent(harness.app, user.token) };
}

/** A second workspace with its own admin, a user of no other workspace (provisioned directly, then signed in). */
export async function provisionWorkspace(app: express.Express, db: Db): Promise<SignedInUser> {
  const email = nextEmail('other-admin');
  await createAuthModule(db).accounts.provision({
    email,
    password: TEST_PASSWORD,
    name: 'Other Admin',
    role: 'admin',
    workspaceName: 'Other workspace',
  });
  const response = await request(app).post('/api/auth/login').send({ email, password: TEST_PASSWORD });
  if (response.status !== 200) throw new Error(`login answered ${response.status}: ${response.text}`);
  return withToken(app, response, email);
}

async function withToken(app: express.Express, signedIn: request.Response, email: string): Promise<SignedInUser> {
  const me = signedIn.body as MeResponse;
  const sessionCookie = cookieValue(signedIn);
  const created = await request(app)
    .post('/api/tokens')
    .set('cookie', `${SESSION_COOKIE}=${sessionCookie}`)
    .set('x-requested-with', CSRF_VALUE)
    .send({ name: 'tests' });
  if (created.status !== 201) throw new Error(`token creation answered ${created.status}: ${created.text}`);
  const { token } = created.body as CreatedApiTokenResponse;
  return {
    userId: me.user.id,
    email,
    password: TEST_PASSWORD,
    workspaceId: me.workspace.id,
    role: me.role,
    token,
    sessionCookie,
  };
}

/** The `pw_session` value from a response's Set-Cookie. */
export function cookieValue(response: request.Response): string {
  const header: unknown = response.headers['set-cookie'];
  const cookies = Array.isArray(header) ? header.map(String) : typeof header === 'string' ? [header] : [];
  for (const cookie of cookies) {
    const match = new RegExp(`^${SESSION_COOKIE}=([^;]+)`).exec(cookie);
    if (match?.[1] !== undefined) return match[1];
  }
  throw new Error('no session cookie was set');
}
