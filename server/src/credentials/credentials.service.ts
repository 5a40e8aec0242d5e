import { randomBytes } from 'node:crypto';
import type {
  CreateCredentialBody,
  CredentialDetail,
  CredentialNetwork,
  CredentialSummary,
  CredentialTestResult,
  RotateCredentialBody,
  UpdateCredentialBody,
} from '@pipewright/api-contract';
import {
  type CredentialBinding,
  type Keyring,
  MASTER_KEYS_HELP,
  openCredential,
  sealCredential,
} from '@pipewright/secrets';
import { defineOwn, type HttpPort, scrubSecrets } from '@pipewright/step-sdk';
import type { AuthContext } from '../auth/auth-context.ts';
import { ApiError, notFound } from '../errors.ts';
import type { CredentialType, CredentialTypeRegistry } from './credential-types.ts';
import {
  type CredentialRecord,
  type CredentialsRepository,
  DuplicateCredentialNameError,
} from './credentials.repository.ts';

/** Where credential events go: the auth helper's AuditService fits (`record(getAuth(res), event)`). */
export interface CredentialAudit {
  record(
    actor: AuthContext,
    event: { action: string; target: { type: string; id: string }; details?: Record<string, unknown> },
  ): Promise<void>;
}

const TEST_TIMEOUT_MS = 15_000;

const newCredentialId = (): string => `cred_${randomBytes(12).toString('hex')}`;

/**
 * Create, rename, change, rotate, test and delete credentials.  Values are validated with the credential type's
 * zod schema (errors name fields, never values), sealed with the keyring's primary key and never returned: the
 * detail view carries the non-secret fields only.  `test()` of a type runs in this server process (fine for the
 * built-in types; third-party types would run it on their worker — not built yet).
 */
export class CredentialsService {
  readonly #repository: CredentialsRepository;
  readonly #types: CredentialTypeRegistry;
  readonly #keyring: Keyring | undefined;
  readonly #audit: CredentialAudit;
  readonly #http: HttpPort;

  constructor(deps: {
    repository: CredentialsRepository;
    types: CredentialTypeRegistry;
    keyring: Keyring | undefined;
    audit: CredentialAudit;
    http?: HttpPort;
  }) {
    this.#repository = deps.repository;
    this.#types = deps.types;
    this.#keyring = deps.keyring;
    this.#audit = deps.audit;
    this.#http = deps.http ?? fetchHttpPort;
  }

