import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signature schemes, checked on the raw request body in constant time.  No I/O and no clock: the caller
 * passes the time, so the tests pin it.
 *
 * Keys: `standard` (Standard Webhooks) uses the base64-decoded bytes after `whsec_`, as the spec says; `github` and
 * `hmac` use the whole secret string as shown to the user, since that string is what they paste into the sender.
 */
export type VerificationScheme = 'none' | 'standard' | 'github' | 'hmac';

export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;
export const DEFAULT_HMAC_HEADER = 'x-signature';
const SECRET_PREFIX = 'whsec_';

export interface VerifyInput {
  scheme: VerificationScheme;
  secret: string;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  body: Buffer;
  nowSeconds: number;
  /** `hmac` only: the header holding the signature (default `x-signature`). */
  signatureHeader?: string | undefined;
}

export type VerifyResult =
  | { ok: true }
  | { ok: false; code: 'invalid_signature' | 'invalid_timestamp'; message: string };

const refuse = (code: 'invalid_signature' | 'invalid_timestamp', message: string): VerifyResult => ({
  ok: false,
  code,
  message,
});

export function verifyWebhook(input: VerifyInput): VerifyResult {
  switch (input.scheme) {
    case 'none':
      return { ok: true };
    case 'standard':
      return verifyStandard(input);
    case 'github':
      return verifyGithub(input);
    case 'hmac':
      return verifyHmac(input);
  }
}

/** A new per-flow secret: 32 random bytes, base64, in the Standard Webhooks `whsec_` form. */
export function formatWebhookSecret(randomBytes: Buffer): string {
  return `${SECRET_PREFIX}${randomBytes.toString('base64')}`;
}

/** What GET /flows/:id shows instead of the secret: enough to recognise it, useless to sign with. */
export function webhookSecretHint(secret: string): string {
  return `${SECRET_PREFIX}…${secret.slice(-4)}`;
}

/** `v1,<base64>` over `${id}.${timestamp}.${body}` (Standard Webhooks). */
export function signStandard(input: { secret: string; id: string; timestamp: number; body: Buffer }): string {
  const signed = Buffer.concat([Buffer.from(`${input.id}.${input.timestamp}.`), input.body]);
  return `v1,${createHmac('sha256', standardKey(input.secret)).update(signed).digest('base64')}`;
}

