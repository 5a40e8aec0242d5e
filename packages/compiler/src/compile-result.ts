import type { ExecutionPlan } from '@pipewright/run-contract';

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
    /** The referenced node runs before this one on some paths but not all (a branch or a merge that does not wait). */
    | 'reference_may_not_run'
    | 'unknown_port'
    | 'merge_needs_inputs'
    | 'invalid_port_id'
    | 'unreachable_node'
    | 'trigger_has_input'
    /** A Loop with no nodes inside it. */
    | 'loop_needs_body'
    /** `parentId` names no node, a node that is not a Loop, or loops back on itself; or a trigger inside a body. */
    | 'invalid_parent'
    /** A connection between a loop body and a node outside it (bodies connect only inside). */
    | 'edge_crosses_loop'
    /** An event Wait without a timeout. */
    | 'wait_needs_timeout'
    /** A node type a loop body cannot hold (e.g. an event Wait: resumes address the run, not an iteration). */
    | 'unsupported_in_loop'
    /** Sub-flow problems found at publish (unknown, unpublished, itself, or a cycle of flows calling each other). */
    | 'invalid_subflow'
    /** A node id, config key, field name or path segment that names the object prototype (`__proto__`, `constructor`, `prototype`). */
    | 'reserved_key'
    /** A searchable field (flow settings) whose expression is invalid or reads more than the trigger. */
    | 'invalid_searchable_field'
    /** The business key (flow settings) is not a valid template over the trigger alone. */
    | 'invalid_business_key'
    /** "At most N runs at once" and a business key both set (flow settings; docs/adr/020): one must go. */
    | 'concurrency_with_business_key'
    /** An undo step (`settings.undo`) where none can run: inside a Loop body, on a transform, or of a non-I/O type. */
    | 'invalid_undo';
  message: string;
  nodeId?: string;
  edgeId?: string;
  /** Path inside the node, e.g. `config.url` or `config.fields.0.value`. */
  field?: string;
}

export type CompileResult = { ok: true; plan: ExecutionPlan } | { ok: false; errors: CompileError[] };
