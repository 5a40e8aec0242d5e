import type { Keyring } from '@pipewright/secrets';
import type { AnyStepDefinition } from '@pipewright/step-sdk';
import { Router } from 'express';
import type { Db } from 'mongodb';
import { CredentialTypeRegistry, type PackageCredentialTypesSource } from './credential-types.ts';
import { CredentialsRepository } from './credentials.repository.ts';
import { createCredentialsRouter } from './credentials.routes.ts';
import { type CredentialAudit, CredentialsService } from './credentials.service.ts';
import { createOAuth2Router } from './oauth2.routes.ts';
import { OAuth2ConnectService } from './oauth2-connect.service.ts';

/** The credentials feature wired for createApp: repository → service → routes. */
export async function createCredentialsModule(deps: {
  db: Db;
  steps: readonly AnyStepDefinition[];
  keyring: Keyring | undefined;
  audit: CredentialAudit;
  /** The credential types of the workspace's step packages (StepPackagesService.credentialTypes). */
  packageTypes?: PackageCredentialTypesSource;
  /** Where the provider sends the browser back to (`<base>/api/oauth2/callback`); default: the request's host. */
  publicBaseUrl?: string | undefined;
}): Promise<{ router: Router; service: CredentialsService; types: CredentialTypeRegistry }> {
  const repository = new CredentialsRepository(deps.db);
  await repository.ensureIndexes();
  const types = new CredentialTypeRegistry(deps.steps, deps.packageTypes);
  const service = new CredentialsService({ repository, types, keyring: deps.keyring, audit: deps.audit });
  const oauth2 = new OAuth2ConnectService({
    db: deps.db,
    credentials: repository,
    keyring: () => service.requireKeyring(),
    audit: deps.audit,
  });
  const router = Router();
  router.use(createCredentialsRouter({ credentials: service, types }));
  router.use(createOAuth2Router({ oauth2, publicBaseUrl: deps.publicBaseUrl }));
  return { router, service, types };
}
