import {
  type RunStepFailureDetails,
  type RunStepInput,
  type RunStepResult,
  STEP_PAUSED_FAILURE,
} from '@pipewright/run-contract';
import { evaluateNodeOutside, type RemoteNodeRequest, type RemoteNodeResult } from '@pipewright/runtime';
import { type AnyStepDefinition, isStepError, type StepContext, scrubSecrets } from '@pipewright/step-sdk';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { z } from 'zod';
import { BlobAccessError, type BlobStore } from '../blobs/blob-store.ts';
import { offloadLargeValues, resolveBlobRefs } from '../blobs/offload.ts';
import type { CredentialResolver } from '../credentials/credential-resolver.ts';
import { createStepCredentials, takeCredentialRefs } from '../credentials/step-credentials.ts';
import type { RateLimiter } from '../limits/rate-limiter.ts';
import { connectorOf } from '../limits/rate-limiter.ts';
import type { RequestNetworkPolicy, ResolveHost } from '../net/guarded-request.ts';
import type { StepPauses } from '../pauses/step-pauses.ts';
import { createGuardedHttpPort } from './http-port.ts';
import { runAttempt } from './step-attempt.ts';

export type RunStepFn = (input: RunStepInput) => Promise<RunStepResult>;
export type EvaluateNodeFn = (input: RemoteNodeRequest & { workspaceId?: string }) => Promise<RemoteNodeResult>;

export interface StepActivitiesOptions {
  steps: AnyStepDefinition[];
  /** Where outputs larger than `inlineLimitBytes` go instead of history; without it, everything stays inline. */
  blobs?: { store: BlobStore; inlineLimitBytes: number };
  /** Resolves `config.credentials` slot references; without it, steps that read a credential fail clearly. */
  credentials?: CredentialResolver;
  http?: StepHttpOptions;
  /** Per-workspace, per-connector token buckets every step execution waits on first; without it, no limit. */
  rateLimiter?: RateLimiter;
  /** Where each step attempt is reported (the worker passes `createStepMetrics` of `@pipewright/metrics`). */
  metrics?: StepMetrics;
  /**
   * Connector types and credentials an admin paused: a step that uses one does no I/O and fails with
   * STEP_PAUSED_FAILURE, which the workflow answers by waiting for the resume (not counted as an attempt).
   */
  pauses?: StepPauses;
}

/** One step attempt as reported to metrics: ids and enums only, never data, messages or secrets. */
export interface StepAttemptReport {
  workspaceId: string;
  /** The run's flow and node (ids), when the activity's input names them: the health rollups count 429s per step. */
  flowId?: string;
  nodeId: string;
  stepType: string;
  attempt: number;
  outcome: 'succeeded' | 'failed_retryable' | 'failed';
  durationMs: number;
  rateLimitWaitMs: number;
  /** The service the step called answered 429 Too Many Requests (a StepError whose details carry `status: 429`). */
  tooManyRequests: boolean;
}

export interface StepMetrics {
  stepAttempt(report: StepAttemptReport): void;
}

export interface StepHttpOptions {
  /**
   * Lets every step reach private networks (loopback, RFC 1918…; not cloud metadata): for local development and
   * tests against 127.0.0.1.  Default false: only a credential whose `network.allowPrivate` an admin set opens them.
   */
  allowPrivateNetworks?: boolean;
  /** Host name resolution for the SSRF guard; tests inject one. */
  resolve?: ResolveHost;
  /** The largest response body a step may read (`PIPEWRIGHT_HTTP_MAX_RESPONSE_BYTES`); default 128 MB. */
  maxResponseBytes?: number;
}

const stepKey = (type: string, version: number) => `${type}@${version}`;

const runStepInputSchema = z.object({
  nodeId: z.string(),
  type: z.string(),
  typeVersion: z.number().int(),
  input: z.unknown(),
  idempotencyKey: z.string(),
  workspaceId: z.string().optional(),
  flowId: z.string().optional(),
  attemptsBefore: z.number().int().nonnegative().optional(),
});

