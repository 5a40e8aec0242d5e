import { randomBytes } from 'node:crypto';
import { type Keyring, openCredential, sealedCredentialSchema } from '@pipewright/secrets';
import { type AnyCredentialTypeDefinition, StepError } from '@pipewright/step-sdk';
import type { Db } from 'mongodb';
import { z } from 'zod';
import { type CredentialDocument, needsRefresh, OAuth2Refresher } from './oauth2-refresh.ts';

/** What the activity asks for: a credential of one workspace, for one slot of one step. */
export interface CredentialRequest {
  workspaceId: string;
  credentialId: string;
  slot: string;
  /** The type the step declared for the slot. */
  expected: AnyCredentialTypeDefinition;
  /** For messages and the audit record: which node and run used it. */
  nodeId: string;
  workflowId: string;
  /** The step got 401 with this access token (`ctx.credentials.refresh`): refresh unless it was replaced meanwhile. */
  rejectedAccessToken?: string;
}

export interface CredentialResolver {
  /** The decrypted values; fails with a non-retryable StepError a builder can act on (never naming a value). */
  resolve(request: CredentialRequest): Promise<Record<string, unknown>>;
  /** The admin-set network allowance of a credential of the workspace (undefined: none, or no such credential). */
  networkOf?(request: { workspaceId: string; credentialId: string }): Promise<CredentialNetwork | undefined>;
}

/** Set by an admin on a credential (server credentials API): which non-public networks requests using it may reach. */
export interface CredentialNetwork {
  allowPrivate: boolean;
  allowMetadata?: boolean;
  allowedHosts?: string[];
}

const credentialNetworkSchema = z.object({
  allowPrivate: z.boolean(),
  allowMetadata: z.boolean().optional(),
  allowedHosts: z.array(z.string()).optional(),
});

/** Stored by the server (server/src/credentials/credentials.repository.ts); only what the worker reads. */
const storedCredentialSchema = z.object({
  _id: z.string(),
  workspaceId: z.string(),
  name: z.string(),
  type: z.string(),
  sealed: sealedCredentialSchema,
});

/** Called after each successful resolution (the audit log's `credential.use`). */
export type CredentialUseHook = (use: {
  workspaceId: string;
  credentialId: string;
  name: string;
  nodeId: string;
  workflowId: string;
}) => Promise<void>;

/**
 * Loads a credential document by id *and* workspace (an id from another workspace is "not found"), checks it has
 * the type the step's slot declares, decrypts it with the keyring and stamps `lastUsedAt`.
 */
export function createMongoCredentialResolver(deps: {
  db: Db;
  keyring: Keyring;
  onUse?: CredentialUseHook;
}): CredentialResolver {
  const credentials = deps.db.collection<CredentialDocument>('credentials');
  const refresher = new OAuth2Refresher({ db: deps.db, keyring: deps.keyring });
  const networks = deps.db.collection<{ _id: string; workspaceId: string; network?: unknown }>('credentials');
  return {
    async networkOf(request) {
      const found = await networks.findOne(
        { _id: request.credentialId, workspaceId: request.workspaceId },
        { projection: { network: 1 } },
      );
      const parsed = credentialNetworkSchema.safeParse(found?.network);
      if (!parsed.success) return undefined;
      const { allowPrivate, allowMetadata, allowedHosts } = parsed.data;
      return {
        allowPrivate,
        ...(allowMetadata === undefined ? {} : { allowMetadata }),
        ...(allowedHosts === undefined ? {} : { allowedHosts }),
      };
    },
    async resolve(request) {
      // By `_id` alone, the workspace checked after: FerretDB answers only `{ _id }` from its index (any other
      // filter decodes the whole collection); another workspace's credential is as absent as a deleted one.
      const byId = await credentials.findOne({ _id: request.credentialId });
      const found = byId !== null && byId.workspaceId === request.workspaceId ? byId : null;
      if (found === null) {
        throw new StepError(
          `credential "${request.credentialId}" chosen for "${request.slot}" does not exist (deleted?): pick another one in node "${request.nodeId}"`,
          { retryable: false, details: { slot: request.slot, credentialId: request.credentialId } },
        );
      }
      const stored = storedCredentialSchema.parse(found);
      if (stored.type !== request.expected.type) {
        throw new StepError(
          `credential "${stored.name}" (${stored.type}) cannot be used for "${request.slot}", which needs a ${request.expected.title} credential (${request.expected.type})`,
          {
            retryable: false,
            details: {
              slot: request.slot,
              credentialId: stored._id,
              type: stored.type,
              expected: request.expected.type,
            },
          },
        );
      }
      let values: unknown;
      try {
        values = openCredential(deps.keyring, stored.sealed, {
          workspaceId: stored.workspaceId,
          credentialId: stored._id,
        });
      } catch (error) {
        // Key problems are operator problems: say which credential, and keep the crypto detail for the log.
        throw new StepError(
          `credential "${stored.name}" could not be decrypted: ${error instanceof Error ? error.message : String(error)}`,
          {
            retryable: false,
            details: { slot: request.slot, credentialId: stored._id },
          },
        );
      }
      let opened = typeof values === 'object' && values !== null && !Array.isArray(values) ? { ...values } : {};
      const reason = {
        now: Date.now(),
        ...(request.rejectedAccessToken === undefined ? {} : { rejectedAccessToken: request.rejectedAccessToken }),
      };
      if (needsRefresh(opened, reason)) opened = await refresher.refresh(stored.workspaceId, stored._id, reason);
      await credentials.updateOne(
        { _id: stored._id, workspaceId: stored.workspaceId },
        { $set: { lastUsedAt: new Date() } },
      );
      await deps.onUse?.({
        workspaceId: stored.workspaceId,
        credentialId: stored._id,
        name: stored.name,
        nodeId: request.nodeId,
        workflowId: request.workflowId,
      });
      return opened;
    },
  };
}

/**
 * Appends `credential.use` to the audit collection the server's AuditService writes (server/src/auth/audit.*.ts):
 * same document shape, actor `system`.  Kept here because the worker does not import the server.
 */
export function auditCredentialUse(db: Db): CredentialUseHook {
  const audit = db.collection<{ _id: string } & Record<string, unknown>>('audit');
  return async (use) => {
    await audit.insertOne({
      _id: `aud_${randomBytes(16).toString('hex')}`,
      workspaceId: use.workspaceId,
      at: new Date(),
      actor: { userId: null, email: null, via: 'system' },
      action: 'credential.use',
      target: { type: 'credential', id: use.credentialId },
      detailsJson: JSON.stringify({ name: use.name, nodeId: use.nodeId, runId: use.workflowId }),
    });
  };
}
