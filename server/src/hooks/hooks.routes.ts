import type { ApiErrorBody } from '@pipewright/api-contract';
import type { IngressMetrics, WebhookOutcome } from '@pipewright/metrics';
import express, { type Request, type Response, Router } from 'express';
import { ApiError, toErrorResponse } from '../errors.ts';
import type { WaitingRuns } from '../fairness/waiting-runs.ts';
import { newWebhookRefusalId } from '../ids.ts';
import { jsonTextDepthCheck } from '../json-limits.ts';
import { contractRejected, type IngressContracts } from './ingress-contracts.ts';
import { notPublished, type TriggersService, type WebhookRequest, type WebhookTarget } from './triggers.service.ts';
import type { WebhookRefusalsRepository } from './webhook-refusals.repository.ts';

/** Credentials never enter a run's history. */
const DROPPED_HEADERS = new Set(['cookie', 'authorization']);
const DUPLICATE_HEADER = 'x-pipewright-duplicate';

export interface HooksRouterDeps {
  triggers: TriggersService;
  refusals: WebhookRefusalsRepository;
  /** JSON bodies nested deeper are refused (400) before they are parsed. */
  maxPayloadDepth: number;
  log: (message: string, error: unknown) => void;
  /** Counts deliveries to known flows by how they were answered. */
  metrics?: IngressMetrics;
  /** Checks bodies against the flow's contract (422 or a flag on the trigger output), counting violations. */
  contracts?: IngressContracts;
  /** Ceilings of runs waiting to start (fairness/waiting-runs.ts): past one, a delivery is answered 429. */
  admission?: Pick<WaitingRuns, 'admission'>;
  /** The Retry-After (seconds) of a paused flow's 503 (`PIPEWRIGHT_PAUSED_RETRY_AFTER_SECONDS`); default 60. */
  pausedRetryAfterSeconds?: number;
}

/**
 * Webhook ingress: `/hooks/:token` starts a run of the flow's latest published version with the request as trigger
 * output.  Order of refusals: unknown token 404 → never published 404 or a published trigger config that does not
 * parse 409 → method 405 → content type 415 → body size 413 or a body that does not decode as its Content-Encoding
 * 400 → signature or timestamp 401 → JSON that does not parse or nests too deep 400 → a body that breaks the
 * trigger's contract in `reject` mode 422 (naming the field); then a repeated delivery id answers with the first run
 * (header `x-pipewright-duplicate: true`).  Every refusal once the token named a flow is recorded
 * (`webhook_refusals`).
 */
export function createHooksRouter(deps: HooksRouterDeps): Router {
  const router = Router();
  router.all('/:token', async (req, res) => {
    const target = await deps.triggers.findWebhookTarget(req.params.token ?? '');
    const count = (outcome: WebhookOutcome) =>
      deps.metrics?.webhookDelivery({ workspaceId: target.flow.workspaceId, flowId: target.flow._id, outcome });
    try {
      const delivered = await deliver(req, res, target, deps);
      count(
        delivered.paused
          ? 'unavailable'
          : delivered.overCeiling
            ? 'refused'
            : delivered.duplicate
              ? 'duplicate'
              : 'accepted',
      );
    } catch (error) {
      const answer = toErrorResponse(error, { contentEncoding: req.get('content-encoding') });
      count(answer.status >= 500 ? 'unavailable' : 'refused');
      await recordRefusal(deps, target, req, answer);
      throw error;
    }
  });
  return router;
}

