import {
  type FailureActionBody,
  type FailureActionResult,
  type FailureGroupView,
  type FailuresPage,
  type FailureView,
  MAX_FAILURE_ACTION_RUNS,
} from '@pipewright/api-contract';
import type { RunLane } from '@pipewright/run-contract';
import { z } from 'zod';
import type { AuditService } from '../auth/audit.service.ts';
import type { AuthContext } from '../auth/auth-context.ts';
import { ApiError } from '../errors.ts';
import { type FailureStartsDeps, startRerun, startRetry } from './failure-starts.ts';
import type { FailureRecord, FailureResolution, FailuresRepository } from './failures.repository.ts';

export type FailureAction = 'retry' | 'rerun' | 'dismiss';

const RESOLUTION_OF: Record<FailureAction, FailureResolution['kind']> = {
  retry: 'retried',
  rerun: 'rerun',
  dismiss: 'dismissed',
};
/** Runs of one bulk action started at once: Temporal takes them at its pace, and one slow start holds no other. */
const CONCURRENCY = 8;

const cursorSchema = z.object({ failedAt: z.iso.datetime(), id: z.string().max(200) });

/**
 * The failed-runs queue over `run_failures`: groups by cause, pages of a group, and the bulk actions.  Each action
 * claims the failure first (a second action on it answers "already resolved"), then starts its run; a start that
 * fails puts the failure back.  Every action on a run is audited.
 */
export class FailuresService {
  readonly #failures: FailuresRepository;
  readonly #starts: FailureStartsDeps;
  readonly #audit: AuditService;

  constructor(deps: FailureStartsDeps & { failures: FailuresRepository; audit: AuditService }) {
    this.#failures = deps.failures;
    this.#starts = { runs: deps.runs, flows: deps.flows };
    this.#audit = deps.audit;
  }

  /** Unresolved failures by cause, the most recent cause first. */
  async groups(workspaceId: string, flowId: string | undefined): Promise<FailureGroupView[]> {
    const merged = new Map<string, FailureGroupView>();
    const rows = await this.#failures.groups(workspaceId, flowId);
    // Newest rows first, so each group's sample is its newest failure.
    rows.sort((a, b) => b.lastSeen.getTime() - a.lastSeen.getTime());
    for (const row of rows) {
      const group = merged.get(row.errorGroup);
      if (!group) {
        const { _id, errorCode, ...sample } = row.sample;
        merged.set(row.errorGroup, {
          errorGroup: row.errorGroup,
          count: row.count,
          firstSeen: row.firstSeen.toISOString(),
          lastSeen: row.lastSeen.toISOString(),
          sample: { runId: _id, ...sample, ...(errorCode === undefined ? {} : { errorCode }) },
          flowIds: [row.flowId],
        });
        continue;
      }
      group.count += row.count;
      if (row.firstSeen.toISOString() < group.firstSeen) group.firstSeen = row.firstSeen.toISOString();
      group.flowIds.push(row.flowId);
    }
    return [...merged.values()];
  }

  /** A page of unresolved failures (of one group, of one flow), newest first. */
  async list(
    workspaceId: string,
    query: { errorGroup?: string | undefined; flowId?: string | undefined; cursor?: string | undefined; limit: number },
  ): Promise<FailuresPage> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const found = await this.#failures.list(workspaceId, { ...query, after, limit: query.limit + 1 });
    const items = found.slice(0, query.limit);
    const last = items.at(-1);
    const nextCursor =
      found.length > query.limit && last
        ? Buffer.from(JSON.stringify({ failedAt: last.failedAt.toISOString(), id: last._id })).toString('base64url')
        : null;
    return { items: items.map(toView), nextCursor };
  }

  /** Retries, re-runs or dismisses the failures named (or a group's oldest), each on its own: one result per run. */
  async act(actor: AuthContext, action: FailureAction, body: FailureActionBody): Promise<FailureActionResult[]> {
    const runIds =
      body.runIds ??
      (
        await this.#failures.list(actor.workspaceId, {
          errorGroup: body.errorGroup,
          flowId: body.flowId,
          limit: MAX_FAILURE_ACTION_RUNS,
          oldestFirst: true,
        })
      ).map((failure) => failure._id);
    const unique = [...new Set(runIds)];
    // One run retried by hand has a person waiting; a bulk action's runs go behind live traffic (docs/adr/027).
    const lane: RunLane = unique.length === 1 ? 'interactive' : 'background';
    const results: FailureActionResult[] = new Array(unique.length);
    let next = 0;
    const worker = async () => {
      while (next < unique.length) {
        const index = next++;
        const runId = unique[index];
        if (runId !== undefined) results[index] = await this.#actOn(actor, action, runId, lane);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return results;
  }

  async #actOn(actor: AuthContext, action: FailureAction, runId: string, lane: RunLane): Promise<FailureActionResult> {
    const { workspaceId } = actor;
    const resolution: FailureResolution = {
      kind: RESOLUTION_OF[action],
      by: { userId: actor.userId, email: actor.email },
      at: new Date(),
    };
    if (!(await this.#failures.claim(workspaceId, runId, resolution))) {
      const known = await this.#failures.findById(workspaceId, runId);
      const error = known
        ? `Run ${runId}: its failure was already ${known.resolution?.kind ?? 'resolved'}`
        : `Run ${runId} is not in the failed-runs queue`;
      return { runId, ok: false, error };
    }
    let newRunId: string | undefined;
    try {
      if (action !== 'dismiss') {
        const started = await (action === 'retry' ? startRetry : startRerun)(this.#starts, workspaceId, runId, lane);
        newRunId = started.runId;
        await this.#failures.settle(workspaceId, runId, newRunId);
      }
    } catch (error) {
      await this.#failures.release(workspaceId, runId);
      const reason = error instanceof ApiError ? error.message : `Run ${runId} could not be started again`;
      return { runId, ok: false, error: reason.includes(runId) ? reason : `Run ${runId}: ${reason}` };
    }
    await this.#audit.record(actor, {
      action: `failure.${action}`,
      target: { type: 'run', id: runId },
      ...(newRunId === undefined ? {} : { details: { newRunId } }),
    });
    return newRunId === undefined ? { runId, ok: true } : { runId, ok: true, newRunId };
  }
}

function decodeCursor(text: string): { failedAt: Date; id: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const result = cursorSchema.safeParse(parsed);
  if (!result.success) throw new ApiError(400, 'invalid_request', 'cursor: is not a cursor of this list');
  return { failedAt: new Date(result.data.failedAt), id: result.data.id };
}

function toView(record: FailureRecord): FailureView {
  const { _id, startedAt, failedAt, resolution, errorCode, workspaceId: _workspace, ...rest } = record;
  const view: FailureView = {
    runId: _id,
    ...rest,
    startedAt: startedAt.toISOString(),
    failedAt: failedAt.toISOString(),
  };
  if (errorCode !== undefined) view.errorCode = errorCode;
  if (resolution !== undefined) {
    const { at, runId, ...stamp } = resolution;
    view.resolution = { ...stamp, at: at.toISOString(), ...(runId === undefined ? {} : { runId }) };
  }
  return view;
}