/**
 * The activities over a set of step definitions.
 * - `runStep`: validates the input with the step's schema, runs it with real ports, validates the output.
 * - `evaluateNode`: for nodes whose expressions read large values kept by reference — loads them, evaluates the
 *   node's expressions (and workflow-kind steps) here, then runs the step like `runStep`.
 * Blob references in inputs are loaded first; large outputs are stored by reference (docs/architecture.md, decision 5).
 * Failures become ApplicationFailures whose `details[0]` is `{ attempt, details }` (RunStepFailureDetails), so
 * the workflow can report how many attempts a node took.
 */
export function createStepActivities(options: StepActivitiesOptions): {
  runStep: RunStepFn;
  evaluateNode: EvaluateNodeFn;
} {
  const registry = new Map(options.steps.map((step) => [stepKey(step.type, step.version), step]));
  const lookup = (type: string, version: number, attempt: number) => {
    const step = registry.get(stepKey(type, version));
    if (!step?.run)
      throw failure(`no worker step "${type}" v${version} on this task queue`, 'UnknownStep', false, { attempt });
    return step;
  };
  const workflowIdNow = () => Context.current().info.workflowExecution?.workflowId ?? 'unknown';
  /** Loads the blobs `value` refers to, for the run's workspace only; a reference to another's fails for good. */
  const load = async (value: unknown, workspaceId: string | undefined, attempt: number) => {
    if (!options.blobs) return value;
    try {
      return await resolveBlobRefs(value, options.blobs.store, {
        workspaceId: workspaceId ?? '',
        workflowId: workflowIdNow(),
      });
    } catch (error) {
      if (error instanceof BlobAccessError) throw failure(error.message, 'BlobRefused', false, { attempt });
      throw error;
    }
  };
  const store = (value: unknown, nodeId: string, workspaceId: string | undefined) => {
    if (!options.blobs) return Promise.resolve(value);
    return offloadLargeValues(value, options.blobs.store, {
      limitBytes: options.blobs.inlineLimitBytes,
      meta: { workspaceId: workspaceId ?? '', workflowId: workflowIdNow(), nodeId },
    });
  };

  return {
    runStep: (raw) => runAttempt(nodeIdOf(raw), () => runStep(raw)),
    evaluateNode: (request) => runAttempt(request.node.id, () => evaluateNode(request)),
  };

  async function runStep(raw: RunStepInput): Promise<RunStepResult> {
    const request = runStepInputSchema.parse(raw);
    const attempt = Context.current().info.attempt + (request.attemptsBefore ?? 0);
    const step = lookup(request.type, request.typeVersion, attempt);
    const input = await load(request.input, request.workspaceId, attempt);
    const { output, rateLimitWaitMs } = await executeStep(step, input, request, options);
    const stored = await store(output, request.nodeId, request.workspaceId);
    return { output: stored, attempts: attempt, ...waited(rateLimitWaitMs) };
  }

  async function evaluateNode(request: Parameters<EvaluateNodeFn>[0]): Promise<RemoteNodeResult> {
    const attempt = Context.current().info.attempt;
    const { node } = request;
    const { workspaceId } = request;
    const context = (await load(request.context, workspaceId, attempt)) as Record<string, unknown>;
    const evaluated = await evaluateNodeOutside(node, context);
    if (!evaluated.ok) throw failure(evaluated.message, 'ExpressionError', false, { attempt });
    const input = await store(evaluated.config, node.id, workspaceId);
    if (evaluated.outcome) {
      const { output, ports } = evaluated.outcome;
      return {
        output: await store(output, node.id, workspaceId),
        attempts: attempt,
        input,
        ...(ports ? { ports } : {}),
      };
    }
    const step = lookup(node.type, node.typeVersion, attempt);
    const { output, rateLimitWaitMs } = await executeStep(
      step,
      evaluated.config,
      { nodeId: node.id, idempotencyKey: request.idempotencyKey, workspaceId },
      options,
    );
    return { output: await store(output, node.id, workspaceId), attempts: attempt, input, ...waited(rateLimitWaitMs) };
  }
}

const waited = (ms: number) => (ms > 0 ? { rateLimitWaitMs: ms } : {});