async function deliver(
  req: Request,
  res: Response,
  target: WebhookTarget,
  deps: HooksRouterDeps,
): Promise<{ duplicate: boolean; paused?: true; overCeiling?: true }> {
  const { plan, config } = target;
  if (plan === null) {
    // Still read (and size-check) the body, so an unpublished flow answers like a published one would.
    await readRawBody(req, res, config.maxBodyBytes);
    throw notPublished(target.flow, 404);
  }
  if (target.configError !== undefined) {
    await readRawBody(req, res, config.maxBodyBytes);
    throw new ApiError(
      409,
      'trigger_misconfigured',
      `Flow "${target.flow.name}" has a webhook trigger config that is not valid (${target.configError}); publish a corrected version`,
    );
  }
  if (!target.acceptedMethods.includes(req.method)) {
    res.set('allow', target.acceptedMethods.join(', '));
    throw new ApiError(
      405,
      'method_not_allowed',
      `This webhook accepts ${target.acceptedMethods.join(' or ')}, not ${req.method}`,
    );
  }
  checkContentType(req, config.contentTypes);
  const rawBody = await readRawBody(req, res, config.maxBodyBytes);
  const headers = forwardedHeaders(req);
  await deps.triggers.verify(target, headers, rawBody);
  const request: WebhookRequest = {
    method: req.method,
    headers,
    query: { ...req.query },
    body: decodeBody(req, rawBody, deps.maxPayloadDepth),
  };
  const contract = deps.contracts?.check({ ...target, plan }, request.body) ?? { action: 'none' };
  if (contract.action === 'reject') {
    await deps.contracts?.count(target, 'rejected');
    throw contractRejected(contract.violations);
  }
  if (contract.action === 'flag') request.contract = contract.contract;
  // A paused flow refuses only deliveries it would otherwise take: a bad one still gets its 4xx, not a retry.
  if (answeredPaused(target, res, deps.pausedRetryAfterSeconds ?? 60)) return { duplicate: false, paused: true };
  if (target.flow.paused?.mode !== 'queue' && (await answeredOverCeiling(target, res, deps.admission))) {
    return { duplicate: false, overCeiling: true };
  }
  const started = await deps.triggers.startWebhook({ ...target, plan }, request);
  if (started.duplicate) res.set(DUPLICATE_HEADER, 'true');
  const duplicate = started.duplicate === true;
  // A repeated delivery is the first one's run: its violation was counted then.
  if (contract.action === 'flag' && !contract.contract.valid && !duplicate) {
    await deps.contracts?.count(target, 'flagged');
  }
  if (started.held || target.flow.paused?.mode === 'queue') {
    // Recorded; started when the flow resumes (a repeated delivery id gets the same held run).
    res.status(202).json({ runId: started.runId, status: 'held' });
    return { duplicate };
  }
  if (config.responseMode === 'immediate') {
    res.status(202).json({ runId: started.runId });
    return { duplicate };
  }
  if (started.queued) {
    // Temporal cannot be reached: the run is recorded and starts when it is back.
    res.status(202).json({ runId: started.runId, status: 'queued' });
    return { duplicate };
  }
  await answerWithRun(res, deps.triggers, { ...target, plan }, started.runId);
  return { duplicate };
}

/**
 * While the flow is paused in mode `reject`: answers 503 with Retry-After and returns true.  Answered here, not
 * thrown: a paused flow's refusals are expected, not server errors to log, and not 4xx refusals to record.
 */
function answeredPaused(target: WebhookTarget, res: Response, retryAfterSeconds: number): boolean {
  if (target.flow.paused?.mode !== 'reject') return false;
  const message = `Flow "${target.flow.name}" is paused and takes no deliveries now; send again after it is resumed`;
  res.set('retry-after', String(retryAfterSeconds));
  res.status(503).json({ error: { code: 'flow_paused', message } } satisfies ApiErrorBody);
  return true;
}

/**
 * Admission control (docs/adr/027): past the flow's or the workspace's ceiling of runs waiting to start, answers 429
 * with Retry-After and returns true.  Counted with the waiting runs (`refused`) and in the ingress metrics, not
 * recorded one by one as refusals: a flood past the ceiling must not become a flood of writes.
 */
async function answeredOverCeiling(
  target: WebhookTarget,
  res: Response,
  admission: HooksRouterDeps['admission'],
): Promise<boolean> {
  const refusal = await admission?.admission(target.flow.workspaceId, target.flow._id, target.plan?.maxWaitingRuns);
  if (refusal === undefined) return false;
  const whose = refusal.scope === 'flow' ? `Flow "${target.flow.name}"` : 'This workspace';
  const message =
    `${whose} has ${refusal.waiting} runs waiting to start, at its ceiling of ${refusal.ceiling} ` +
    `(${refusal.setBy}); send again after ${refusal.retryAfterSeconds} s`;
  res.set('retry-after', String(refusal.retryAfterSeconds));
  res.status(429).json({ error: { code: 'too_many_waiting_runs', message } } satisfies ApiErrorBody);
  return true;
}

