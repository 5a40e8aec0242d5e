import { createHash, randomBytes } from 'node:crypto';
import { type Keyring, openCredential, sealCredential, sealedCredentialSchema } from '@pipewright/secrets';
import { scrubSecrets } from '@pipewright/step-sdk';
import type { Collection, Db } from 'mongodb';
import { z } from 'zod';
import type { AuthContext } from '../auth/auth-context.ts';
import { ApiError, notFound } from '../errors.ts';
import type { CredentialsRepository } from './credentials.repository.ts';
import type { CredentialAudit } from './credentials.service.ts';

/** An authorization the admin started: only the state's hash is stored, the PKCE verifier is sealed. */
const pendingSchema = z.object({
  _id: z.string(),
  workspaceId: z.string(),
  credentialId: z.string(),
  sealedVerifier: sealedCredentialSchema,
  redirectUri: z.string(),
  expiresAt: z.date(),
});
type PendingAuthorization = z.infer<typeof pendingSchema>;

const PENDING_MS = 10 * 60_000;
const TOKEN_TIMEOUT_MS = 15_000;

const appSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  authorizationUrl: z.string().min(1),
  tokenUrl: z.string().min(1),
  scopes: z.array(z.string()).default([]),
  refreshToken: z.string().optional(),
});

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.coerce.number().positive().optional(),
});

const base64url = (bytes: Buffer): string => bytes.toString('base64url');
const hashState = (state: string): string => createHash('sha256').update(state).digest('hex');

/**
 * The OAuth2 authorization-code flow with PKCE (S256): `start` returns the provider's authorize URL with a fresh
 * state and code challenge; `complete` (the callback) checks the state once, exchanges the code with the sealed
 * verifier, and seals the tokens into the credential.  Tokens never leave this service.
 */
export class OAuth2ConnectService {
  readonly #pending: Collection<PendingAuthorization>;
  readonly #credentials: CredentialsRepository;
  readonly #keyring: () => Keyring;
  readonly #audit: CredentialAudit;

  constructor(deps: { db: Db; credentials: CredentialsRepository; keyring: () => Keyring; audit: CredentialAudit }) {
    this.#pending = deps.db.collection<PendingAuthorization>('oauth2_authorizations');
    this.#credentials = deps.credentials;
    this.#keyring = deps.keyring;
    this.#audit = deps.audit;
  }

  async start(auth: AuthContext, credentialId: string, redirectUri: string): Promise<{ authorizeUrl: string }> {
    const record = await this.#credentials.findById(auth.workspaceId, credentialId);
    if (!record) throw notFound('Credential', credentialId);
    const app = appSchema.safeParse(this.#open(record.workspaceId, record._id, record.sealed));
    if (!app.success) {
      throw new ApiError(409, 'not_oauth2', `credential "${record.name}" is not an OAuth2 app (client id, URLs)`);
    }
    const state = base64url(randomBytes(32));
    const verifier = base64url(randomBytes(32));
    const binding = { workspaceId: record.workspaceId, credentialId: record._id };
    await this.#pending.insertOne({
      _id: hashState(state),
      workspaceId: record.workspaceId,
      credentialId: record._id,
      sealedVerifier: sealCredential(this.#keyring(), { verifier }, binding),
      redirectUri,
      expiresAt: new Date(Date.now() + PENDING_MS),
    });
    const url = new URL(app.data.authorizationUrl);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', app.data.clientId);
    url.searchParams.set('redirect_uri', redirectUri);
    if (app.data.scopes.length > 0) url.searchParams.set('scope', app.data.scopes.join(' '));
    url.searchParams.set('state', state);
    url.searchParams.set('code_challenge', base64url(createHash('sha256').update(verifier).digest()));
    url.searchParams.set('code_challenge_method', 'S256');
    await this.#audit.record(auth, {
      action: 'credential.oauth2.start',
      target: { type: 'credential', id: record._id },
      details: { name: record.name },
    });
    return { authorizeUrl: url.toString() };
  }

  /** The callback: returns the credential id whose tokens were stored; throws ApiError(400) for a bad state. */
  async complete(query: { code: string; state: string }): Promise<string> {
    const found = await this.#pending.findOne({ _id: hashState(query.state) });
    // Single use: only the caller that deletes it may go on.
    const claimed = found === null ? 0 : (await this.#pending.deleteOne({ _id: found._id })).deletedCount;
    if (found === null || claimed !== 1) {
      throw new ApiError(400, 'invalid_state', 'this authorization is unknown or was already used: start again');
    }
    const pending = pendingSchema.parse(found);
    if (pending.expiresAt.getTime() < Date.now()) {
      throw new ApiError(400, 'invalid_state', 'this authorization expired: start again');
    }
    const { verifier } = z
      .object({ verifier: z.string() })
      .parse(this.#open(pending.workspaceId, pending.credentialId, pending.sealedVerifier));
    const before = await this.#credentials.findById(pending.workspaceId, pending.credentialId);
    if (!before) throw notFound('Credential', pending.credentialId);
    const tokens = await exchangeCode(
      appSchema.parse(this.#open(before.workspaceId, before._id, before.sealed)),
      query.code,
      verifier,
      pending,
    );
    // The code is spent: keep the tokens even if an admin edits the credential meanwhile (re-read, re-apply).
    for (let attempt = 0; attempt < 3; attempt++) {
      const record = await this.#credentials.findById(pending.workspaceId, pending.credentialId);
      if (!record) throw notFound('Credential', pending.credentialId);
      const values = this.#open(record.workspaceId, record._id, record.sealed);
      const app = appSchema.parse(values);
      const next: Record<string, unknown> = {
        ...values,
        accessToken: tokens.access_token,
        refreshToken: tokens.refresh_token ?? app.refreshToken,
      };
      if (tokens.expires_in === undefined) delete next.expiresAt;
      else next.expiresAt = Date.now() + tokens.expires_in * 1000;
      if (next.refreshToken === undefined) delete next.refreshToken;
      const sealed = sealCredential(this.#keyring(), next, {
        workspaceId: record.workspaceId,
        credentialId: record._id,
      });
      if (await this.#credentials.compareAndSet(record, { sealed, updatedAt: new Date() })) return record._id;
    }
    throw new ApiError(409, 'conflict', 'the credential was changed while it was being connected: start again');
  }

  #open(workspaceId: string, credentialId: string, sealed: z.infer<typeof sealedCredentialSchema>) {
    const values = openCredential(this.#keyring(), sealed, { workspaceId, credentialId });
    return typeof values === 'object' && values !== null && !Array.isArray(values)
      ? { ...(values as Record<string, unknown>) }
      : {};
  }
}

async function exchangeCode(
  app: z.infer<typeof appSchema>,
  code: string,
  verifier: string,
  pending: PendingAuthorization,
): Promise<z.infer<typeof tokenResponseSchema>> {
  const response = await fetch(app.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: pending.redirectUri,
      code_verifier: verifier,
      client_id: app.clientId,
      client_secret: app.clientSecret,
    }),
    signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const parsed = tokenResponseSchema.safeParse(body);
  if (response.ok && parsed.success) return parsed.data;
  const error = typeof body === 'object' && body !== null && 'error' in body ? String(body.error) : '';
  const message = `the token endpoint answered ${response.status}${error ? ` (${scrubSecrets(error, [app.clientSecret, code, verifier])})` : ''}`;
  throw new ApiError(502, 'oauth2_exchange_failed', message);
}
