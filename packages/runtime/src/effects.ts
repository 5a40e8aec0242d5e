import type {
  ExecutionPlan,
  LoopIterationState,
  PlanLoopBody,
  PlanNode,
  PlanRetryPolicy,
  RunState,
} from '@pipewright/run-contract';

/**
 * Everything the interpreter needs from the outside world.  The worker implements it with Temporal activities and
 * workflow time; unit tests implement it with fakes.  The runtime itself has no clock, no I/O and no randomness.
 */
export interface RunEffects {
  /** Runs an I/O step with the node's retry policy.  Rejects with a `StepFailure` once retries are exhausted. */
  executeStep(request: StepActivityRequest): Promise<StepActivityResult>;
  /** Current time in epoch ms (deterministic in workflow code). */
  now(): number;
  /** Called after every state change, e.g. to let a query observer see progress.  Optional. */
  onStateChange?(): void;
  /**
   * Evaluates a whole node (its expressions, then the step) outside workflow code.  The runtime uses it when the
   * data a node's expressions read holds blob references (large values kept out of history), so they can be
   * loaded where memory is allowed.  Optional: without it every node is evaluated in the workflow.
   */
  evaluateRemotely?(request: RemoteNodeRequest): Promise<RemoteNodeResult>;
  /** A durable timer (Wait `delay` / `until`).  Without it, Wait nodes fail. */
  sleep?(ms: number): Promise<void>;
  /**
   * Waits for a resume addressed to this run (Wait `event`) or the timeout, whichever comes first.  A resume that
   * arrived before the wait started must still be delivered (the link may be used before the wait is reached).
   */
  waitForEvent?(request: WaitForEventRequest): Promise<WaitForEventResult>;
  /**
   * Waits for a member's decision on an approval (Wait `approval`, docs/adr/018) or the timeout, whichever comes
   * first.  The implementation makes the approval visible to its approvers while it waits, and closes it after.
   */
  waitForApproval?(request: WaitForApprovalRequest): Promise<WaitForApprovalResult>;
  /** Runs another flow's plan as a child run and resolves with its final state, failed or not (Sub-flow). */
  executeChild?(request: ChildRunRequest): Promise<RunState>;
  /**
   * Runs a slice of a loop's items elsewhere (a child workflow), so a long loop never grows one history too far.
   * Optional: without it every iteration runs inline.
   */
  runLoopChunk?(request: LoopChunkRequest): Promise<LoopChunkResult>;
  /**
   * Runs a slice of a loop whose body is transform-only outside workflow code (an activity): a pure body gives the
   * same results anywhere, and the interpreter is an order of magnitude faster outside Temporal's sandbox.  Optional.
   */
  evaluateLoopChunk?(request: LoopChunkRequest): Promise<LoopChunkResult>;
  /**
   * A draft test (docs/adr/016): the outcome a past run recorded for this I/O step, Wait or Sub-flow node, returned
   * instead of running it; undefined runs it.  `runId` tells a loop iteration (`<run>/<loop>[<index>]`) from the run.
   * Asked after the node's config is evaluated, so the report can show what the draft would have sent.
   */
  recordedOutcome?(node: PlanNode, runId: string): RecordedOutcome | undefined;
}

/** What a recording answers for a node (the shape of a node's outcome). */
export type RecordedOutcome =
  | { ok: true; output: unknown; attempts: number; ports?: string[] }
  | { ok: false; error: { message: string; details?: unknown }; attempts: number };

export interface WaitForEventRequest {
  nodeId: string;
  /** Only resumes with this name (or with none, addressed to this node) wake it; absent = any resume. */
  eventName?: string | undefined;
  /** Absent = no timeout. */
  timeoutMs?: number | undefined;
}

export type WaitForEventResult = { timedOut: false; payload: unknown } | { timedOut: true };

export interface WaitForApprovalRequest {
  run: { id: string; workspaceId: string };
  flowId: string;
  nodeId: string;
  /** Roles, member e-mails (lower case) or user ids. */
  approvers: string[];
  title: string;
  message?: string | undefined;
  /** Absent = no timeout. */
  timeoutMs?: number | undefined;
}

export type WaitForApprovalResult =
  | {
      timedOut: false;
      decision: 'approved' | 'rejected';
      comment?: string | undefined;
      decidedBy: { id: string; email: string };
      decidedAt: string;
    }
  | { timedOut: true };

export interface ChildRunRequest {
  nodeId: string;
  /** Derived from the parent run and node, so a replayed or retried parent starts the child once. */
  runId: string;
  workspaceId: string;
  flowId: string;
  version: number;
  plan: ExecutionPlan;
  /** The child's trigger output. */
  trigger: unknown;
}

/** One slice of a loop: iterations `offset … offset + items.length - 1`, run with the loop's concurrency. */
export interface LoopChunkRequest {
  nodeId: string;
  /** Derived from the run, node and offset (stable across replays). */
  chunkId: string;
  run: { id: string; workspaceId: string };
  plan: { flowId: string; version: number; expressionEngine: string; runtimeVersion: number };
  body: PlanLoopBody;
  items: unknown[];
  offset: number;
  concurrency: number;
  /** The loop's expression context (trigger, steps, run) that body nodes read, without `input`. */
  context: Record<string, unknown>;
}

export interface LoopChunkResult {
  /** One result per iteration that ran, in item order. */
  results: unknown[];
  /** `stopWhen` held after some iteration: start no more. */
  stopped: boolean;
  /** The first failed iteration: which item and why. */
  error?: { index: number; nodeId: string; message: string } | undefined;
  /**
   * The recorded iterations of this slice (index < `MAX_RECORDED_ITERATIONS`), in item order: what the run view shows
   * per iteration.  Absent from results of workers older than this field.
   */
  iterations?: LoopIterationState[] | undefined;
}

export interface RemoteNodeRequest {
  node: PlanNode;
  /** The node's expression context (`trigger`, `steps`, `input`, `run`), blob references included. */
  context: Record<string, unknown>;
  idempotencyKey: string;
}

export interface RemoteNodeResult {
  output: unknown;
  attempts: number;
  /** Output ports that fired (workflow-kind steps such as if/switch); default `out`. */
  ports?: string[];
  /** How long the step waited for its connector's rate limit (ms); absent when it did not wait. */
  rateLimitWaitMs?: number;
  /** The evaluated config, for the run view (large parts as blob references). */
  input?: unknown;
}

export interface StepActivityRequest {
  nodeId: string;
  type: string;
  typeVersion: number;
  input: unknown;
  retry: PlanRetryPolicy;
  timeoutMs: number;
  taskQueue: string;
  /** workflowId/nodeId: stable across attempts of this node in this run. */
  idempotencyKey: string;
}

export interface StepActivityResult {
  output: unknown;
  /** The attempt that succeeded (1 = first try). */
  attempts: number;
  /** How long the step waited for its connector's rate limit (ms); absent when it did not wait. */
  rateLimitWaitMs?: number;
}

/** The shape effects ports reject with when a step has failed for good. */
export interface StepFailure {
  message: string;
  attempts: number;
  details?: unknown;
}

export const isStepFailure = (value: unknown): value is StepFailure =>
  typeof value === 'object' &&
  value !== null &&
  'message' in value &&
  typeof value.message === 'string' &&
  'attempts' in value &&
  typeof value.attempts === 'number';
