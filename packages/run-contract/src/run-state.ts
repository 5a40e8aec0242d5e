/** What a run looks like from outside while it runs and after: served by the workflow's `state` query. */

/** `waiting`: a Wait node on its timer or for an event (the run holds no worker meanwhile). */
export type NodeStatus = 'pending' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'skipped';
export type RunStatus = 'running' | 'succeeded' | 'failed';

export interface NodeError {
  message: string;
  /** Step-specific details (e.g. the HTTP status and body of a failed request). */
  details?: unknown;
}

export interface NodeRunState {
  status: NodeStatus;
  input?: unknown;
  output?: unknown;
  error?: NodeError;
  attempts: number;
  /**
   * The node failed, but its `onError` is `continue`: it counts as succeeded and `output` is `{ error }`.
   * (`error` holds the failure too.)
   */
  continuedOnError?: true;
  /** While `waiting` on a timer: when it fires (epoch ms). */
  waitingUntil?: number;
  /** While `waiting` for an event: its name (`*` = any resume). */
  waitingFor?: string;
  /** While `waiting` because an admin paused the step's connector type or credential (it runs on resume). */
  pausedBy?: { kind: 'connector' | 'credential'; id: string };
  /** A Loop while it runs: iterations finished and in total. */
  progress?: { done: number; total: number };
  /** A Loop: its first `MAX_RECORDED_ITERATIONS` iterations, each with its body nodes' states, in item order. */
  iterations?: LoopIterationState[];
  /** How long the step waited for its connector's per-workspace rate limit before running (ms). */
  rateLimitWaitMs?: number;
  /** The output ports the node fired, when not just `out` (a Branch's `true`, an `error` port): a retry reuses them. */
  ports?: string[];
  /** Not run in this run: its output is the one it had in the failed run this run retries (`RunFlowInput.seed`). */
  reused?: true;
  /** Epoch milliseconds (workflow time). */
  startedAt?: number;
  endedAt?: number;
  /** The node's undo step, once the run's compensation reached it (docs/adr/015). */
  undo?: NodeUndoState;
}

/** One undo step run by compensation: `running` while it runs, then how it ended. */
export interface NodeUndoState {
  status: 'running' | 'succeeded' | 'failed';
  attempts: number;
  /** The undo's evaluated config. */
  input?: unknown;
  output?: unknown;
  error?: NodeError;
  startedAt?: number;
  endedAt?: number;
}

/**
 * A failed run's compensation: the nodes whose undo ran, in the order they ran (reverse completion order).
 * `compensated`: every undo succeeded; `failed`: some did not (`failedAt`), and the others still ran.
 */
export interface CompensationState {
  status: 'running' | 'compensated' | 'failed';
  order: string[];
  failedAt?: string[];
}

export interface RunState {
  status: RunStatus;
  flowId: string;
  version: number;
  startedAt: number;
  endedAt?: number;
  nodes: Record<string, NodeRunState>;
  /** Set when the run failed: which node and why. */
  error?: { nodeId: string; message: string };
  /** Set when the run failed and some completed node declares an undo step (docs/adr/015). */
  compensation?: CompensationState;
}

/**
 * How many iterations of a Loop the run state keeps (the first ones): enough to see what each step did per item,
 * while a 10,000-item loop's state (served by a query, returned as the workflow result) stays small.
 */
export const MAX_RECORDED_ITERATIONS = 20;

/**
 * The most JSON characters a Loop's recorded iterations may take together: body nodes may each carry inputs and
 * outputs up to the blob inline limit, and the run state must stay well inside Temporal's 2 MB payload limit.  The
 * iterations that would pass it are not recorded.
 */
export const MAX_RECORDED_ITERATION_CHARS = 256 * 1024;

/**
 * One iteration of a Loop: the body's node states for that item (not the synthetic item node).  A nested Loop inside
 * a recorded iteration keeps its progress and output but not iterations of its own, so the state stays bounded.
 */
export interface LoopIterationState {
  /** The item's index (0-based, as `index` in expressions). */
  index: number;
  status: RunStatus;
  nodes: Record<string, Omit<NodeRunState, 'iterations'>>;
}