/** `sha256=<hex>` of the body (GitHub's X-Hub-Signature-256). */
export function signGithub(secret: string, body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function signHmac(secret: string, body: Buffer, encoding: 'hex' | 'base64' = 'hex'): string {
  return createHmac('sha256', secret).update(body).digest(encoding);
}

/**
 * The sender's delivery id, the same on every retry of one event: `webhook-id` (standard), `x-github-delivery`
 * (github), else `idempotency-key` or `x-delivery-id`.  Undefined means the delivery is not deduplicated: two equal
 * bodies can be two real events (a counter ping, a repeated order), so hashing the body would drop real work.
 */
export function deliveryIdOf(
  scheme: VerificationScheme,
  headers: Record<string, string | undefined>,
): string | undefined {
  const candidates =
    scheme === 'standard'
      ? [headers['webhook-id']]
      : scheme === 'github'
        ? [headers['x-github-delivery']]
        : [headers['idempotency-key'], headers['x-delivery-id']];
  return candidates.find((value) => value !== undefined && value.trim() !== '')?.trim();
}

/** The run's workflow id for a delivery: stable per (flow, delivery id), so Temporal refuses a second start. */
export function deliveryRunId(flowId: string, deliveryId: string): string {
  return `run_${flowId}_${createHash('sha256').update(deliveryId).digest('hex').slice(0, 32)}`;
}

/**
 * Run ids for a delivery without a delivery id, from what it carries (method, query, body) and the time window it
 * falls in: `current` for this window, `earlier` for the one before, which still counts when its run started less
 * than `windowSeconds` ago.  Two sends of the same request within the window thus share a run, whether or not they
 * straddle a window boundary.
 */
export function bodyDeliveryRunIds(
  flowId: string,
  request: { method: string; query: unknown; body: unknown },
  windowSeconds: number,
  nowMs: number,
): { current: string; earlier: { runId: string; notBefore: Date } } {
  const content = createHash('sha256')
    .update(JSON.stringify([request.method, request.query, request.body ?? null]))
    .digest('hex');
  const windowMs = windowSeconds * 1000;
  const window = Math.floor(nowMs / windowMs);
  return {
    current: deliveryRunId(flowId, `body:${windowSeconds}:${window}:${content}`),
    earlier: {
      runId: deliveryRunId(flowId, `body:${windowSeconds}:${window - 1}:${content}`),
      notBefore: new Date(nowMs - windowMs),
    },
  };
}

function verifyStandard(input: VerifyInput): VerifyResult {
  const id = input.headers['webhook-id'];
  const timestampText = input.headers['webhook-timestamp'];
  const signatures = input.headers['webhook-signature'];
  if (!id) return refuse('invalid_signature', 'webhook-id header is missing');
  if (!timestampText || !/^\d{1,12}$/.test(timestampText.trim())) {
    return refuse('invalid_timestamp', 'webhook-timestamp header is missing or not a Unix time in seconds');
  }
  const timestamp = Number(timestampText.trim());
  if (Math.abs(input.nowSeconds - timestamp) > TIMESTAMP_TOLERANCE_SECONDS) {
    return refuse(
      'invalid_timestamp',
      `webhook-timestamp is more than ${TIMESTAMP_TOLERANCE_SECONDS / 60} minutes away from the server's time`,
    );
  }
  if (!signatures) return refuse('invalid_signature', 'webhook-signature header is missing');
  const expected = Buffer.from(
    signStandard({ secret: input.secret, id, timestamp, body: input.body }).slice(3),
    'base64',
  );
  // Several space-separated `v1,<base64>` entries (key rotation): any one may match.
  const matched = signatures
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .some((entry) => equalBytes(Buffer.from(entry.slice(3), 'base64'), expected));
  return matched ? { ok: true } : refuse('invalid_signature', 'webhook-signature does not match');
}

function verifyGithub(input: VerifyInput): VerifyResult {
  const header = 'x-hub-signature-256';
  const provided = input.headers[header];
  if (!provided) return refuse('invalid_signature', `${header} header is missing`);
  const expected = createHmac('sha256', input.secret).update(input.body).digest();
  const match = /^sha256=([0-9a-f]{64})$/i.exec(provided.trim());
  const ok = match?.[1] !== undefined && equalBytes(Buffer.from(match[1], 'hex'), expected);
  return ok ? { ok: true } : refuse('invalid_signature', `${header} does not match`);
}

function verifyHmac(input: VerifyInput): VerifyResult {
  const header = (input.signatureHeader ?? DEFAULT_HMAC_HEADER).toLowerCase();
  const provided = input.headers[header];
  if (!provided) return refuse('invalid_signature', `${header} header is missing`);
  const expected = createHmac('sha256', input.secret).update(input.body).digest();
  const value = provided.trim().replace(/^sha256=/i, '');
  const ok = decodings(value).some((candidate) => equalBytes(candidate, expected));
  return ok ? { ok: true } : refuse('invalid_signature', `${header} does not match`);
}

/** Hex or base64 (standard or URL-safe); a string that is neither decodes to nothing. */
function decodings(value: string): Buffer[] {
  const found: Buffer[] = [];
  if (/^[0-9a-f]+$/i.test(value) && value.length % 2 === 0) found.push(Buffer.from(value, 'hex'));
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) found.push(Buffer.from(value, 'base64'));
  return found;
}

function standardKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

/** Constant time for equal lengths; a length mismatch says nothing about the secret. */
function equalBytes(provided: Buffer, expected: Buffer): boolean {
  return provided.length === expected.length && timingSafeEqual(provided, expected);
}
