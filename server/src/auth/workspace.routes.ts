import { createApiTokenBody, inviteMemberBody, updateMemberBody } from '@pipewright/api-contract';
import { Router } from 'express';
import { z } from 'zod';
import { parseRequest } from '../errors.ts';
import type { ApiTokensService } from './api-tokens.service.ts';
import type { AuditService } from './audit.service.ts';
import { getAuth, requireRole } from './auth-context.ts';
import type { MembersService } from './members.service.ts';

const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.date().optional(),
});

/** Members (admin), the caller's API tokens (everyone; admins see all), the audit log (admin). */
export function createWorkspaceRouter(deps: {
  members: MembersService;
  tokens: ApiTokensService;
  audit: AuditService;
}): Router {
  const { members, tokens, audit } = deps;
  const router = Router();

  router.get('/workspace/members', requireRole('admin'), async (_req, res) => {
    res.json(await members.list(getAuth(res).workspaceId));
  });

  router.post('/workspace/members', requireRole('admin'), async (req, res) => {
    const body = parseRequest(inviteMemberBody, req.body);
    res.set('cache-control', 'no-store');
    res.status(201).json(await members.invite(getAuth(res), body));
  });

  router.patch('/workspace/members/:userId', requireRole('admin'), async (req, res) => {
    const body = parseRequest(updateMemberBody, req.body);
    await members.changeRole(getAuth(res), req.params.userId, body.role);
    res.json(await members.list(getAuth(res).workspaceId));
  });

  router.delete('/workspace/members/:userId', requireRole('admin'), async (req, res) => {
    await members.remove(getAuth(res), req.params.userId);
    res.status(204).end();
  });

  router.get('/tokens', requireRole('viewer'), async (_req, res) => {
    res.json({ items: await tokens.list(getAuth(res)) });
  });

  router.post('/tokens', requireRole('viewer'), async (req, res) => {
    const body = parseRequest(createApiTokenBody, req.body);
    res.set('cache-control', 'no-store');
    res.status(201).json(await tokens.create(getAuth(res), body));
  });

  router.delete('/tokens/:id', requireRole('viewer'), async (req, res) => {
    await tokens.revoke(getAuth(res), req.params.id);
    res.status(204).end();
  });

  router.get('/audit', requireRole('admin'), async (req, res) => {
    const query = parseRequest(auditQuery, req.query, 'query');
    const options = query.before === undefined ? { limit: query.limit } : { limit: query.limit, before: query.before };
    res.json({ items: await audit.list(getAuth(res).workspaceId, options) });
  });

  return router;
}
