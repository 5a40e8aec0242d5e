import type { ResolvePackageCredentialBody, ResolvePackageCredentialResponse } from '@pipewright/api-contract';
import type { AuthContext } from '../auth/auth-context.ts';
import type { CredentialsService } from '../credentials/credentials.service.ts';
import { ApiError } from '../errors.ts';
import type { RunsService } from '../runs/runs.service.ts';
import type { StepPackagesService } from './step-packages.service.ts';

/**
 * Hands a package worker the values of the credential a node of a run uses, so package workers never hold the
 * master keys nor the database.  Everything is looked up in the caller's workspace: the run, the node in the
 * document the run compiled, the node's step (which must be a step of a package registered here), the slot's
 * declared type and the credential the node names for it.  Only node ids and credential ids travel in the request.
 */
export class StepPackageCredentials {
  readonly #runs: RunsService;
  readonly #packages: StepPackagesService;
  readonly #credentials: CredentialsService;

  constructor(deps: { runs: RunsService; packages: StepPackagesService; credentials: CredentialsService }) {
    this.#runs = deps.runs;
    this.#packages = deps.packages;
    this.#credentials = deps.credentials;
  }

  async resolve(auth: AuthContext, body: ResolvePackageCredentialBody): Promise<ResolvePackageCredentialResponse> {
    const { workspaceId } = auth;
    const { document } = await this.#runs.load(workspaceId, body.workflowId);
    const node = document?.nodes.find((candidate) => candidate.id === body.nodeId);
    if (!node) throw new ApiError(404, 'not_found', `Run "${body.workflowId}" has no node "${body.nodeId}"`);
    const { all } = await this.#packages.catalog(workspaceId, { live: false });
    const step =
      all.find((manifest) => manifest.type === node.type && manifest.version === node.typeVersion) ??
      all.find((manifest) => manifest.type === node.type);
    if (!step) {
      throw new ApiError(
        403,
        'not_package_step',
        `Node "${body.nodeId}" is a "${node.type}" step, not a step of a package of this workspace`,
      );
    }
    const expectedType = step.credentials?.[body.slot];
    if (expectedType === undefined) {
      throw new ApiError(404, 'not_found', `Step "${step.type}" declares no credential slot "${body.slot}"`);
    }
    const refs = node.config.credentials;
    const credentialId =
      typeof refs === 'object' && refs !== null && !Array.isArray(refs)
        ? (refs as Record<string, unknown>)[body.slot]
        : undefined;
    if (typeof credentialId !== 'string' || credentialId === '') {
      throw new ApiError(404, 'credential_not_set', `Node "${body.nodeId}" has no credential in slot "${body.slot}"`);
    }
    const values = await this.#credentials.openForUse(auth, credentialId, {
      expectedType,
      nodeId: body.nodeId,
      workflowId: body.workflowId,
      slot: body.slot,
    });
    return { values };
  }
}
