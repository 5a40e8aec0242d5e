import type { NextFunction, Request, Response } from 'express';
import { ApiError } from '../errors.ts';

/**
 * Who is calling, in which workspace, with which role — set on `res.locals.auth` by the authentication
 * middleware (session cookie for the browser, API token for scripts) before any /api route runs.  Routes read the
 * workspace from here, never from the request body, so an id from another workspace reads as 404.
 */
export type Role = 'admin' | 'builder' | 'developer' | 'viewer';

export interface AuthContext {
  userId: string;
  /** For the audit log's actor. */
  email: string;
  workspaceId: string;
  role: Role;
  via: 'session' | 'token';
}

/** What each role may do: builder ⊂ developer ⊂ admin; viewer reads only. */
const RANK: Record<Role, number> = { viewer: 0, builder: 1, developer: 2, admin: 3 };

/** True when `role` may do what `minimum` may. */
export function hasRole(role: Role, minimum: Role): boolean {
  return RANK[role] >= RANK[minimum];
}

/** The lesser of two roles (an API token never acts above its creator's current role). */
export function lesserRole(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b;
}

/** 401 (who are you?) or 403 (not with your role); an ApiError, so the error middleware answers it as JSON. */
export class AuthError extends ApiError {
  declare readonly status: 401 | 403;
  constructor(status: 401 | 403, message: string) {
    super(status, status === 401 ? 'unauthenticated' : 'forbidden', message);
    this.name = 'AuthError';
  }
}

export function getAuth(res: Response): AuthContext {
  const auth: unknown = res.locals.auth;
  if (!isAuthContext(auth))
    throw new AuthError(401, 'Sign in first (session cookie or "Authorization: Bearer <API token>")');
  return auth;
}

/** Allows the request when the caller's role is at least `minimum` (admin > developer > builder > viewer). */
export function requireRole(minimum: Role): <P>(req: Request<P>, res: Response, next: NextFunction) => void {
  // Generic in the route parameters, so `router.get('/x/:id', requireRole(…), handler)` keeps `req.params.id: string`.
  return (_req, res, next) => {
    const auth = getAuth(res);
    if (!hasRole(auth.role, minimum)) {
      throw new AuthError(403, `This needs the ${minimum} role; you are ${auth.role}`);
    }
    next();
  };
}

function isAuthContext(value: unknown): value is AuthContext {
  return (
    typeof value === 'object' &&
    value !== null &&
    'userId' in value &&
    'workspaceId' in value &&
    'role' in value &&
    typeof value.workspaceId === 'string' &&
    typeof value.role === 'string' &&
    value.role in RANK
  );
}
