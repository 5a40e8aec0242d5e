import { Router } from 'express';
import { z } from 'zod';
import { getAuth, requireRole } from '../auth/auth-context.ts';
import { ApiError, parseRequest } from '../errors.ts';
import type { OAuth2ConnectService } from './oauth2-connect.service.ts';

const callbackQuery = z.object({ code: z.string().min(1), state: z.string().min(1) });

/**
 * Admins start the OAuth2 flow; the provider sends the browser back to the public callback, which is trusted only
 * through its single-use state.  The browser ends on the Credentials page with `?oauth2=connected|error`.
 */
export function createOAuth2Router(deps: { oauth2: OAuth2ConnectService; publicBaseUrl: string | undefined }): Router {
  const router = Router();

  router.post('/credentials/:id/oauth2/start', requireRole('admin'), async (req, res) => {
    const base = deps.publicBaseUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    const redirectUri = `${base.replace(/\/+$/, '')}/api/oauth2/callback`;
    res.json(await deps.oauth2.start(getAuth(res), req.params.id, redirectUri));
  });

  router.get('/oauth2/callback', async (req, res) => {
    if (typeof req.query.error === 'string') {
      const reason = /^[a-z_]{1,64}$/.test(req.query.error) ? req.query.error : 'denied';
      res.redirect(302, `/credentials?oauth2=error&reason=${encodeURIComponent(reason)}`);
      return;
    }
    const query = parseRequest(callbackQuery, req.query, 'query');
    try {
      const credentialId = await deps.oauth2.complete(query);
      res.redirect(302, `/credentials?oauth2=connected&credential=${encodeURIComponent(credentialId)}`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) throw error;
      const reason = error instanceof ApiError ? error.code : 'failed';
      res.redirect(302, `/credentials?oauth2=error&reason=${encodeURIComponent(reason)}`);
    }
  });

  return router;
}
