/**
 * The execution plan: what publishing a flow produces and what a run interprets.  Immutable once stored with a flow
 * version; a run's workflow input carries it, so edits never touch runs in flight.  Plain JSON only.
 */

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

export interface PlanNode {
  id: string;
  type: string;
  typeVersion: number;
  title: string;
  kind: PlanNodeKind;
  runsIn: 'workflow' | 'activity';
  /** Direct predecessors (edge sources), in edge order. */
  upstream: string[];
  /** The node's config from the document: strings containing `{{ … }}` are templates evaluated at run time. */
  config: Record<string, unknown>;
  retry: PlanRetryPolicy;
  timeoutMs: number;
  taskQueue: string;
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
}

/** A located compile error: the editor shows it on the node, next to the field. */
export interface CompileError {
  code: /** The document itself does not match the flow document schema (field = path inside the node/edge, or from the root). */
    | 'invalid_document'
    | 'no_trigger'
    | 'multiple_triggers'
    | 'cycle'
    | 'dangling_edge'
    | 'unknown_step_type'
    | 'unknown_step_version'
    | 'invalid_config'
    | 'expression_syntax'
    | 'reference_not_upstream'
    | 'unreachable_node'
    | 'trigger_has_input';
  message: string;
  nodeId?: string;
  edgeId?: string;
  /** Path inside the node, e.g. `config.url` or `config.fields.0.value`. */
  field?: string;
}

export type CompileResult = { ok: true; plan: ExecutionPlan } | { ok: false; errors: CompileError[] };
