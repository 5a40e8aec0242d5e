import { migrateNodeBody, publishStepPackageBody } from '@pipewright/api-contract';
import type { z } from 'zod';

interface Operation {
  summary: string;
  body?: z.ZodType;
  responses: Record<string, string>;
}

/** The OpenAPI entries of the step-package routes (merged into openapi.ts). */
export const stepPackagesApiRoutes: Record<string, Record<string, Operation>> = {
  '/api/step-packages': {
    get: {
      summary:
        'The workspace’s step packages: `{ items: StepPackageView[] }` — current version, all versions, task queue, steps, and `live` (a worker polled the package’s task queue within ~90 s)',
      responses: { 200: 'Packages' },
    },
    post: {
      summary:
        'Developer+: register a package version’s manifest (what `pipewright-step publish` sends). Its steps join the catalog at once, on task queue `pkg.<workspaceId>.<name>`; older versions stay for pinned nodes. Re-publishing identical content is a no-op (200).',
      body: publishStepPackageBody,
      responses: {
        200: 'PublishStepPackageResponse (`created: false`: already registered, identical)',
        201: 'PublishStepPackageResponse',
        400: 'Invalid manifest',
        409: 'The version exists with other content (`version_exists`), or a step type belongs to another package or is built in (`step_type_taken`)',
      },
    },
  },
  '/api/catalog/migrate': {
    post: {
      summary:
        'Builder+: upgrade a node’s config to the current version of a package step: runs the step’s `migrate` in the package’s worker and answers `{ config }`',
      body: migrateNodeBody,
      responses: {
        200: 'MigrateNodeResponse',
        404: 'Not a package step',
        422: 'Not an upgrade to the current version, no migrate, or migrate threw',
        503: 'No worker is running the package (`no_live_worker`)',
      },
    },
  },
};