  async list(workspaceId: string): Promise<CredentialSummary[]> {
    return (await this.#repository.list(workspaceId)).map(toSummary);
  }

  async get(workspaceId: string, id: string): Promise<CredentialDetail> {
    const record = await this.#load(workspaceId, id);
    const type = await this.#typeOf(record);
    const values = this.#open(record);
    const secret = new Set<string>(type.secretFields);
    const publicValues: Record<string, unknown> = {};
    const secretFieldsSet: string[] = [];
    for (const [field, value] of Object.entries(values)) {
      if (!secret.has(field)) defineOwn(publicValues, field, value);
      else if (value !== undefined && value !== '') secretFieldsSet.push(field);
    }
    return {
      ...toSummary(record),
      publicValues,
      secretFieldsSet,
      ...(record.network === undefined ? {} : { network: record.network }),
    };
  }

  async create(auth: AuthContext, body: CreateCredentialBody): Promise<CredentialSummary> {
    const type = (await this.#types.forWorkspace(auth.workspaceId)).get(body.type);
    if (!type) throw new ApiError(400, 'invalid_request', `type: unknown credential type "${body.type}"`);
    const values = validateValues(type, body.values);
    const id = newCredentialId();
    const now = new Date();
    const record: CredentialRecord = {
      _id: id,
      workspaceId: auth.workspaceId,
      name: body.name,
      type: type.type,
      typeVersion: type.version,
      sealed: sealCredential(this.requireKeyring(), values, { workspaceId: auth.workspaceId, credentialId: id }),
      version: 1,
      createdAt: now,
      updatedAt: now,
      lastUsedAt: null,
    };
    await asConflict(() => this.#repository.insert(record));
    await this.#audit.record(auth, {
      action: 'credential.create',
      target: target(record),
      details: { name: record.name, type: record.type },
    });
    return toSummary(record);
  }

  async update(auth: AuthContext, id: string, body: UpdateCredentialBody): Promise<CredentialSummary> {
    const record = await this.#load(auth.workspaceId, id);
    const changes: Parameters<CredentialsRepository['compareAndSet']>[1] = { updatedAt: new Date() };
    if (body.name !== undefined) changes.name = body.name;
    if (body.values !== undefined) {
      const type = await this.#typeOf(record);
      const values = validateValues(type, { ...this.#open(record), ...body.values });
      changes.sealed = sealCredential(this.requireKeyring(), values, bindingOf(record));
      changes.typeVersion = type.version;
    }
    const updated = await this.#write(record, changes);
    await this.#audit.record(auth, {
      action: body.name !== undefined && body.name !== record.name ? 'credential.rename' : 'credential.update',
      target: target(record),
      details: { name: updated.name, ...(body.values ? { fields: Object.keys(body.values) } : {}) },
    });
    return toSummary(updated);
  }

  /** Admins only (route): opens private networks (or metadata) to HTTP requests of nodes using this credential. */
  async setNetwork(auth: AuthContext, id: string, network: CredentialNetwork): Promise<CredentialDetail> {
    const record = await this.#load(auth.workspaceId, id);
    await this.#write(record, { network, updatedAt: new Date() });
    await this.#audit.record(auth, {
      action: 'credential.network',
      target: target(record),
      details: { name: record.name, ...network },
    });
    return this.get(auth.workspaceId, id);
  }

  /** A new secret (new API key, new password): every secret field must be sent; a new data key seals them. */
  async rotate(auth: AuthContext, id: string, body: RotateCredentialBody): Promise<CredentialSummary> {
    const record = await this.#load(auth.workspaceId, id);
    const type = await this.#typeOf(record);
    const missing = type.secretFields.filter((field) => body.values[field] === undefined);
    const unknown = Object.keys(body.values).filter((field) => !type.secretFields.includes(field));
    if (missing.length > 0 || unknown.length > 0) {
      const field = missing[0] ?? unknown[0] ?? 'values';
      const why = missing.length > 0 ? 'a new value is required' : 'is not a secret field of this type';
      throw new ApiError(400, 'invalid_request', `values.${field}: ${why}`, {
        issues: [
          ...missing.map((f) => ({ path: `values.${f}`, message: 'a new value is required' })),
          ...unknown.map((f) => ({ path: `values.${f}`, message: 'is not a secret field of this type' })),
        ],
      });
    }
    const values = validateValues(type, { ...this.#open(record), ...body.values });
    const sealed = sealCredential(this.requireKeyring(), values, bindingOf(record));
    const updated = await this.#write(record, { sealed, typeVersion: type.version, updatedAt: new Date() });
    await this.#audit.record(auth, {
      action: 'credential.rotate',
      target: target(record),
      details: { name: record.name },
    });
    return toSummary(updated);
  }

  async test(auth: AuthContext, id: string): Promise<CredentialTestResult> {
    const record = await this.#load(auth.workspaceId, id);
    const type = await this.#typeOf(record);
    if (type.packageName !== undefined) {
      // Its test() would be the package's code, which never runs in the server (and no worker route for it yet).
      throw new ApiError(
        409,
        'not_testable',
        `${type.title} credentials are declared by step package "${type.packageName}", whose code does not run in the server: test them with a flow`,
      );
    }
    const stored = this.#open(record);
    const secrets = secretValuesOf(type, stored);
    const definition = type.definition;
    if (!definition?.test) return { ok: false, message: `${type.title} credentials cannot be tested automatically` };
    const parsed = definition.fields.safeParse(stored);
    if (!parsed.success)
      return { ok: false, message: `the stored values are invalid: check ${fieldsOf(parsed.error.issues).join(', ')}` };
    try {
      await definition.test(parsed.data, { signal: AbortSignal.timeout(TEST_TIMEOUT_MS), http: this.#http });
      return { ok: true };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, message: scrubSecrets(message, secrets) };
    }
  }

  async delete(auth: AuthContext, id: string): Promise<void> {
    const record = await this.#load(auth.workspaceId, id);
    if (!(await this.#repository.delete(auth.workspaceId, id))) throw notFound('Credential', id);
    await this.#audit.record(auth, {
      action: 'credential.delete',
      target: target(record),
      details: { name: record.name, type: record.type },
    });
  }

  async #load(workspaceId: string, id: string): Promise<CredentialRecord> {
    const record = await this.#repository.findById(workspaceId, id);
    if (!record) throw notFound('Credential', id);
    return record;
  }

  async #write(
    record: CredentialRecord,
    changes: Parameters<CredentialsRepository['compareAndSet']>[1],
  ): Promise<CredentialRecord> {
    const applied = await asConflict(() => this.#repository.compareAndSet(record, changes));
    if (!applied) {
      throw new ApiError(409, 'conflict', `credential "${record.name}" was changed meanwhile; reload and try again`);
    }
    return { ...record, ...changes, version: record.version + 1 };
  }

  /**
   * The decrypted values of a credential of the workspace for a step's slot (the package worker's resolve route):
   * 404 when missing, 409 when its type is not the slot's; audited as `credential.use`.  Never logged.
   */
  async openForUse(
    auth: AuthContext,
    id: string,
    use: { expectedType: string; nodeId: string; workflowId: string; slot: string },
  ): Promise<Record<string, unknown>> {
    const record = await this.#load(auth.workspaceId, id);
    if (record.type !== use.expectedType) {
      throw new ApiError(
        409,
        'credential_type_mismatch',
        `credential "${record.name}" is a ${record.type} credential; slot "${use.slot}" of node "${use.nodeId}" needs ${use.expectedType}`,
      );
    }
    const values = this.#open(record);
    await this.#repository.touchLastUsed(auth.workspaceId, id, new Date());
    await this.#audit.record(auth, {
      action: 'credential.use',
      target: target(record),
      details: { name: record.name, nodeId: use.nodeId, workflowId: use.workflowId, slot: use.slot },
    });
    return values;
  }

  async #typeOf(record: CredentialRecord): Promise<CredentialType> {
    const type = (await this.#types.forWorkspace(record.workspaceId)).get(record.type);
    if (!type) {
      throw new ApiError(
        409,
        'unknown_credential_type',
        `credential "${record.name}" has type "${record.type}", which no installed step package declares`,
      );
    }
    return type;
  }

  #open(record: CredentialRecord): Record<string, unknown> {
    const values = openCredential(this.requireKeyring(), record.sealed, bindingOf(record));
    return typeof values === 'object' && values !== null && !Array.isArray(values) ? { ...values } : {};
  }

  /** The keyring, or a 503 telling the operator how to configure master keys. */
  requireKeyring(): Keyring {
    if (!this.#keyring)
      throw new ApiError(503, 'master_key_missing', `Credentials need a master key: ${MASTER_KEYS_HELP}`);
    return this.#keyring;
  }
}

