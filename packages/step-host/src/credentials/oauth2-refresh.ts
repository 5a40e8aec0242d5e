import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { type Keyring, openCredential, sealCredential, sealedCredentialSchema } from '@pipewright/secrets';
import { StepError, scrubSecrets } from '@pipewright/step-sdk';
import { type Collection, type Db, MongoServerError } from 'mongodb';
import { z } from 'zod';

/** Tokens are refreshed when they expire within this margin, so a step never starts with an about-to-expire token. */
export const REFRESH_MARGIN_MS = 60_000;
const TOKEN_TIMEOUT_MS = 15_000;
/** How long a refresh claim holds before another process may take over (a crashed refresher must not block). */
const CLAIM_MS = 30_000;
const CLAIM_POLL_MS = 100;
const DUPLICATE_KEY = 11000;
/** One document per credential being refreshed right now (by any worker process). */
export const REFRESH_CLAIMS_COLLECTION = 'credential_refresh_claims';

/** The fields a credential needs for the refresh-token grant (the generic `oauth2` type has them). */
const refreshableSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  tokenUrl: z.string().min(1),
  accessToken: z.string().optional(),
  refreshToken: z.string().min(1),
  expiresAt: z.number().optional(),
});

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.coerce.number().positive().optional(),
});

const storedSchema = z.object({
  _id: z.string(),
  workspaceId: z.string(),
  name: z.string(),
  sealed: sealedCredentialSchema,
  version: z.number().int(),
});

export type CredentialDocument = { _id: string; workspaceId: string } & Record<string, unknown>;

/** Why a refresh may be needed: the token is about to expire, or a service rejected this exact access token. */
export interface RefreshReason {
  now: number;
  rejectedAccessToken?: string;
}

export function needsRefresh(values: Record<string, unknown>, reason: RefreshReason): boolean {
  const parsed = refreshableSchema.safeParse(values);
  if (!parsed.success) return false;
  const { accessToken, expiresAt } = parsed.data;
  if (accessToken === undefined) return true;
  if (reason.rejectedAccessToken !== undefined && reason.rejectedAccessToken === accessToken) return true;
  return expiresAt !== undefined && expiresAt - reason.now < REFRESH_MARGIN_MS;
}

/**
 * Refreshes OAuth2 tokens at most once at a time per credential in this process: callers queue on a per-credential
 * promise chain, then re-read the document and refresh only if the stored token still needs it — so parallel
 * activities that all see an expired (or rejected) token cause one refresh-token grant, and a single-use refresh
 * token is never sent twice (other processes: a claim document, see #claim).  The new tokens are sealed and written with a compare-and-set on `version`; if another
 * process won that race, its stored tokens are used instead.
 */
export class OAuth2Refresher {
  readonly #credentials: Collection<CredentialDocument>;
  readonly #claims: Collection<{ _id: string; owner: string; until: Date }>;
  readonly #keyring: Keyring;
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(deps: { db: Db; keyring: Keyring }) {
    this.#credentials = deps.db.collection<CredentialDocument>('credentials');
    this.#claims = deps.db.collection(REFRESH_CLAIMS_COLLECTION);
    this.#keyring = deps.keyring;
  }

