import { testStepBody } from '@pipewright/api-contract';
import { type Response, Router } from 'express';
import { z } from 'zod';
import type { AuditService } from '../auth/audit.service.ts';
import { getAuth, requireRole } from '../auth/auth-context.ts';
import { parseRequest } from '../errors.ts';
import type { StepTestService } from './step-test.service.ts';
import type { VersionsService } from './versions.service.ts';

const versionParam = z.coerce.number().int().min(1);

/** Version diff and rollback, re-running a run on the current version, and testing one step of the draft. */
export function createVersionsRouter(deps: {
  versions: VersionsService;
  stepTests: StepTestService;
  audit: AuditService;
}): Router {
  const { versions, stepTests, audit } = deps;
  const router = Router();
  const workspaceOf = (res: Response): string => getAuth(res).workspaceId;

  router.get('/flows/:id/versions/:a/diff/:b', requireRole('viewer'), async (req, res) => {
    const from = parseRequest(versionParam, req.params.a, 'a');
    const to = parseRequest(versionParam, req.params.b, 'b');
    res.json(await versions.diff(workspaceOf(res), req.params.id, from, to));
  });

  router.post('/flows/:id/versions/:version/rollback', requireRole('builder'), async (req, res) => {
    const version = parseRequest(versionParam, req.params.version, 'version');
    const published = await versions.rollback(workspaceOf(res), req.params.id, version);
    await audit.record(getAuth(res), {
      action: 'flow.publish',
      target: { type: 'flow', id: req.params.id },
      details: { version: published.version, rollbackTo: version },
    });
    res.status(201).json(published);
  });

  router.post('/runs/:id/rerun', requireRole('builder'), async (req, res) => {
    res.status(202).json(await versions.rerun(workspaceOf(res), req.params.id));
  });

  router.post('/flows/:id/nodes/:nodeId/test', requireRole('builder'), async (req, res) => {
    const body = parseRequest(testStepBody, req.body);
    res.json(
      await stepTests.test({
        workspaceId: workspaceOf(res),
        flowId: req.params.id,
        nodeId: req.params.nodeId,
        config: body.input,
      }),
    );
  });

  return router;
}