/** Values checked with the type's schema (defaults applied).  The 400 names fields; it never echoes a value. */
function validateValues(type: CredentialType, values: Record<string, unknown>): Record<string, unknown> {
  const parsed = type.parse(values);
  const issues = parsed.success
    ? []
    : parsed.issues.map((issue) => ({
        path: ['values', ...issue.path].join('.'),
        message: scrubSecrets(issue.message, secretValuesOf(type, values)),
      }));
  const first = issues[0];
  if (first || !parsed.success) {
    throw new ApiError(400, 'invalid_request', first ? `${first.path}: ${first.message}` : 'values are invalid', {
      issues,
    });
  }
  return parsed.data;
}

/** The secret values among a credential's values, as strings: what `scrubSecrets` should hide. */
function secretValuesOf(type: Pick<CredentialType, 'secretFields'>, values: Record<string, unknown>): string[] {
  const secrets: string[] = [];
  for (const field of type.secretFields) {
    const value = values[field];
    if (typeof value === 'string' && value !== '') secrets.push(value);
    else if (typeof value === 'number' || typeof value === 'bigint') secrets.push(String(value));
  }
  return secrets;
}

function fieldsOf(issues: readonly { path: readonly PropertyKey[] }[]): string[] {
  return [...new Set(issues.map((issue) => issue.path.map(String).join('.') || '(values)'))];
}

async function asConflict<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof DuplicateCredentialNameError) throw new ApiError(409, 'conflict', `name: ${error.message}`);
    throw error;
  }
}

const bindingOf = (record: CredentialRecord): CredentialBinding => ({
  workspaceId: record.workspaceId,
  credentialId: record._id,
});
const target = (record: CredentialRecord) => ({ type: 'credential', id: record._id });

function toSummary(record: CredentialRecord): CredentialSummary {
  return {
    id: record._id,
    name: record.name,
    type: record.type,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    lastUsedAt: record.lastUsedAt?.toISOString() ?? null,
  };
}

/** The HTTP port `test()` gets: plain fetch with the caller's signal. */
const fetchHttpPort: HttpPort = {
  async request(request) {
    const response = await fetch(request.url, {
      method: request.method,
      ...(request.headers ? { headers: request.headers } : {}),
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: AbortSignal.timeout(request.timeoutMs ?? TEST_TIMEOUT_MS),
    });
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers.entries()),
      body: await response.text(),
    };
  },
};
