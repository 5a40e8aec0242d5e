import { type ResumeRunResponse, resumeRunBody } from '@pipewright/api-contract';
import { type ResumeEvent, resumeSignal } from '@pipewright/run-contract';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { Router } from 'express';
import { getAuth, requireRole } from '../auth/auth-context.ts';
import { ApiError, parseRequest } from '../errors.ts';
import { jsonBody } from '../json-limits.ts';
import type { ResumeLinks } from './resume-links.ts';
import type { RunsService } from './runs.service.ts';

/**
 * Resuming runs parked on an event Wait.  `POST /api/runs/:id/resume { eventName?, payload }` (builder role): the
 * run must belong to the caller's workspace (else 404).  `POST /hooks/resume/:token`: a signed link addressing one Wait node; its JSON body is
 * the payload; a bad or tampered token answers 401, an expired one 401 saying when it expired.  Either way a run
 * that has ended answers 409.  The resume reaches the run even if its wait has not started yet (it is kept).
 */
export function createResumeRouters(deps: {
  runs: RunsService;
  links: ResumeLinks;
  temporal: Client;
  /** The signed-link body is the payload: nested deeper, it is refused (400) before it is parsed. */
  maxPayloadDepth: number;
}): {
  api: Router;
  hooks: Router;
} {
  const api = Router();
  api.post('/runs/:id/resume', requireRole('builder'), async (req, res) => {
    const body = parseRequest(resumeRunBody, req.body);
    const run = await deps.runs.load(getAuth(res).workspaceId, req.params.id);
    const event: ResumeEvent = { payload: body.payload ?? null };
    if (body.eventName !== undefined) event.eventName = body.eventName;
    await deliver(deps.temporal, run.record._id, event);
    res.status(202).json({ runId: run.record._id, accepted: true } satisfies ResumeRunResponse);
  });

  const hooks = Router();
  const payloadBody = jsonBody({ limit: '1mb', maxDepth: deps.maxPayloadDepth, type: () => true });
  hooks.post('/:token', payloadBody, async (req, res) => {
    const verified = await deps.links.verify(req.params.token ?? '', Date.now());
    if (!verified.ok)
      throw new ApiError(401, verified.reason === 'expired' ? 'link_expired' : 'invalid_link', verified.message);
    const { runId, nodeId } = verified.claims;
    const payload: unknown = req.body ?? null;
    await deliver(deps.temporal, runId, { nodeId, payload });
    res.status(202).json({ runId, accepted: true } satisfies ResumeRunResponse);
  });
  return { api, hooks };
}

async function deliver(temporal: Client, runId: string, event: ResumeEvent): Promise<void> {
  try {
    await temporal.workflow.getHandle(runId).signal(resumeSignal, event);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) {
      throw new ApiError(409, 'run_not_waiting', `Run "${runId}" has already ended; there is nothing to resume`);
    }
    throw error;
  }
}
