/**
 * The core control steps as the engine sees them: what each does inside the workflow and what the compiler needs to
 * know about it.  Each is one of a few kinds; the runtime and the compiler look a node's step up
 * (`controlStepFor(node.type)`) and switch on its `kind`, never on a type string.
 */

/** What an inline control step made of its evaluated config and its input: its output and the ports it fires. */
export interface ControlResult {
  output: unknown;
  /** Absent: the default port `out`. */
  ports?: string[];
}

/** A config problem the compiler shows on the node; `field` is the path from the node, e.g. `config.until`. */
export interface ConfigProblem {
  code: 'invalid_config' | 'merge_needs_inputs' | 'wait_needs_timeout' | 'unsupported_in_loop';
  field: string;
  message: string;
}

/** Where a node sits, as the compiler sees it: what a control step's config rules may depend on. */
export interface NodeSurroundings {
  nodeId: string;
  /** Output ports of the node that a connection leaves from. */
  connectedPorts: ReadonlySet<string>;
  /** The node is inside a loop body. */
  inLoopBody: boolean;
  /** For a loop: the ids of the nodes inside it (empty when it has none). */
  bodyNodeIds: readonly string[];
}

/**
 * A name from the config that the step writes into an object when it runs (a key, or a dotted path of keys): the
 * compiler refuses one that names the object prototype.
 */
export interface WrittenName {
  /** Where the name is in the config, e.g. `config.fields.0.name`. */
  field: string;
  /** How a message names it, e.g. `the field name`. */
  what: string;
  name: string;
  /** A dotted path (`a.b`: each segment a key) rather than one key. */
  isPath: boolean;
}

/** What every control step tells the compiler. */
interface ControlStepFacts {
  /** The step type id (the definition's `type`). */
  type: string;
  /**
   * The node waits for something outside the workflow task — a timer, an event, a child run: it may keep a run open
   * for days (no default run timeout) and it adds events to the run's history.
   */
  awaitsOutside: boolean;
  /** Config rules the input schema cannot say: they depend on other fields, on connections or on where it sits. */
  checkConfig?(config: Record<string, unknown>, surroundings: NodeSurroundings): ConfigProblem[];
  /** Names in the config that become object keys when the node runs (the compiler checks the literal ones). */
  writtenNames?(config: Record<string, unknown>): WrittenName[];
}

/**
 * Evaluated inside the workflow (or in an activity when its expressions read a large value): its config, already
 * evaluated, and its input give its output and ports.  If, Switch, Transform.
 */
export interface InlineControlStep extends ControlStepFacts {
  kind: 'inline';
  /** Throws an Error with a user-facing message when the config does not have the step's shape. */
  evaluate(config: unknown, input: unknown): ControlResult;
}

export type MergeWait = 'all' | 'first' | 'anyN';

/** How a join waits for its inputs: all of them, the first to arrive, or the first `n`. */
export interface MergeJoin {
  wait: MergeWait;
  n: number;
}

/** A join (Merge): it may start before all its inputs are resolved, and it combines the outputs that arrived. */
export interface MergeControlStep extends ControlStepFacts {
  kind: 'merge';
  /** How the node waits, from its config as written or evaluated; anything unexpected counts as `all`. */
  joinOf(config: Record<string, unknown>): MergeJoin;
  /** Rules that depend on how many connections come in. */
  checkJoin(config: Record<string, unknown>, join: { nodeId: string; incoming: number }): ConfigProblem[];
  /** `input`: the outputs it combines, in edge order (`all`) or arrival order. */
  evaluate(config: unknown, input: unknown): ControlResult;
}

/** A container (Loop): the nodes inside it (their `parentId`) run once per item. */
export interface LoopControlStep extends ControlStepFacts {
  kind: 'loop';
  /** The config the Loop node itself evaluates: without what its body reads. */
  nodeConfigOf(config: Record<string, unknown>): Record<string, unknown>;
  /** What the body reads, as written: `stopWhen` (after each iteration) and the `resultNode` id. */
  bodySettingsOf(config: Record<string, unknown>): { stopWhen?: string; resultNode?: string };
  /** The items and how many run at once, from the evaluated config; throws with a user-facing message. */
  iterationsOf(config: Record<string, unknown>): { items: unknown[]; concurrency: number };
}

/** An event wait's settings, from the evaluated config. */
export interface EventWait {
  /** Only resumes with this name wake it; absent = any resume. */
  eventName: string | undefined;
  /** Absent = no timeout. */
  timeoutMs: number | undefined;
}

/** An approval wait's settings, from the evaluated config (docs/adr/018). */
export interface ApprovalWait {
  /** Roles, member e-mails (lower case) or user ids: who may decide. */
  approvers: string[];
  title: string | undefined;
  message: string | undefined;
  /** Absent = no timeout. */
  timeoutMs: number | undefined;
}

/** A decision an approval wait received. */
export interface DecidedApproval {
  decision: 'approved' | 'rejected';
  comment?: string | undefined;
  decidedBy: { id: string; email: string };
  decidedAt: string;
}

/** A pause (Wait): on a durable timer, or until the run is resumed, a member decides, or a timeout passes. */
export interface WaitControlStep extends ControlStepFacts {
  kind: 'wait';
  /** The port fired when an event wait times out. */
  timeoutPort: string;
  isEventWait(config: Record<string, unknown>): boolean;
  /** A timer wait's end (epoch ms) from the evaluated config; throws with a user-facing message. */
  timerUntil(config: Record<string, unknown>, now: number): number;
  /** A timer wait's output once it has waited. */
  timerOutput(until: number, now: number): unknown;
  /** An event wait's settings from the evaluated config; throws with a user-facing message. */
  eventWaitOf(config: Record<string, unknown>): EventWait;
  /** An event wait that timed out: the `timeout` port when connected, else an Error saying what to do. */
  timedOut(wait: EventWait, timeoutConnected: boolean): ControlResult;
  /** The node waits for a member's decision (mode `approval`). */
  isApprovalWait(config: Record<string, unknown>): boolean;
  /** An approval wait's settings from the evaluated config; throws with a user-facing message. */
  approvalWaitOf(config: Record<string, unknown>): ApprovalWait;
  /** The output (`{ approved, decision, comment?, decidedBy, decidedAt }`) and port (`approved`/`rejected`). */
  decided(decision: DecidedApproval): ControlResult;
  /** An approval wait that timed out: the `timeout` port when connected, else an Error saying what to do. */
  approvalTimedOut(wait: ApprovalWait, timeoutConnected: boolean): ControlResult;
}

/** A call of another published flow (Sub-flow), run as a child run. */
export interface SubflowControlStep extends ControlStepFacts {
  kind: 'subflow';
  /** From the evaluated config: the flow it names, the child's trigger output, and which node gives the result. */
  childCallOf(config: Record<string, unknown>): { flowId: unknown; trigger: unknown; outputNodeId: string | undefined };
}

export type ControlStep = InlineControlStep | MergeControlStep | LoopControlStep | WaitControlStep | SubflowControlStep;

export type ControlStepKind = ControlStep['kind'];
