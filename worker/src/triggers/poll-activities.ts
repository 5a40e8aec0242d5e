import { createHash } from 'node:crypto';
import {
  type CredentialResolver,
  createGuardedHttpPort,
  createStepCredentials,
  formatZodIssues,
  type StepHttpOptions,
  takeCredentialRefs,
} from '@pipewright/step-host';
import { type AnyStepDefinition, isStepError, type StepContext, scrubSecrets } from '@pipewright/step-sdk';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { PollCommit, PollOutcome, PollRequest } from './contract.ts';
import type { PollCursors } from './poll-cursors.ts';

/** At most this many runs start per poll; the rest are not marked seen, so the next poll starts them. */
export const MAX_ITEMS_PER_POLL = 100;

/** The run a polled item starts: derived from the item id, so a retried or overlapping poll never starts two. */
export const pollRunIdOf = (flowId: string, itemId: string): string =>
  `run_${flowId}_poll_${createHash('sha256').update(itemId).digest('hex')}`;

export function createPollActivities(deps: {
  steps: AnyStepDefinition[];
  cursors: PollCursors | undefined;
  credentials: CredentialResolver | undefined;
  /** The worker-wide network allowance (credential-granted allowances are not applied to polls yet). */
  http?: StepHttpOptions | undefined;
}) {
  const cursorsOrFail = (): PollCursors => {
    if (deps.cursors) return deps.cursors;
    throw ApplicationFailure.nonRetryable('polling triggers need the worker to have MongoDB (mongo option)', 'NoMongo');
  };
  return {
    async pollForItems(request: PollRequest): Promise<PollOutcome> {
      const cursors = cursorsOrFail();
      const step = deps.steps.find((candidate) => candidate.type === request.type && candidate.poll);
      if (!step?.poll) {
        throw ApplicationFailure.nonRetryable(`no polling trigger "${request.type}" in this worker`, 'UnknownStep');
      }
      const state = await cursors.read(request.flowId);
      const context = Context.current();
      const workflowId = context.info.workflowExecution?.workflowId ?? '';
      const split = takeCredentialRefs(step, request.config);
      const credentials = createStepCredentials({
        step,
        refs: split.refs,
        workspaceId: request.workspaceId,
        nodeId: 'trigger',
        workflowId: workflowId,
        resolver: deps.credentials,
      });
      const scrub = <T>(value: T): T => scrubSecrets(value, credentials.secrets());
      const config = step.input.safeParse(split.input);
      if (!config.success) throw ApplicationFailure.nonRetryable(formatZodIssues(config.error), 'InvalidStepInput');
      const ctx: StepContext = {
        http: createGuardedHttpPort({
          signal: context.cancellationSignal,
          defaultTimeoutMs: 30_000,
          policy: async () => ({ allowPrivate: deps.http?.allowPrivateNetworks === true }),
          ...(deps.http?.resolve ? { resolve: deps.http.resolve } : {}),
          ...(deps.http?.maxResponseBytes ? { maxResponseBytes: deps.http.maxResponseBytes } : {}),
        }),
        log: {
          info: (message, fields) => context.log.info(scrub(message), scrub({ ...fields })),
          warn: (message, fields) => context.log.warn(scrub(message), scrub({ ...fields })),
          error: (message, fields) => context.log.error(scrub(message), scrub({ ...fields })),
        },
        signal: context.cancellationSignal,
        run: {
          workflowId: workflowId,
          nodeId: 'trigger',
          attempt: context.info.attempt,
          idempotencyKey: `${workflowId}:poll`,
        },
        credentials: credentials.port,
      };
      let result: Awaited<ReturnType<NonNullable<AnyStepDefinition['poll']>>>;
      try {
        result = await step.poll(config.data, state.cursor, ctx);
      } catch (error) {
        const message = scrub(error instanceof Error ? error.message : String(error));
        throw ApplicationFailure.create({
          message,
          type: isStepError(error) ? 'StepError' : 'Error',
          nonRetryable: isStepError(error) && !error.retryable,
        });
      }
      const fresh = new Map<string, unknown>();
      for (const item of result.items) {
        if (!state.seen.has(item.id) && !fresh.has(item.id)) fresh.set(item.id, scrub(item.data));
      }
      const items = [...fresh].slice(0, MAX_ITEMS_PER_POLL).map(([id, data]) => ({
        id,
        runId: pollRunIdOf(request.flowId, id),
        data,
      }));
      // A cut-off batch keeps the old cursor, so items past the cap are fetched (and started) next time.
      const complete = items.length === fresh.size;
      const commit: PollCommit = {
        flowId: request.flowId,
        workspaceId: request.workspaceId,
        version: state.version,
        cursorJson: JSON.stringify((complete ? result.cursor : state.cursor) ?? null),
        newIds: items.map((item) => item.id),
      };
      return { items, commit };
    },

    async commitPollCursor(commit: PollCommit): Promise<boolean> {
      return cursorsOrFail().commit(commit);
    },
  };
}
