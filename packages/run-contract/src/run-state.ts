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
  /** How long the step waited for its connector's per-workspace rate limit before running (ms). */
  rateLimitWaitMs?: number;
  /** The output ports the node fired, when not just `out` (a Branch's `true`, an `error` port): a retry reuses them. */
  ports?: string[];
  /** Not run in this run: its output is the one it had in the failed run this run retries (`RunFlowInput.seed`). */
  reused?: true;
  /** Epoch milliseconds (workflow time). */
  startedAt?: number;
  endedAt?: number;
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
}
