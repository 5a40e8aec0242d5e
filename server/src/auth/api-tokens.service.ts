import type { ApiTokenView, CreatedApiTokenResponse } from '@pipewright/api-contract';
import { notFound } from '../errors.ts';
import type { AccountsRepository } from './accounts.repository.ts';
import type { ApiTokenRecord, ApiTokensRepository } from './api-tokens.repository.ts';
import type { AuditService } from './audit.service.ts';
import { type AuthContext, AuthError, hasRole, lesserRole, type Role } from './auth-context.ts';
import { newApiToken, newId, sha256 } from './secrets.ts';

/** Only worth a write when the recorded time is this stale. */
const LAST_USED_RESOLUTION_MS = 60_000;
const PREFIX_LENGTH = 10;

/** API tokens for scripts: `Authorization: Bearer pw_…`, acting with at most their creator's current role. */
export class ApiTokensService {
  readonly #tokens: ApiTokensRepository;
  readonly #accounts: AccountsRepository;
  readonly #audit: AuditService;

  constructor(deps: { tokens: ApiTokensRepository; accounts: AccountsRepository; audit: AuditService }) {
    this.#tokens = deps.tokens;
    this.#accounts = deps.accounts;
    this.#audit = deps.audit;
  }

  async create(auth: AuthContext, input: { name: string; role?: Role | undefined }): Promise<CreatedApiTokenResponse> {
    const role = input.role ?? auth.role;
    if (!hasRole(auth.role, role)) {
      throw new AuthError(403, `A token cannot have more than your own role (${auth.role}), asked for ${role}`);
    }
    const token = newApiToken();
    const record: ApiTokenRecord = {
      _id: newId('tok'),
      workspaceId: auth.workspaceId,
      userId: auth.userId,
      name: input.name,
      tokenHash: sha256(token),
      prefix: token.slice(0, PREFIX_LENGTH),
      role,
      createdAt: new Date(),
    };
    await this.#tokens.insert(record);
    await this.#audit.record(auth, {
      action: 'token.create',
      target: { type: 'api_token', id: record._id },
      details: { name: record.name, role },
    });
    return { token, apiToken: toView(record) };
  }

  /** Admins see every token of the workspace; everyone else their own. */
  async list(auth: AuthContext): Promise<ApiTokenView[]> {
    const tokens = await this.#tokens.list(auth.workspaceId, auth.role === 'admin' ? undefined : auth.userId);
    return tokens.map(toView);
  }

  async revoke(auth: AuthContext, id: string): Promise<void> {
    const token = await this.#tokens.find(auth.workspaceId, id);
    const visible =
      token !== null && token.revokedAt === undefined && (auth.role === 'admin' || token.userId === auth.userId);
    if (!visible) throw notFound('API token', id);
    await this.#tokens.revoke(auth.workspaceId, id, new Date());
    await this.#audit.record(auth, { action: 'token.revoke', target: { type: 'api_token', id } });
  }

  /** The caller behind a bearer token; null when unknown, revoked, or its user left the workspace. */
  async authenticate(token: string): Promise<AuthContext | null> {
    const record = await this.#tokens.findActive(sha256(token));
    if (record === null) return null;
    const [membership, user] = await Promise.all([
      this.#accounts.findMembership(record.workspaceId, record.userId),
      this.#accounts.findUser(record.userId),
    ]);
    if (membership === null || user === null) return null;
    const now = new Date();
    if (record.lastUsedAt === undefined || now.getTime() - record.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.#tokens.touch(record._id, now);
    }
    return {
      userId: user._id,
      email: user.email,
      workspaceId: record.workspaceId,
      role: lesserRole(record.role, membership.role),
      via: 'token',
    };
  }
}

function toView(record: ApiTokenRecord): ApiTokenView {
  return {
    id: record._id,
    name: record.name,
    prefix: record.prefix,
    role: record.role,
    userId: record.userId,
    createdAt: record.createdAt.toISOString(),
    lastUsedAt: record.lastUsedAt?.toISOString() ?? null,
  };
}
