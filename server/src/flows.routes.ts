import { createFlowBody, manualRunBody, updateFlowBody } from '@pipewright/api-contract';
import { Router } from 'express';
import { z } from 'zod';
import { parseRequest } from './errors.ts';
import type { FlowsService } from './flows.service.ts';
import type { TriggersService } from './triggers.service.ts';

const versionParam = z.coerce.number().int().min(1);

export function createFlowsRouter(deps: {
  flows: FlowsService;
  triggers: TriggersService;
  workspaceId: string;
}): Router {
  const { flows, triggers, workspaceId } = deps;
  const router = Router();

  router.get('/flows', async (_req, res) => {
    res.json({ items: await flows.list(workspaceId) });
  });

  router.post('/flows', async (req, res) => {
    const body = parseRequest(createFlowBody, req.body);
    res.status(201).json(await flows.create(workspaceId, body));
  });

  router.get('/flows/:id', async (req, res) => {
    res.json(await flows.get(workspaceId, req.params.id));
  });

  router.put('/flows/:id', async (req, res) => {
    const body = parseRequest(updateFlowBody, req.body);
    res.json(await flows.update(workspaceId, req.params.id, body));
  });

  router.delete('/flows/:id', async (req, res) => {
    await flows.delete(workspaceId, req.params.id);
    res.status(204).end();
  });

  router.post('/flows/:id/publish', async (req, res) => {
    res.status(201).json(await flows.publish(workspaceId, req.params.id));
  });

  router.get('/flows/:id/versions', async (req, res) => {
    res.json({ items: await flows.listVersions(workspaceId, req.params.id) });
  });

  router.get('/flows/:id/versions/:version', async (req, res) => {
    const version = parseRequest(versionParam, req.params.version, 'version');
    res.json(await flows.getVersion(workspaceId, req.params.id, version));
  });

  router.post('/flows/:id/runs', async (req, res) => {
    const body = parseRequest(manualRunBody, req.body);
    res.status(202).json(await triggers.startManual(workspaceId, req.params.id, body));
  });

  return router;
}
