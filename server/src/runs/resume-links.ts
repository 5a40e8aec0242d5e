import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { controlStepFor } from '@pipewright/control-steps';
import type { ExecutionPlan } from '@pipewright/run-contract';
import { defineOwn } from '@pipewright/step-sdk';
import type { Collection, Db } from 'mongodb';
import { MongoServerError } from 'mongodb';

/** A signed resume link's claims: which run and Wait node it wakes, and until when (epoch seconds). */
export interface ResumeClaims {
  runId: string;
  nodeId: string;
  expiresAt: number;
}

export type VerifiedResume =
  | { ok: true; claims: ResumeClaims }
  | { ok: false; reason: 'invalid' | 'expired'; message: string };

/** How long a link outlives its wait's timeout: the wait may start well after the run does (earlier delays). */
const GRACE_SECONDS = 30 * 24 * 3600;
/** Links shown for a run that is already waiting (GET /runs/:id), whose timeout the server does not track. */
const VIEW_LINK_SECONDS = 90 * 24 * 3600;
const SECRET_SETTING = 'resumeUrlSecret';
const DUPLICATE_KEY = 11000;

interface SettingRecord {
  _id: string;
  value: string;
}

/**
 * Signed resume links: `<base>/hooks/resume/<token>`, token = base64url("runId.nodeId.expiresAt") + "." +
 * base64url(HMAC-SHA256(secret, that payload)).  The secret is `RESUME_URL_SECRET`, else one generated on first
 * use and kept in the `settings` collection (insert-if-absent, so concurrent servers agree on one).
 */
export class ResumeLinks {
  readonly #settings: Collection<SettingRecord>;
  readonly #baseUrl: string;
  readonly #configured: string | undefined;
  #secret: Promise<Buffer> | undefined;

  constructor(deps: { db: Db; publicBaseUrl?: string | undefined; secret?: string | undefined }) {
    this.#settings = deps.db.collection<SettingRecord>('settings');
    this.#baseUrl = (deps.publicBaseUrl ?? '').replace(/\/+$/, '');
    this.#configured = deps.secret;
  }

  /** Links for every event Wait of a plan, computed at run start (`run.resumeUrls.<nodeId>` in the flow). */
  async urlsForRun(runId: string, plan: ExecutionPlan, nowMs: number): Promise<Record<string, string>> {
    const urls: Record<string, string> = {};
    for (const node of plan.nodes) {
      if (controlStepFor(node.type, 'wait')?.isEventWait(node.config) !== true) continue;
      const timeout = typeof node.config.timeoutSeconds === 'number' ? node.config.timeoutSeconds : 0;
      const url = await this.url({
        runId,
        nodeId: node.id,
        expiresAt: Math.floor(nowMs / 1000) + timeout + GRACE_SECONDS,
      });
      // Plans published before reserved node ids were refused may still hold one: keep it an own key.
      defineOwn(urls, node.id, url);
    }
    return urls;
  }

  /** A link for a node that is waiting now. */
  urlForWaitingNode(runId: string, nodeId: string, nowMs: number): Promise<string> {
    return this.url({ runId, nodeId, expiresAt: Math.floor(nowMs / 1000) + VIEW_LINK_SECONDS });
  }

  async url(claims: ResumeClaims): Promise<string> {
    return `${this.#baseUrl}/hooks/resume/${await this.sign(claims)}`;
  }

  async sign(claims: ResumeClaims): Promise<string> {
    const payload = Buffer.from(`${claims.runId}.${claims.nodeId}.${claims.expiresAt}`).toString('base64url');
    return `${payload}.${await this.#mac(payload)}`;
  }

  async verify(token: string, nowMs: number): Promise<VerifiedResume> {
    const invalid: VerifiedResume = { ok: false, reason: 'invalid', message: 'This resume link is not valid' };
    const [payload, signature, ...rest] = token.split('.');
    if (!payload || !signature || rest.length > 0) return invalid;
    const expected = Buffer.from(await this.#mac(payload), 'base64url');
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return invalid;
    const parts = Buffer.from(payload, 'base64url').toString('utf8').split('.');
    const [runId, nodeId, expiry] = parts;
    const expiresAt = Number(expiry);
    if (parts.length !== 3 || !runId || !nodeId || !Number.isInteger(expiresAt)) return invalid;
    if (expiresAt * 1000 < nowMs) {
      return {
        ok: false,
        reason: 'expired',
        message: `This resume link expired on ${new Date(expiresAt * 1000).toISOString()}`,
      };
    }
    return { ok: true, claims: { runId, nodeId, expiresAt } };
  }

  async #mac(payload: string): Promise<string> {
    return createHmac('sha256', await this.#getSecret())
      .update(payload)
      .digest('base64url');
  }

  #getSecret(): Promise<Buffer> {
    this.#secret ??= this.#configured
      ? Promise.resolve(Buffer.from(this.#configured))
      : this.#storedSecret().catch((error: unknown) => {
          this.#secret = undefined; // a database blip must not poison every later link
          throw error;
        });
    return this.#secret;
  }

  async #storedSecret(): Promise<Buffer> {
    const existing = await this.#settings.findOne({ _id: SECRET_SETTING });
    if (existing) return Buffer.from(existing.value, 'base64');
    const value = randomBytes(32).toString('base64');
    try {
      await this.#settings.insertOne({ _id: SECRET_SETTING, value });
      return Buffer.from(value, 'base64');
    } catch (error) {
      if (!(error instanceof MongoServerError) || error.code !== DUPLICATE_KEY) throw error;
      const winner = await this.#settings.findOne({ _id: SECRET_SETTING });
      if (!winner) throw error;
      return Buffer.from(winner.value, 'base64');
    }
  }
}