const nodeIdOf = (raw: unknown): string | undefined =>
  typeof raw === 'object' && raw !== null && 'nodeId' in raw && typeof raw.nodeId === 'string' ? raw.nodeId : undefined;

/**
 * Runs one step inside the current activity: waits for its connector's rate limit, then schema-checked input and
 * output, real ports.
 */
async function executeStep(
  step: AnyStepDefinition,
  rawInput: unknown,
  request: {
    nodeId: string;
    idempotencyKey: string;
    workspaceId?: string | undefined;
    flowId?: string | undefined;
    attemptsBefore?: number | undefined;
  },
  options: StepActivitiesOptions,
): Promise<{ output: unknown; rateLimitWaitMs: number }> {
  const resolver = options.credentials;
  const context = Context.current();
  const attempt = context.info.attempt + (request.attemptsBefore ?? 0);
  if (!step.run) throw failure(`step "${step.type}" has no run function`, 'UnknownStep', false, { attempt });
  const workflowId = context.info.workflowExecution?.workflowId ?? '';
  let split: ReturnType<typeof takeCredentialRefs>;
  try {
    split = takeCredentialRefs(step, rawInput);
  } catch (error) {
    throw failure(error instanceof Error ? error.message : String(error), 'InvalidStepInput', false, { attempt });
  }
  const credentials = createStepCredentials({
    step,
    refs: split.refs,
    workspaceId: request.workspaceId,
    nodeId: request.nodeId,
    workflowId,
    resolver,
  });
  // Every secret the step read is replaced by [redacted] in what leaves the activity: output, errors, logs.
  const scrub = <T>(value: T): T => scrubSecrets(value, credentials.secrets());
  const parsedInput = step.input.safeParse(split.input);
  if (!parsedInput.success) {
    throw failure(formatZodIssues(parsedInput.error), 'InvalidStepInput', false, {
      attempt,
      details: { issues: parsedInput.error.issues },
    });
  }
  const workspaceId = request.workspaceId;
  const pause =
    options.pauses && workspaceId !== undefined
      ? await options.pauses.pauseOf({
          workspaceId,
          connector: connectorOf(step.type),
          credentialIds: Object.values(split.refs),
        })
      : undefined;
  if (pause) {
    throw ApplicationFailure.create({
      message: `the step's ${pause.kind === 'connector' ? 'connector type' : 'credential'} "${pause.id}" is paused in this workspace: it runs when resumed`,
      type: STEP_PAUSED_FAILURE,
      // Never retried by Temporal: the workflow waits for the resume and tries the same attempt again.
      nonRetryable: true,
      details: [{ attempt, paused: pause } satisfies RunStepFailureDetails],
    });
  }
  const rateLimitWaitMs = options.rateLimiter
    ? await options.rateLimiter.acquire(request.workspaceId ?? '', connectorOf(step.type), context.cancellationSignal)
    : 0;
  if (rateLimitWaitMs > 0) context.log.info('waited for the rate limit', { nodeId: request.nodeId, rateLimitWaitMs });
  let policy: Promise<RequestNetworkPolicy> | undefined;
  const ctx: StepContext = {
    http: createGuardedHttpPort({
      signal: context.cancellationSignal,
      defaultTimeoutMs: 30_000,
      policy: () => {
        policy ??= networkPolicyOf(split.refs, request.workspaceId, options);
        return policy;
      },
      ...(options.http?.resolve ? { resolve: options.http.resolve } : {}),
      ...(options.http?.maxResponseBytes ? { maxResponseBytes: options.http.maxResponseBytes } : {}),
    }),
    log: {
      info: (message, fields) => context.log.info(scrub(message), scrub({ nodeId: request.nodeId, ...fields })),
      warn: (message, fields) => context.log.warn(scrub(message), scrub({ nodeId: request.nodeId, ...fields })),
      error: (message, fields) => context.log.error(scrub(message), scrub({ nodeId: request.nodeId, ...fields })),
    },
    signal: context.cancellationSignal,
    run: {
      workflowId,
      nodeId: request.nodeId,
      attempt,
      idempotencyKey: request.idempotencyKey,
    },
    credentials: credentials.port,
  };

  const startedAt = performance.now();
  const report = (outcome: StepAttemptReport['outcome'], tooManyRequests = false) => {
    try {
      options.metrics?.stepAttempt({
        workspaceId: request.workspaceId ?? '',
        ...(request.flowId === undefined ? {} : { flowId: request.flowId }),
        nodeId: request.nodeId,
        stepType: step.type,
        attempt,
        outcome,
        durationMs: performance.now() - startedAt,
        rateLimitWaitMs,
        tooManyRequests,
      });
    } catch (error) {
      // Counting must never change what the step did.
      context.log.warn('a step metric could not be recorded', { error: String(error) });
    }
  };
  let output: unknown;
  try {
    output = await step.run(parsedInput.data, ctx);
  } catch (error) {
    if (isStepError(error)) {
      report(error.retryable ? 'failed_retryable' : 'failed', statusOf(error.details) === 429);
      throw ApplicationFailure.create({
        message: scrub(error.message),
        type: 'StepError',
        nonRetryable: !error.retryable,
        details: [
          {
            attempt,
            details: scrub(error.details),
            ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
          } satisfies RunStepFailureDetails,
        ],
        // Retry-After: 0 means "now"; Temporal takes a zero next-retry delay as no retry at all, so at least 1 ms.
        ...(error.retryAfterMs === undefined ? {} : { nextRetryDelay: Math.max(1, error.retryAfterMs) }),
      });
    }
    report('failed_retryable');
    const message = scrub(error instanceof Error ? error.message : String(error));
    const type = error instanceof Error ? error.name : 'Error';
    throw ApplicationFailure.create({
      message,
      type,
      nonRetryable: false,
      details: [{ attempt } satisfies RunStepFailureDetails],
    });
  }

  const parsedOutput = step.output.safeParse(output);
  report(parsedOutput.success ? 'succeeded' : 'failed');
  if (!parsedOutput.success) {
    throw failure(
      scrub(`step "${step.type}" v${step.version} returned an invalid output: ${formatZodIssues(parsedOutput.error)}`),
      'InvalidStepOutput',
      false,
      { attempt },
    );
  }
  return { output: scrub(parsedOutput.data), rateLimitWaitMs };
}

