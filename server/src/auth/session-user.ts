import type { Response } from 'express';
import { AuthError } from './auth-context.ts';

/**
 * The person behind a browser session, whatever workspace it acts in — set on `res.locals.sessionUser` even when
 * the session's current workspace membership is gone (removed by an admin), so the user can still list their
 * workspaces, switch to another one, create one or accept an invite.  Every other route needs `res.locals.auth`.
 */
export interface SessionUser {
  /** The session's id: SHA-256 of the cookie's token. */
  sessionId: string;
  userId: string;
  email: string;
  /** The workspace the session acts in (its membership may have been removed since). */
  workspaceId: string;
}

/** /api routes that need a signed-in person but no membership of the session's current workspace. */
const ACCOUNT_ROUTES = new Set([
  'GET /workspaces',
  'POST /workspaces',
  'POST /session/workspace',
  'GET /invites',
  'POST /invites/accept',
]);

export function isAccountRoute(method: string, path: string): boolean {
  return ACCOUNT_ROUTES.has(`${method === 'HEAD' ? 'GET' : method} ${path.replace(/\/+$/, '') || '/'}`);
}

/**
 * The signed-in person of a browser session.  API tokens are bound to the workspace they were created in, so the
 * account routes (switch, create, join) answer them 403.
 */
export function getSessionUser(res: Response): SessionUser {
  const user: unknown = res.locals.sessionUser;
  if (isSessionUser(user)) return user;
  const auth: unknown = res.locals.auth;
  if (typeof auth === 'object' && auth !== null && 'via' in auth && auth.via === 'token') {
    throw new AuthError(
      403,
      'API tokens act only in the workspace they were created in: listing, creating and switching workspaces needs a browser session',
    );
  }
  throw new AuthError(401, 'Sign in first');
}

function isSessionUser(value: unknown): value is SessionUser {
  return (
    typeof value === 'object' &&
    value !== null &&
    'sessionId' in value &&
    'userId' in value &&
    'email' in value &&
    'workspaceId' in value &&
    typeof value.sessionId === 'string' &&
    typeof value.userId === 'string' &&
    typeof value.email === 'string' &&
    typeof value.workspaceId === 'string'
  );
}
