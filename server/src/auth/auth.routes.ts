import { loginBody, signupBody } from '@pipewright/api-contract';
import { Router } from 'express';
import { ApiError, parseRequest } from '../errors.ts';
import type { AccountsService, SignedIn } from './accounts.service.ts';
import { getAuth, requireRole } from './auth-context.ts';
import { clearSessionCookie, sessionCookie, setSessionCookie } from './authenticate.ts';
import type { LoginLimiter } from './login-limiter.ts';

/** Sign-up (first user or invite), sign-in, sign-out and "who am I". */
export function createAuthRouter(deps: { accounts: AccountsService; loginLimiter: LoginLimiter }): Router {
  const { accounts, loginLimiter } = deps;
  const router = Router();

  router.get('/auth/status', async (_req, res) => {
    res.json({ hasUsers: await accounts.hasUsers() });
  });

  router.post('/auth/signup', async (req, res) => {
    const body = parseRequest(signupBody, req.body);
    answerSignedIn(req, res, await accounts.signUp(body), 201);
  });

  router.post('/auth/login', async (req, res) => {
    const body = parseRequest(loginBody, req.body);
    const wait = await loginLimiter.lockedFor(body.email);
    if (wait > 0) {
      res.set('retry-after', String(wait));
      throw new ApiError(
        429,
        'too_many_attempts',
        `Too many failed sign-ins for this e-mail; try again in ${Math.ceil(wait / 60)} minutes`,
      );
    }
    let signedIn: SignedIn;
    try {
      signedIn = await accounts.logIn(body);
    } catch (error) {
      await loginLimiter.fail(body.email);
      throw error;
    }
    await loginLimiter.succeed(body.email);
    answerSignedIn(req, res, signedIn, 200);
  });

  router.post('/auth/logout', async (req, res) => {
    const auth: unknown = res.locals.auth;
    await accounts.logOut(sessionCookie(req), auth === undefined ? undefined : getAuth(res));
    clearSessionCookie(req, res);
    res.status(204).end();
  });

  router.get('/auth/me', requireRole('viewer'), async (_req, res) => {
    res.json(await accounts.me(getAuth(res)));
  });

  return router;
}

function answerSignedIn(
  req: Parameters<typeof setSessionCookie>[0],
  res: Parameters<typeof setSessionCookie>[1],
  signedIn: SignedIn,
  status: number,
): void {
  setSessionCookie(req, res, signedIn.sessionToken, signedIn.expiresAt);
  res.set('cache-control', 'no-store');
  res.status(status).json(signedIn.me);
}
