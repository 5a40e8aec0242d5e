import {
  checkFlowBody,
  createFlowBody,
  type FlowCheckResponse,
  manualRunBody,
  publishFlowBody,
  updateFlowBody,
} from '@pipewright/api-contract';
import { type Response, Router } from 'express';
import { z } from 'zod';
import type { AuditService } from '../auth/audit.service.ts';
import { getAuth, requireRole } from '../auth/auth-context.ts';
import type { DraftTestsService } from '../draft-tests/draft-tests.service.ts';
import { parseRequest } from '../errors.ts';
import type { TriggersService } from '../hooks/triggers.service.ts';
import { refuseDeepValue } from '../json-limits.ts';
import type { FlowsService } from './flows.service.ts';

const versionParam = z.coerce.number().int().min(1);

export function createFlowsRouter(deps: {
  flows: FlowsService;
  triggers: TriggersService;
  /** Publishing asks it first: a flow may require a passing draft test (settings.publishRequiresDraftTest). */
  draftTests: DraftTestsService;
  audit: AuditService;
  /** Flow documents (and so node configs) nested deeper are refused with a 400 before anything stores them. */
  maxDocumentDepth: number;
}): Router {
  const { flows, triggers, draftTests, audit } = deps;
  const router = Router();
  const workspaceOf = (res: Response): string => getAuth(res).workspaceId;
  const refuseDeepDocument = (body: unknown): void => {
    const document = typeof body === 'object' && body !== null && 'document' in body ? body.document : undefined;
    refuseDeepValue(document, { field: 'document', limit: deps.maxDocumentDepth, what: 'flow documents' });
  };

  router.get('/flows', requireRole('viewer'), async (_req, res) => {
    res.json({ items: await flows.list(workspaceOf(res)) });
  });

  router.post('/flows', requireRole('builder'), async (req, res) => {
    refuseDeepDocument(req.body);
    const body = parseRequest(createFlowBody, req.body);
    res.status(201).json(await flows.create(workspaceOf(res), body));
  });

  router.get('/flows/:id', requireRole('viewer'), async (req, res) => {
    res.json(await flows.get(workspaceOf(res), req.params.id));
  });

  router.put('/flows/:id', requireRole('builder'), async (req, res) => {
    refuseDeepDocument(req.body);
    const body = parseRequest(updateFlowBody, req.body);
    res.json(await flows.update(workspaceOf(res), req.params.id, body));
  });

  router.delete('/flows/:id', requireRole('builder'), async (req, res) => {
    await flows.delete(workspaceOf(res), req.params.id);
    res.status(204).end();
  });

  // Live validation: the editor sends its document as the builder edits; nothing is stored.
  router.post('/flows/:id/check', requireRole('builder'), async (req, res) => {
    refuseDeepDocument(req.body);
    const body = parseRequest(checkFlowBody, req.body);
    const answer: FlowCheckResponse = {
      compileErrors: await flows.check(workspaceOf(res), req.params.id, body.document),
    };
    res.json(answer);
  });

  router.post('/flows/:id/publish', requireRole('builder'), async (req, res) => {
    const body = parseRequest(publishFlowBody, req.body ?? {});
    await draftTests.checkPublish(workspaceOf(res), req.params.id);
    const auth = getAuth(res);
    // With `rollout`, the new version runs a share of new runs beside the current one (docs/adr/017).
    const published = body.rollout
      ? await flows.publishRollout(auth.workspaceId, req.params.id, { ...body.rollout, startedBy: auth.userId })
      : await flows.publish(auth.workspaceId, req.params.id);
    await audit.record(auth, {
      action: body.rollout ? 'flow.rollout.start' : 'flow.publish',
      target: { type: 'flow', id: req.params.id },
      details: body.rollout
        ? { version: published.version, percent: body.rollout.percent }
        : { version: published.version },
    });
    res.status(201).json(published);
  });

  router.get('/flows/:id/versions', requireRole('viewer'), async (req, res) => {
    res.json({ items: await flows.listVersions(workspaceOf(res), req.params.id) });
  });

  router.get('/flows/:id/versions/:version', requireRole('viewer'), async (req, res) => {
    const version = parseRequest(versionParam, req.params.version, 'version');
    res.json(await flows.getVersion(workspaceOf(res), req.params.id, version));
  });

  router.post('/flows/:id/runs', requireRole('builder'), async (req, res) => {
    const body = parseRequest(manualRunBody, req.body);
    res.status(202).json(await triggers.startManual(workspaceOf(res), req.params.id, body));
  });

  return router;
}
