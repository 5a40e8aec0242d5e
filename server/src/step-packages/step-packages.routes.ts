import { migrateNodeBody, publishStepPackageBody, resolvePackageCredentialBody } from '@pipewright/api-contract';
import { Router } from 'express';
import type { AuditService } from '../auth/audit.service.ts';
import { getAuth, requireRole } from '../auth/auth-context.ts';
import { parseRequest } from '../errors.ts';
import type { StepPackageCredentials } from './step-package-credentials.ts';
import type { StepPackagesService } from './step-packages.service.ts';

/** Registering step packages (developers, usually via `pipewright-step publish`) and upgrading nodes (builders). */
export function createStepPackagesRouter(deps: {
  packages: StepPackagesService;
  credentials: StepPackageCredentials;
  audit: AuditService;
}): Router {
  const { packages, credentials, audit } = deps;
  const router = Router();

  router.post('/step-packages', requireRole('developer'), async (req, res) => {
    const body = parseRequest(publishStepPackageBody, req.body);
    const auth = getAuth(res);
    const published = await packages.publish(auth, body);
    if (published.created) {
      await audit.record(auth, {
        action: 'step_package.publish',
        target: { type: 'step_package', id: `${published.name}@${published.version}` },
        details: { steps: body.steps.map((step) => `${step.type}@${step.version}`) },
      });
    }
    res.status(published.created ? 201 : 200).json(published);
  });

  // A package worker's credentials port (its token: a developer's of the workspace). The values are never logged.
  router.post('/step-packages/credentials/resolve', requireRole('developer'), async (req, res) => {
    const body = parseRequest(resolvePackageCredentialBody, req.body);
    res.set('Cache-Control', 'no-store');
    res.json(await credentials.resolve(getAuth(res), body));
  });

  router.get('/step-packages', requireRole('viewer'), async (_req, res) => {
    res.json({ items: await packages.list(getAuth(res).workspaceId) });
  });

  router.post('/catalog/migrate', requireRole('builder'), async (req, res) => {
    const body = parseRequest(migrateNodeBody, req.body);
    res.json({ config: await packages.migrate(getAuth(res).workspaceId, body) });
  });

  return router;
}