/**
 * The networks a node's HTTP requests may reach: the worker-wide allowance, widened by the `network` settings an
 * admin put on the credentials the node chose (only credentials of the run's workspace count).
 */
async function networkPolicyOf(
  refs: Record<string, string>,
  workspaceId: string | undefined,
  options: StepActivitiesOptions,
): Promise<RequestNetworkPolicy> {
  const workerWide = options.http?.allowPrivateNetworks === true;
  const resolver = options.credentials;
  if (workspaceId === undefined || !resolver?.networkOf) return { allowPrivate: workerWide };
  const settings = await Promise.all(
    Object.values(refs).map((credentialId) => resolver.networkOf?.({ workspaceId, credentialId })),
  );
  const granted = settings.filter((network) => network?.allowPrivate === true || network?.allowMetadata === true);
  if (workerWide || granted.length === 0)
    return { allowPrivate: workerWide, allowMetadata: granted.some((n) => n?.allowMetadata === true) };
  const hosts = granted.flatMap((network) => network?.allowedHosts ?? []);
  // One credential without a host list opens private networks for every host; otherwise only the listed hosts.
  const everyHost = granted.some((network) => !network?.allowedHosts || network.allowedHosts.length === 0);
  return {
    allowPrivate: granted.some((network) => network?.allowPrivate === true),
    allowMetadata: granted.some((network) => network?.allowMetadata === true),
    ...(everyHost ? {} : { allowedHosts: hosts }),
  };
}

const statusOf = (details: unknown): unknown =>
  typeof details === 'object' && details !== null ? (details as { status?: unknown }).status : undefined;

function failure(
  message: string,
  type: string,
  retryable: boolean,
  details: RunStepFailureDetails,
): ApplicationFailure {
  return ApplicationFailure.create({ message, type, nonRetryable: !retryable, details: [details] });
}

/** `url: must be an http:// or https:// URL; method: Invalid option…` — one line a builder can act on. */
export function formatZodIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(input)'}: ${issue.message}`)
    .join('; ');
}
