import { type AnyStepDefinition, type CredentialsPort, StepError, secretValuesOf } from '@pipewright/step-sdk';
import { z } from 'zod';
import type { CredentialResolver } from './credential-resolver.ts';

/**
 * Where a node names its credentials: `config.credentials = { <slot>: <credential id> }` (the editor's credential
 * picker writes it; the compiler passes it through like any config key).  The worker takes it out of the input
 * before the step's schema sees it.  Only ids ever travel through workflow history, never values.
 */
export const CREDENTIALS_CONFIG_KEY = 'credentials';

const slotRefsSchema = z.record(z.string(), z.string().min(1));

/** Splits a step's input into its own fields and the credential references, for steps that declare slots. */
export function takeCredentialRefs(
  step: AnyStepDefinition,
  rawInput: unknown,
): { input: unknown; refs: Record<string, string> } {
  if (!step.credentials || typeof rawInput !== 'object' || rawInput === null || Array.isArray(rawInput)) {
    return { input: rawInput, refs: {} };
  }
  const { [CREDENTIALS_CONFIG_KEY]: refs, ...input } = rawInput as Record<string, unknown>;
  if (refs === undefined) return { input, refs: {} };
  const parsed = slotRefsSchema.safeParse(refs);
  if (!parsed.success) {
    throw new StepError('credentials: must map each credential slot to a credential id', { retryable: false });
  }
  return { input, refs: parsed.data };
}

export interface StepCredentials {
  port: CredentialsPort;
  /** The secret values of every credential resolved so far: scrubbed from outputs, errors and logs. */
  secrets(): string[];
}

/** The `ctx.credentials` of one step execution: only slots the step declared, only credentials of the run's workspace. */
export function createStepCredentials(input: {
  step: AnyStepDefinition;
  refs: Record<string, string>;
  workspaceId: string | undefined;
  nodeId: string;
  workflowId: string;
  resolver: CredentialResolver | undefined;
}): StepCredentials {
  const secrets: string[] = [];
  /** The access token each slot last handed out: what `refresh(slot)` reports as rejected. */
  const accessTokens = new Map<string, string>();
  const resolve = async (slot: string, rejectedAccessToken: string | undefined) => {
    const expected = input.step.credentials?.[slot];
    if (!expected) {
      throw new StepError(`step "${input.step.type}" did not declare a credential slot "${slot}"`, {
        retryable: false,
      });
    }
    const credentialId = input.refs[slot];
    if (credentialId === undefined) {
      throw new StepError(`choose a ${expected.title} credential for "${slot}" in node "${input.nodeId}"`, {
        retryable: false,
        details: { slot },
      });
    }
    if (!input.resolver) {
      throw new StepError(
        'this worker cannot read credentials: it has no MongoDB or no master keys (PIPEWRIGHT_MASTER_KEYS)',
        {
          retryable: false,
        },
      );
    }
    if (input.workspaceId === undefined) {
      throw new StepError('this run has no workspace, so its credentials cannot be resolved', { retryable: false });
    }
    const values = await input.resolver.resolve({
      workspaceId: input.workspaceId,
      credentialId,
      slot,
      expected,
      nodeId: input.nodeId,
      workflowId: input.workflowId,
      ...(rejectedAccessToken === undefined ? {} : { rejectedAccessToken }),
    });
    secrets.push(...secretFormsOf(secretValuesOf(expected, values), values));
    if (typeof values.accessToken === 'string') accessTokens.set(slot, values.accessToken);
    return values;
  };
  const port: CredentialsPort = {
    get: (slot) => resolve(slot, undefined),
    refresh: (slot) => resolve(slot, accessTokens.get(slot)),
    has: (slot) => input.refs[slot] !== undefined,
  };
  return { port, secrets: () => [...secrets] };
}

/**
 * A secret as it may reappear in an output or error: as is, JSON-escaped, URL-encoded, and — for user/password
 * pairs — as the `Authorization: Basic` token an echoing server would send back.
 */
function secretFormsOf(secrets: string[], values: Record<string, unknown>): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(encodeURIComponent(secret));
  }
  const user = values.username ?? values.user;
  if (typeof user === 'string' && typeof values.password === 'string' && values.password !== '') {
    forms.add(Buffer.from(`${user}:${values.password}`).toString('base64'));
  }
  return [...forms].filter((form) => form.length >= 4);
}
