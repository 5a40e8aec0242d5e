import {
  createCredentialBody,
  credentialNetworkBody,
  rotateCredentialBody,
  updateCredentialBody,
} from '@pipewright/api-contract';
import { Router } from 'express';
import { getAuth, requireRole } from '../auth/auth-context.ts';
import { parseRequest } from '../errors.ts';
import type { CredentialTypeRegistry } from './credential-types.ts';
import type { CredentialsService } from './credentials.service.ts';

/**
 * Builders list credentials (names only) to pick one in a node; everything else is for admins.  The workspace
 * always comes from the caller's auth context, so an id from another workspace reads as 404.
 */
export function createCredentialsRouter(deps: {
  credentials: CredentialsService;
  types: CredentialTypeRegistry;
}): Router {
  const { credentials, types } = deps;
  const router = Router();

  router.get('/credential-types', requireRole('builder'), async (_req, res) => {
    res.json({ items: (await types.forWorkspace(getAuth(res).workspaceId)).manifests });
  });

  router.get('/credentials', requireRole('builder'), async (_req, res) => {
    res.json({ items: await credentials.list(getAuth(res).workspaceId) });
  });

  router.post('/credentials', requireRole('admin'), async (req, res) => {
    const body = parseRequest(createCredentialBody, req.body);
    res.status(201).json(await credentials.create(getAuth(res), body));
  });

  router.get('/credentials/:id', requireRole('admin'), async (req, res) => {
    res.json(await credentials.get(getAuth(res).workspaceId, req.params.id));
  });

  router.patch('/credentials/:id', requireRole('admin'), async (req, res) => {
    const body = parseRequest(updateCredentialBody, req.body);
    res.json(await credentials.update(getAuth(res), req.params.id, body));
  });

  router.put('/credentials/:id/network', requireRole('admin'), async (req, res) => {
    const body = parseRequest(credentialNetworkBody, req.body);
    res.json(await credentials.setNetwork(getAuth(res), req.params.id, body));
  });

  router.post('/credentials/:id/rotate', requireRole('admin'), async (req, res) => {
    const body = parseRequest(rotateCredentialBody, req.body);
    res.json(await credentials.rotate(getAuth(res), req.params.id, body));
  });

  router.post('/credentials/:id/test', requireRole('admin'), async (req, res) => {
    res.json(await credentials.test(getAuth(res), req.params.id));
  });

  router.delete('/credentials/:id', requireRole('admin'), async (req, res) => {
    await credentials.delete(getAuth(res), req.params.id);
    res.status(204).end();
  });

  return router;
}
