import type { Request, RequestHandler, Response } from 'express';
import { ApiError } from '../errors.ts';
import type { AccountsService } from './accounts.service.ts';
import type { ApiTokensService } from './api-tokens.service.ts';
import { AuthError } from './auth-context.ts';
import { isAccountRoute } from './session-user.ts';

export const SESSION_COOKIE = 'pw_session';
/** What the web client sends on every request; a cross-site form or image cannot set a custom header. */
export const CSRF_HEADER = 'x-requested-with';
export const CSRF_VALUE = 'pipewright';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** /api routes anybody may call (everything else needs a session or token before routing even starts). */
const PUBLIC_ROUTES = new Set([
  'GET /health',
  'GET /health/ready',
  'GET /openapi.json',
  'GET /auth/status',
  'POST /auth/signup',
  'POST /auth/login',
  'POST /auth/logout',
  // The OAuth2 provider redirects the browser here; the single-use state is the credential (credentials/oauth2.*).
  'GET /oauth2/callback',
]);

export function isPublicRoute(method: string, path: string): boolean {
  return PUBLIC_ROUTES.has(`${method === 'HEAD' ? 'GET' : method} ${path.replace(/\/+$/, '') || '/'}`);
}

/**
 * Who is calling: `Authorization: Bearer pw_…` (scripts) or the `pw_session` cookie (browser) → `res.locals.auth`.
 * A bearer token that does not check out is a 401 (never a silent fall back to the cookie).  Cookie-authenticated
 * state-changing requests must carry `X-Requested-With: pipewright` (CSRF).  Mounted on the /api router, so
 * `req.path` is relative to /api.
 */
export function createAuthenticate(deps: { accounts: AccountsService; tokens: ApiTokensService }): RequestHandler {
  return async (req, res, next) => {
    const bearer = bearerToken(req);
    if (bearer !== undefined) {
      const auth = await deps.tokens.authenticate(bearer);
      if (auth === null) throw new AuthError(401, 'This API token is unknown or revoked');
      res.locals.auth = auth;
      next();
      return;
    }
    const session = sessionCookie(req);
    const resolved = session === undefined ? null : await deps.accounts.resolveSession(session);
    const auth = resolved?.auth ?? null;
    if (resolved !== null) {
      if (!SAFE_METHODS.has(req.method) && req.get(CSRF_HEADER) !== CSRF_VALUE) {
        throw new AuthError(403, `Send the header "X-Requested-With: ${CSRF_VALUE}" with cookie-authenticated changes`);
      }
      res.locals.sessionUser = resolved.user;
      if (auth !== null) res.locals.auth = auth;
    } else if (session !== undefined) clearSessionCookie(req, res);
    if (auth === null && !isPublicRoute(req.method, req.path)) {
      // Removed from the session's current workspace: it cannot act there, but may still switch to another one.
      if (resolved !== null && isAccountRoute(req.method, req.path)) {
        next();
        return;
      }
      if (resolved !== null) {
        throw new ApiError(
          401,
          'not_a_member',
          'You are no longer a member of this workspace: switch to another one (GET /api/workspaces) or sign in again',
        );
      }
      throw new AuthError(401, 'Sign in first (session cookie or "Authorization: Bearer <API token>")');
    }
    next();
  };
}

function bearerToken(req: Request): string | undefined {
  const header = req.get('authorization');
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match?.[1] === undefined) throw new AuthError(401, 'Authorization must be "Bearer <API token>"');
  return match[1];
}

export function sessionCookie(req: Request): string | undefined {
  const header = req.get('cookie');
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === SESSION_COOKIE) {
      const value = part.slice(index + 1).trim();
      return /^[0-9a-f]{64}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

export function setSessionCookie(req: Request, res: Response, token: string, expiresAt: Date): void {
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: req.secure,
    path: '/',
    expires: expiresAt,
  });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
}
