/**
 * The execution plan: what publishing a flow produces and what a run interprets.  Immutable once stored with a flow
 * version; a run's workflow input carries it, so edits never touch runs in flight.  Plain JSON only.
 */

import type { PlanBusinessKey } from './business-key-setting.ts';

export const PLAN_FORMAT = 1;
/** Bumped when interpreter semantics change; guarded in the runtime with `patched()`. */
export const RUNTIME_VERSION = 1;

export interface PlanRetryPolicy {
  maxAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  maxIntervalMs: number;
}

export type PlanNodeKind = 'trigger' | 'action' | 'transform';

/** What a node's failure does: fail the run, continue with the error as output, or fire the `error` port. */
export type PlanOnError = 'fail' | 'continue' | 'errorOutput';

/** One incoming edge: the node it comes from and the output port of that node it leaves from. */
export interface PlanInput {
  nodeId: string;
  port: string;
}

export interface PlanNode {
  id: string;
  type: string;
  typeVersion: number;
  title: string;
  kind: PlanNodeKind;
  runsIn: 'workflow' | 'activity';
  /** Direct predecessors (edge sources), in edge order. */
  upstream: string[];
  /**
   * Incoming edges with their source ports, in edge order.  Absent in plans compiled before ports existed: the
   * runtime then reads every `upstream` node's `out` port.
   */
  inputs?: PlanInput[] | undefined;
  /** The node's output port ids (including `error` when onError is `errorOutput`).  Absent = `['out']`. */
  outputs?: string[] | undefined;
  /** Absent = `fail`. */
  onError?: PlanOnError | undefined;
  /** The node's config from the document: strings containing `{{ … }}` are templates evaluated at run time. */
  config: Record<string, unknown>;
  retry: PlanRetryPolicy;
  timeoutMs: number;
  taskQueue: string;
  /** Loop nodes (`core.loop`): the body run once per item. */
  body?: PlanLoopBody | undefined;
  /**
   * Sub-flow nodes (`core.subflow`): the called flow's published plan, embedded by the server at publish time (the
   * compiler leaves it out; a plan without it fails that node at run time).
   */
  subflow?: { flowId: string; version: number; plan: ExecutionPlan } | undefined;
  /**
   * The step that undoes this one (compensation, docs/adr/015): run when a later node fails the run for good, in
   * reverse completion order.  Its config's templates read the node's own context plus `original.input` /
   * `original.output`.  Absent: nothing to undo (and the run behaves exactly as before undo existed).
   */
  undo?: PlanUndo | undefined;
}

/** A node's undo step, compiled: pinned type version, defaults filled, its own retry policy, timeout and queue. */
export interface PlanUndo {
  type: string;
  typeVersion: number;
  config: Record<string, unknown>;
  retry: PlanRetryPolicy;
  timeoutMs: number;
  taskQueue: string;
}

/**
 * The synthetic node a loop body starts from: it "outputs" the current item, so the body's entry nodes read it as
 * `input`.  Not a valid node id, so it can never collide with one.
 */
export const LOOP_ITEM_NODE_ID = '$item';

/** A loop's body, compiled like a flow whose trigger is the current item. */
export interface PlanLoopBody {
  /** Topologically ordered; entry nodes have `LOOP_ITEM_NODE_ID` as their only input. */
  nodes: PlanNode[];
  /** Body nodes with no incoming connection inside the body: each iteration starts them with the item. */
  entry: string[];
  /** Whose output is an iteration's result: the loop's `resultNode`, else the body's last node. */
  resultNodeId: string;
  /** Template evaluated after each iteration against the body context plus `result`; truthy → start no more. */
  stopWhen?: string | undefined;
}

export interface ExecutionPlan {
  planFormat: typeof PLAN_FORMAT;
  runtimeVersion: number;
  expressionEngine: string;
  flowId: string;
  /** Published version number; 0 for a draft run from the editor. */
  version: number;
  /** sha256 (hex) of the canonical plan without this field, computed by the caller (hashing is I/O-free but lives outside). */
  hash: string;
  triggerNodeId: string;
  /** Topologically ordered, trigger first. */
  nodes: PlanNode[];
  /**
   * The flow-level error handler, embedded at publish time: another flow's published plan, started as a child run
   * with the failed run's details as its trigger output.  An embedded plan never carries its own handler.
   */
  errorHandler?: { flowId: string; version: number; plan: ExecutionPlan } | undefined;
  /**
   * How long a run may take, whole (Temporal's workflow execution timeout, set by whoever starts the run); absent:
   * no limit.  From the flow's `settings.runTimeoutMs`, else `DEFAULT_RUN_TIMEOUT_MS` for flows that never wait.
   */
  runTimeoutMs?: number | undefined;
  /**
   * The flow's searchable fields (flow settings → searchable): each run's values become its `RunKeys` search
   * attribute (`runKeyItem`), so runs can be found by a business key.  Absent: none.
   */
  searchable?: SearchableField[] | undefined;
  /**
   * The flow's business key (flow settings → business key, docs/adr/014): runs with the same key never overlap; a
   * new event while one runs waits in line, joins it as a signal, or is dropped.  Absent: runs start directly.
   */
  businessKey?: PlanBusinessKey | undefined;
  /**
   * At most this many runs of the flow at once (flow settings → concurrency, docs/adr/020): its runs are handed to
   * the flow's coordinator, which starts them as slots free up, in arrival order.  Absent: no limit.
   */
  maxConcurrentRuns?: number | undefined;
  /** The flow's runs go one lane down (flow settings → lane "batch", docs/adr/027).  Absent: their trigger's lane. */
  batch?: true | undefined;
  /** The flow's own ceiling of runs waiting to start (flow settings, docs/adr/027).  Absent: the instance's. */
  maxWaitingRuns?: number | undefined;
}

/** A field runs of a flow can be searched by: `name` and a template over the trigger, e.g. `{{ trigger.body.orderId }}`. */
export interface SearchableField {
  name: string;
  expression: string;
}