/** A 4xx answer to a delivery of a known flow is kept; failing to keep it must not change the answer. */
async function recordRefusal(
  deps: HooksRouterDeps,
  target: WebhookTarget,
  req: Request,
  { status, body }: ReturnType<typeof toErrorResponse>,
) {
  if (status < 400 || status >= 500) return;
  try {
    await deps.refusals.append({
      _id: newWebhookRefusalId(),
      workspaceId: target.flow.workspaceId,
      flowId: target.flow._id,
      at: new Date(),
      status,
      reason: body.error.code,
      message: body.error.message.slice(0, 300),
      method: req.method,
    });
  } catch (recordError) {
    deps.log(`could not record the refused webhook delivery to flow ${target.flow._id}`, recordError);
  }
}

async function answerWithRun(
  res: Response,
  triggers: TriggersService,
  target: Pick<WebhookTarget, 'config'> & { plan: NonNullable<WebhookTarget['plan']> },
  runId: string,
): Promise<void> {
  const outcome = await triggers.awaitWebhookOutcome(target, runId);
  res.set('x-pipewright-run-id', runId);
  if (outcome.status === 'succeeded') res.status(200).json(outcome.output);
  else if (outcome.status === 'failed') {
    res.status(500).json({ error: { code: 'run_failed', message: outcome.message, runId } });
  } else res.status(202).json({ runId, status: 'running' });
}

/** The body as bytes (signatures are over the exact bytes), with the flow's own size limit (413 over it). */
async function readRawBody(req: Request, res: Response, limit: number): Promise<Buffer> {
  await new Promise<void>((resolve, reject) => {
    express.raw({ type: () => true, limit })(req, res, (error?: unknown) => {
      if (error === undefined || error === null) resolve();
      else reject(error instanceof Error ? error : new Error(String(error)));
    });
  });
  const raw: unknown = req.body;
  return Buffer.isBuffer(raw) ? raw : Buffer.alloc(0);
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

function mediaTypeOf(req: Request): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** 415 unless the media type is listed (`type/*` and `*\/*` entries allowed); a request without a body passes. */
function checkContentType(req: Request, accepted: string[]): void {
  if (!hasBody(req)) return;
  const received = mediaTypeOf(req);
  const ok = accepted.some((entry) => {
    const pattern = entry.trim().toLowerCase();
    if (pattern === '*/*' || pattern === received) return true;
    return pattern.endsWith('/*') && received.startsWith(pattern.slice(0, -1));
  });
  if (ok) return;
  throw new ApiError(
    415,
    'unsupported_media_type',
    `Content type ${received === '' ? '(none)' : `"${received}"`} is not accepted here; send one of ${accepted.join(', ')}`,
  );
}

function forwardedHeaders(req: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    const key = name.toLowerCase();
    if (value === undefined || DROPPED_HEADERS.has(key)) continue;
    headers[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function decodeBody(req: Request, raw: Buffer, maxDepth: number): unknown {
  if (raw.length === 0) return null;
  const text = raw.toString('utf8');
  const contentType = mediaTypeOf(req);
  if (contentType.includes('json')) {
    jsonTextDepthCheck(text, { maxDepth, what: 'webhook bodies' });
    try {
      return JSON.parse(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'parse error';
      throw new ApiError(400, 'invalid_json', `Request body is not valid JSON: ${reason}`);
    }
  }
  if (contentType === 'application/x-www-form-urlencoded') return formFields(new URLSearchParams(text));
  return text;
}

/** Form fields as an object; a repeated field becomes an array (built via a Map so `__proto__` stays a plain key). */
function formFields(params: URLSearchParams): Record<string, string | string[]> {
  const fields = new Map<string, string | string[]>();
  for (const [key, value] of params) {
    const existing = fields.get(key);
    if (existing === undefined) fields.set(key, value);
    // Appended in place: copying the array for each repeat made `n=1&n=1&…` cost the square of its length (a
    // 800 KB form held the server for minutes).
    else if (Array.isArray(existing)) existing.push(value);
    else fields.set(key, [existing, value]);
  }
  return Object.fromEntries(fields);
}
