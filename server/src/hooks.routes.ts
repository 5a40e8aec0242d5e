import express, { type Request, Router } from 'express';
import { ApiError } from './errors.ts';
import type { TriggersService, WebhookRequest } from './triggers.service.ts';

const BODY_LIMIT = '1mb';
/** Credentials never enter a run's history. */
const DROPPED_HEADERS = new Set(['cookie', 'authorization']);

/** Webhook ingress: `/hooks/:token` starts a run of the flow's latest published version with the request as trigger output. */
export function createHooksRouter(deps: { triggers: TriggersService }): Router {
  const router = Router();
  // The raw body is kept as bytes (signature checks will need them) and decoded by content type below.
  router.all('/:token', express.raw({ type: () => true, limit: BODY_LIMIT }), async (req, res) => {
    const target = await deps.triggers.findWebhookTarget(req.params.token ?? '');
    if (!target.acceptedMethods.includes(req.method)) {
      res.set('allow', target.acceptedMethods.join(', '));
      throw new ApiError(
        405,
        'method_not_allowed',
        `This webhook accepts ${target.acceptedMethods.join(' or ')}, not ${req.method}`,
      );
    }
    const request: WebhookRequest = {
      method: req.method,
      headers: forwardedHeaders(req),
      query: { ...req.query },
      body: decodeBody(req),
    };
    res.status(202).json(await deps.triggers.startWebhook(target, request));
  });
  return router;
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

function decodeBody(req: Request): unknown {
  const raw: unknown = req.body;
  if (!Buffer.isBuffer(raw) || raw.length === 0) return null;
  const text = raw.toString('utf8');
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  if (contentType.includes('json')) {
    try {
      return JSON.parse(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'parse error';
      throw new ApiError(400, 'invalid_json', `Request body is not valid JSON: ${reason}`);
    }
  }
  if (contentType.startsWith('application/x-www-form-urlencoded')) return formFields(new URLSearchParams(text));
  return text;
}

/** Form fields as an object; a repeated field becomes an array (built via a Map so `__proto__` stays a plain key). */
function formFields(params: URLSearchParams): Record<string, string | string[]> {
  const fields = new Map<string, string | string[]>();
  for (const [key, value] of params) {
    const existing = fields.get(key);
    if (existing === undefined) fields.set(key, value);
    else fields.set(key, Array.isArray(existing) ? [...existing, value] : [existing, value]);
  }
  return Object.fromEntries(fields);
}
