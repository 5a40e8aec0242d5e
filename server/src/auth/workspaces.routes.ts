import { acceptInviteBody, createWorkspaceBody, switchWorkspaceBody } from '@pipewright/api-contract';
import { Router } from 'express';
import { parseRequest } from '../errors.ts';
import { getSessionUser } from './session-user.ts';
import type { WorkspacesService } from './workspaces.service.ts';

/**
 * The signed-in person's workspaces (browser sessions only; API tokens stay in their workspace): list, create,
 * switch the session, and invites to join.  These work even when the session's current membership was removed.
 */
export function createWorkspacesRouter(deps: { workspaces: WorkspacesService }): Router {
  const { workspaces } = deps;
  const router = Router();

  router.get('/workspaces', async (_req, res) => {
    res.json({ items: await workspaces.list(getSessionUser(res)) });
  });

  router.post('/workspaces', async (req, res) => {
    const user = getSessionUser(res);
    const body = parseRequest(createWorkspaceBody, req.body);
    res.status(201).json(await workspaces.create(user, body.name));
  });

  router.post('/session/workspace', async (req, res) => {
    const user = getSessionUser(res);
    const body = parseRequest(switchWorkspaceBody, req.body);
    res.set('cache-control', 'no-store');
    res.json(await workspaces.switchTo(user, body.workspaceId));
  });

  router.get('/invites', async (_req, res) => {
    res.json({ items: await workspaces.pendingInvites(getSessionUser(res)) });
  });

  router.post('/invites/accept', async (req, res) => {
    const user = getSessionUser(res);
    const body = parseRequest(acceptInviteBody, req.body);
    res.json(await workspaces.acceptInvite(user, body));
  });

  return router;
}