  async refresh(workspaceId: string, credentialId: string, reason: RefreshReason): Promise<Record<string, unknown>> {
    const previous = this.#queues.get(credentialId) ?? Promise.resolve();
    const current = previous.catch(() => {}).then(() => this.#refreshNow(workspaceId, credentialId, reason));
    this.#queues.set(credentialId, current);
    try {
      return await current;
    } finally {
      if (this.#queues.get(credentialId) === current) this.#queues.delete(credentialId);
    }
  }

  async #refreshNow(
    workspaceId: string,
    credentialId: string,
    reason: RefreshReason,
  ): Promise<Record<string, unknown>> {
    const first = await this.#read(workspaceId, credentialId);
    if (!needsRefresh(first.values, { ...reason, now: Date.now() })) return first.values;
    // Other worker processes: a claim document per credential.  Inserting it is the atomic step (a unique _id —
    // FerretDB does not make a conditional update atomic); whoever does not get it waits, then re-reads.
    const owner = randomBytes(8).toString('hex');
    if (!(await this.#claim(credentialId, owner))) {
      await delay(CLAIM_POLL_MS);
      return this.#refreshNow(workspaceId, credentialId, reason);
    }
    try {
      return await this.#refreshClaimed(workspaceId, credentialId, reason);
    } finally {
      await this.#claims.deleteOne({ _id: credentialId, owner });
    }
  }

  async #claim(credentialId: string, owner: string): Promise<boolean> {
    // A crashed refresher's claim expires.
    await this.#claims.deleteOne({ _id: credentialId, until: { $lt: new Date() } });
    try {
      await this.#claims.insertOne({ _id: credentialId, owner, until: new Date(Date.now() + CLAIM_MS) });
      return true;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return false;
      throw error;
    }
  }

  async #refreshClaimed(workspaceId: string, credentialId: string, reason: RefreshReason) {
    const { stored, values } = await this.#read(workspaceId, credentialId);
    if (!needsRefresh(values, { ...reason, now: Date.now() })) return values;
    const parsed = refreshableSchema.parse(values);
    let tokens: z.infer<typeof tokenResponseSchema>;
    try {
      tokens = await requestRefresh(parsed, stored.name);
    } catch (error) {
      // Another worker process may have used the (single-use) refresh token first: then its tokens are stored.
      const again = await this.#read(workspaceId, credentialId);
      if (again.values.refreshToken !== parsed.refreshToken) return again.values;
      throw error;
    }
    const next: Record<string, unknown> = {
      ...values,
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token ?? parsed.refreshToken,
    };
    if (tokens.expires_in === undefined) delete next.expiresAt;
    else next.expiresAt = Date.now() + tokens.expires_in * 1000;
    const binding = { workspaceId: stored.workspaceId, credentialId: stored._id };
    const written = await this.#credentials.updateOne(
      { _id: stored._id, workspaceId: stored.workspaceId, version: stored.version },
      {
        $set: {
          sealed: sealCredential(this.#keyring, next, binding),
          version: stored.version + 1,
          updatedAt: new Date(),
        },
      },
    );
    if (written.matchedCount === 1) return next;
    // Changed meanwhile (another worker refreshed, or an admin edited it): the stored values win.
    return (await this.#read(workspaceId, credentialId)).values;
  }

  async #read(workspaceId: string, credentialId: string) {
    const found = await this.#credentials.findOne({ _id: credentialId, workspaceId });
    if (found === null) {
      throw new StepError(`credential "${credentialId}" was deleted while its tokens were being refreshed`, {
        retryable: false,
      });
    }
    const stored = storedSchema.parse(found);
    const opened = openCredential(this.#keyring, stored.sealed, { workspaceId, credentialId });
    const values = typeof opened === 'object' && opened !== null && !Array.isArray(opened) ? { ...opened } : {};
    return { stored, values: values as Record<string, unknown> };
  }
}

async function requestRefresh(values: z.infer<typeof refreshableSchema>, name: string) {
  const secrets = [values.clientSecret, values.refreshToken, values.accessToken ?? ''].filter((s) => s.length >= 4);
  let response: Response;
  try {
    response = await fetch(values.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: values.refreshToken,
        client_id: values.clientId,
        client_secret: values.clientSecret,
      }),
      signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new StepError(`could not refresh the tokens of credential "${name}": ${scrubSecrets(message, secrets)}`, {
      retryable: true,
    });
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const parsed = tokenResponseSchema.safeParse(body);
  if (response.ok && parsed.success) return parsed.data;
  const code = typeof body === 'object' && body !== null && 'error' in body ? String(body.error) : '';
  // invalid_grant: the refresh token was revoked or expired — only an admin reconnecting helps.
  const reconnect = response.status === 400 || response.status === 401;
  throw new StepError(
    `could not refresh the tokens of credential "${name}": the token endpoint answered ${response.status}${code ? ` (${scrubSecrets(code, secrets)})` : ''}${reconnect ? '; an admin must reconnect it on the Credentials page' : ''}`,
    { retryable: !reconnect, details: { status: response.status } },
  );
}
