import type { ApiRoutes } from '../api-operation.ts';
import {
  migrateNodeBody,
  migrateNodeResponseSchema,
  publishStepPackageBody,
  publishStepPackageResponseSchema,
  resolvePackageCredentialBody,
  resolvePackageCredentialResponseSchema,
  stepPackageListResponseSchema,
} from '../step-packages.ts';

/** The OpenAPI entries of the step-package routes (merged in routes/index.ts). */
export const stepPackagesApiRoutes = {
  '/api/step-packages': {
    get: {
      summary:
        'The workspace’s step packages: `{ items: StepPackageView[] }` — current version, all versions, task queue, steps, and `live` (a worker polled the package’s task queue within ~90 s)',
      responses: { 200: { description: 'StepPackageListResponse', body: stepPackageListResponseSchema } },
    },
    post: {
      summary:
        'Developer+: register a package version’s manifest (what `pipewright-step publish` sends). Its steps join the catalog at once, on task queue `pkg.<workspaceId>.<name>`; older versions stay for pinned nodes. Re-publishing identical content is a no-op (200).',
      body: publishStepPackageBody,
      responses: {
        200: {
          description: 'PublishStepPackageResponse (`created: false`: already registered, identical)',
          body: publishStepPackageResponseSchema,
        },
        201: { description: 'PublishStepPackageResponse', body: publishStepPackageResponseSchema },
        400: 'Invalid manifest',
        409: 'The version exists with other content (`version_exists`), or a step type belongs to another package or is built in (`step_type_taken`)',
      },
    },
  },
  '/api/step-packages/credentials/resolve': {
    post: {
      summary:
        'Developer+ (a package worker’s token): the decrypted values of the credential node `nodeId` of run `workflowId` uses in `slot`, when the node’s step belongs to a package of the caller’s workspace and the credential has the slot’s type. Audited as `credential.use`; never logged.',
      body: resolvePackageCredentialBody,
      responses: {
        200: {
          description: 'ResolvePackageCredentialResponse `{ values }`',
          body: resolvePackageCredentialResponseSchema,
        },
        403: 'The node’s step is not a step of a package of this workspace (`not_package_step`)',
        404: 'No such run or node in this workspace, no such slot, no credential set (`credential_not_set`), or no such credential',
        409: 'The credential’s type is not the slot’s (`credential_type_mismatch`)',
      },
    },
  },
  '/api/catalog/migrate': {
    post: {
      summary:
        'Builder+: upgrade a node’s config to the current version of a package step: runs the step’s `migrate` in the package’s worker and answers `{ config }`',
      body: migrateNodeBody,
      responses: {
        200: { description: 'MigrateNodeResponse', body: migrateNodeResponseSchema },
        404: 'Not a package step',
        422: 'Not an upgrade to the current version, no migrate, or migrate threw',
        503: 'No worker is running the package (`no_live_worker`)',
      },
    },
  },
} satisfies ApiRoutes;
