/** The server's answer (api-contract ResolvePackageCredentialResponse). */
interface ResolvePackageCredentialResponse {
  values: Record<string, unknown>;
}

import type { StepActivitiesOptions } from '@pipewright/step-host';
import { StepError } from '@pipewright/step-sdk';

type CredentialResolver = NonNullable<StepActivitiesOptions['credentials']>;

const RESOLVE_TIMEOUT_MS = 15_000;

/**
 * The package worker's credentials: asked of the server (`POST /api/step-packages/credentials/resolve`) with the
 * package's developer token, so the worker holds neither the master keys nor database access.  The server checks
 * that the node of the run is a step of this workspace's packages and the credential fits the slot.  The step
 * activities scrub the returned secrets from outputs, errors and logs as in the core worker.
 */
export function createServerCredentialResolver(target: { url: string; token: string }): CredentialResolver {
  const endpoint = new URL('/api/step-packages/credentials/resolve', target.url);
  return {
    async resolve(request) {
      let response: Response;
      try {
        response = await fetch(endpoint, {
          method: 'POST',
          headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ workflowId: request.workflowId, nodeId: request.nodeId, slot: request.slot }),
          signal: AbortSignal.timeout(RESOLVE_TIMEOUT_MS),
        });
      } catch (error) {
        // Server unreachable: retryable (a plain Error), like a database outage in the core worker.
        throw new Error(`could not reach the Pipewright server for credentials: ${(error as Error).message}`);
      }
      if (response.ok) {
        const body = (await response.json()) as ResolvePackageCredentialResponse;
        return body.values;
      }
      const message = await errorMessage(response);
      if (response.status >= 500 || response.status === 429) {
        throw new Error(`the Pipewright server could not resolve credential slot "${request.slot}": ${message}`);
      }
      throw new StepError(`credential slot "${request.slot}": ${message}`, {
        retryable: false,
        details: { slot: request.slot, status: response.status },
      });
    },
  };
}

async function errorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string') return body.error.message;
  } catch {
    // not JSON: fall back to the status
  }
  return `HTTP ${response.status}`;
}
