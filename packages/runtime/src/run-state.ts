/** What a run looks like from outside while it runs and after: served by the workflow's `state` query. */

export type NodeStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';
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
