import type { RunDetail, RunNodeView, RunStatusValue, RunsPage } from '@pipewright/api-contract';
import { runTimeoutMessage } from '@pipewright/compiler';
import type { FlowDocument } from '@pipewright/flow';
import {
  type ExecutionPlan,
  FLOW_RUN_FAILED,
  laneOfKind,
  type RunFlowInput,
  type RunKind,
  type RunLane,
  type RunSeed,
  runStartOptions,
  stateQuery,
} from '@pipewright/run-contract';
import { asRunState, type ParsedRunState } from '@pipewright/run-contract/schema';
import { activeTraceParent } from '@pipewright/tracing';
import { type Client, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { ApiError, notFound } from '../errors.ts';
import type { RunLanes } from '../fairness/run-lanes.ts';
import type { FlowVersionsRepository } from '../flows/flow-versions.repository.ts';
import { parseDocument } from '../flows/flows.service.ts';
import { newRunId } from '../ids.ts';
import { keyCoordinatorOf } from './business-keys.ts';
import type { HeldRunsRepository } from './held-runs.repository.ts';
import type { ResumeLinks } from './resume-links.ts';
import { RunStarter } from './run-starter.ts';
import { notOnTemporal, type TemporalView, toSummaryBase } from './run-summary.ts';
import { toNodeViews } from './run-views.ts';
import type { QueuedRun, RunRecord, RunsRepository } from './runs.repository.ts';
import { decodeCursor, encodeCursor, isIndexListing, type ListRunsQuery } from './runs-query.ts';
import { searchRuns } from './runs-search.ts';
import { adoptScheduledRun, recordScheduledRuns } from './scheduled-runs.ts';

/** What the server starts runs for: sub-flow runs are started by their parent run's workflow, never here. */
export type ServerRunKind = Exclude<RunKind, 'subflow'>;

export interface StartRunInput {
  workspaceId: string;
  flow: { id: string; name: string };
  plan: ExecutionPlan;
  trigger: unknown;
  kind: ServerRunKind;
  /** Draft runs keep the document they compiled, since no version stores it. */
  draftDocumentJson?: string;
  /** A step test: started on Temporal but not put in the runs index, so it does not show among the flow's runs. */
  unlisted?: boolean;
  /**
   * A deterministic run id (a webhook delivery's): Temporal refuses a second start with it, open or closed, so a
   * duplicate delivery — also a concurrent one — gets the first run's id back with `duplicate: true`.
   */
  dedupeRunId?: string;
  /**
   * Another run id this start is a duplicate of, when that run exists and started at or after `notBefore` (a
   * duplicate window that began in the previous time bucket, webhook-verify.ts `bodyDeliveryRunIds`).
   */
  dedupeEarlier?: { runId: string; notBefore: Date };
  /** A retry from the failed step: the failed run's succeeded nodes, not run again. */
  seed?: RunSeed;
  /** The failed run this one retries or re-runs (shown on both runs' detail). */
  link?: { retryOf: string } | { rerunOf: string };
  /** The run's lane on Temporal's task queue (docs/adr/027); default: by its kind (`laneOfKind`). */
  lane?: RunLane;
}

export interface StartedRun {
  runId: string;
  duplicate?: true;
  /** Recorded, but Temporal could not be reached to start it yet: the run starter will. */
  queued?: true;
  /** Recorded and held: its flow is paused (mode `queue`); it starts when the flow resumes. */
  held?: true;
}

/**
 * The most a run may start with (its trigger data and the flow's plan, as JSON): Temporal refuses a start whose
 * input is over 2 MiB, and a larger one would be accepted (202) and then never run.
 */
export const MAX_RUN_START_BYTES = 1.5 * 1024 * 1024;

function checkStartSize(startJson: string): void {
  const bytes = Buffer.byteLength(startJson);
  if (bytes <= MAX_RUN_START_BYTES) return;
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  throw new ApiError(
    413,
    'run_input_too_large',
    `The run would start with ${mb(bytes)} of trigger data and plan; a run starts with at most ${mb(MAX_RUN_START_BYTES)}: send large data by reference (a URL the flow fetches)`,
  );
}

/** What the API needs to render one run repeatedly (the SSE stream reloads only the Temporal part). */
export interface LoadedRun {
  record: RunRecord;
  document: FlowDocument | null;
}

const QUERY_DEADLINE_MS = 5_000;
/** A cursor "after" this start time lists the index from its newest run. */
const INDEX_START = '9999-12-31T23:59:59.999Z';
/** A read of Temporal (describe) that takes longer answers 503: the client's own retries would hold it a minute. */
const READ_DEADLINE_MS = 5_000;

const STATUS_BY_TEMPORAL: Partial<Record<string, RunStatusValue>> = {
  RUNNING: 'running',
  COMPLETED: 'succeeded',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed_out',
  CONTINUED_AS_NEW: 'running',
};

/** What `describe()` adds that the API does not show as such: why a run is stuck, its execution timeout. */
interface Described extends TemporalView {
  stuckReason?: string;
  timeoutMs?: number;
}

/** Workflow task attempts after which an open run counts as stuck: the first retry already means a failure. */
const STUCK_AFTER_ATTEMPTS = 2;
/** `WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR` (the server has no proto import). */
const NON_DETERMINISTIC_CAUSE = 24;
/** How many of the newest history events are searched for the workflow task failure. */
const STUCK_HISTORY_EVENTS = 50;

function traceParentField(): { traceParent?: string } {
  const traceParent = activeTraceParent();
  return traceParent === undefined ? {} : { traceParent };
}

/** A run counted by the waiting-runs counts (fairness/waiting-runs.ts): its accept time is its bucket there. */
export interface WaitingRun {
  workspaceId: string;
  flowId: string;
  acceptedAt: number;
}

export interface WaitingRunCounts {
  accepted(run: WaitingRun): void;
  leftWithoutRunning(run: WaitingRun): void;
}

/** The accept time a queued run's start arguments carry (what the worker counts its begin under). */
function acceptedAtOf(record: QueuedRun): number | undefined {
  try {
    const acceptedAt = (JSON.parse(record.pendingStartJson) as RunFlowInput).run.acceptedAt;
    return typeof acceptedAt === 'number' ? acceptedAt : undefined;
  } catch {
    return undefined;
  }
}

/** Starts runs on Temporal and reads them back: the runs collection is the index, Temporal the source of truth. */
export class RunsService {
  /** Drains queued runs into Temporal; the app sweeps with it while it serves. */
  readonly starter: RunStarter;
  readonly #runs: RunsRepository;
  readonly #versions: FlowVersionsRepository;
  readonly #client: Client;
  readonly #taskQueue: string;

  readonly #resumeLinks: ResumeLinks | undefined;
  readonly #held: HeldRunsRepository | undefined;
  readonly #lanes: RunLanes | undefined;
  readonly #waiting: WaitingRunCounts | undefined;

  constructor(deps: {
    runs: RunsRepository;
    /** Runs of paused flows (mode `queue`), kept out of the queue until their flow resumes. */
    held?: HeldRunsRepository;
    versions: FlowVersionsRepository;
    temporal: Client;
    taskQueue: string;
    resumeLinks?: ResumeLinks;
    /** Each run's lane and fair share (fairness/run-lanes.ts); without it runs start first in, first out. */
    lanes?: RunLanes;
    /** Counts accepted runs as waiting until a worker begins them (admission control, docs/adr/027). */
    waiting?: WaitingRunCounts;
    log?: (message: string, error: unknown) => void;
    /** How long a start may try an unreachable Temporal before the run stays queued (run-starter.ts). */
    startDeadlineMs?: number;
  }) {
    this.#runs = deps.runs;
    this.#versions = deps.versions;
    this.#client = deps.temporal;
    this.#taskQueue = deps.taskQueue;
    this.#resumeLinks = deps.resumeLinks;
    this.#held = deps.held;
    this.#lanes = deps.lanes;
    this.#waiting = deps.waiting;
    this.starter = new RunStarter({
      runs: deps.runs,
      temporal: deps.temporal,
      taskQueue: deps.taskQueue,
      startOptions: (args) => runStartOptions(args.plan, args.run.priority),
      ...(deps.waiting
        ? {
            // A run whose start failed for good never begins: it stops counting as waiting.
            onNeverStarted: (record: QueuedRun) => {
              const acceptedAt = acceptedAtOf(record);
              if (acceptedAt !== undefined) deps.waiting?.leftWithoutRunning({ ...record, acceptedAt });
            },
          }
        : {}),
      ...(deps.startDeadlineMs === undefined ? {} : { startDeadlineMs: deps.startDeadlineMs }),
      log: deps.log ?? ((message, error) => console.error(`[runs] ${message}:`, error)),
    });
  }

  /**
   * Records the run, queued with its start arguments, then has it started (run-starter.ts): the record comes first,
   * so a run is never on Temporal without being listed.  `queue`: answer once the run is recorded and leave the start
   * to the starter (a webhook's 202); otherwise the run is started before this returns, unless Temporal cannot be
   * reached (then it stays queued, `queued: true`, and starts when Temporal is back).
   */
  async start(input: StartRunInput, options: { queue?: boolean; hold?: boolean } = {}): Promise<StartedRun> {
    const runId = input.dedupeRunId ?? newRunId();
    const acceptedAt = new Date();
    const args: RunFlowInput = {
      plan: input.plan,
      trigger: input.trigger,
      run: { id: runId, workspaceId: input.workspaceId, kind: input.kind, acceptedAt: acceptedAt.getTime() },
      localTaskQueue: this.#taskQueue,
      ...(input.seed === undefined ? {} : { seed: input.seed }),
    };
    const priority = await this.#lanes?.priorityOf(input.workspaceId, input.lane ?? laneOfKind(input.kind), input.plan);
    if (priority !== undefined) args.run.priority = priority;
    const resumeUrls = await this.#resumeLinks?.urlsForRun(runId, input.plan, Date.now());
    if (resumeUrls && Object.keys(resumeUrls).length > 0) args.run.resumeUrls = resumeUrls;
    const pendingStartJson = JSON.stringify(args);
    checkStartSize(pendingStartJson);
    // Flow settings → business key: the run is handed to its key's coordinator (not for an unlisted step test).
    const keyCoordinator =
      input.unlisted === true ? undefined : await keyCoordinatorOf(input.workspaceId, input.plan, input.trigger);
    const record: QueuedRun = {
      _id: runId,
      workspaceId: input.workspaceId,
      flowId: input.flow.id,
      flowName: input.flow.name,
      version: input.plan.version,
      trigger: input.kind,
      startedAt: acceptedAt,
      ...(input.draftDocumentJson === undefined ? {} : { documentJson: input.draftDocumentJson }),
      ...input.link,
      ...(keyCoordinator === undefined ? {} : { keyCoordinator }),
      queued: true,
      pendingStartJson,
      // The request's trace, continued by the start whenever the starter gets to it (OpenTelemetry, when on).
      ...traceParentField(),
    };
    const counted = { workspaceId: input.workspaceId, flowId: input.flow.id, acceptedAt: acceptedAt.getTime() };
    if (input.unlisted === true) {
      // A step test: started at once and never listed (nor queued: the builder is waiting for it).
      this.#waiting?.accepted(counted);
      await this.starter.startWithoutRecord(record).catch((error: unknown) => {
        this.#waiting?.leftWithoutRunning(counted);
        throw error;
      });
      return { runId };
    }
    // A delivery id seen before: its run is queued or indexed already, and is the answer.  The queue is read first:
    // the starter indexes a run before it leaves the queue, so the run is found in one or the other.
    const earlier = input.dedupeEarlier;
    if (earlier !== undefined) {
      const found = await this.#findKnown(input.workspaceId, earlier.runId);
      if (found !== null && found.startedAt >= earlier.notBefore) return { runId: earlier.runId, duplicate: true };
    }
    if (input.dedupeRunId !== undefined && (await this.#findKnown(input.workspaceId, runId)) !== null) {
      return { runId, duplicate: true };
    }
    if (options.hold === true && this.#held) {
      // The flow is paused: recorded durably, started by its resume (releaseHeld), never ahead of it.
      return (await this.#held.hold(record)) ? { runId, held: true } : { runId, duplicate: true };
    }
    if (keyCoordinator !== undefined) return this.#startKeyed(record, input, options, counted);
    if (!(await this.#runs.enqueue(record))) return { runId, duplicate: true };
    if (input.dedupeRunId !== undefined && (await this.#runs.findById(input.workspaceId, runId)) !== null) {
      // The first delivery's run was started, indexed and taken out of the queue between the check above and this
      // enqueue (it is indexed before it leaves the queue): this delivery is a repeat.  Its queue entry is settled
      // like any other — its start is refused as a duplicate, then it leaves the queue.
      this.starter.kick(record);
      return { runId, duplicate: true };
    }
    this.#waiting?.accepted(counted);
    if (options.queue === true) {
      // The starter drains the queue a few starts at a time: a burst is accepted at once and started at the engine's
      // pace, not all together.
      this.starter.kick(record);
      return { runId };
    }
    return (await this.starter.startNow(record)) === 'queued' ? { runId, queued: true } : { runId };
  }

  /**
   * A run with a business key: as `start`, except that its accept time is taken as it enters the queue and a queued
   * start is handed to the starter before anything else is awaited, so the starter hands runs of one key to their
   * coordinator in the order this server queued them (their `startedAt` order): the key's arrival order.
   */
  async #startKeyed(
    record: QueuedRun,
    input: StartRunInput,
    options: { queue?: boolean },
    counted: WaitingRun,
  ): Promise<StartedRun> {
    const runId = record._id;
    record.startedAt = new Date();
    if (!(await this.#runs.enqueue(record))) return { runId, duplicate: true };
    if (options.queue === true) this.starter.kick(record);
    // A repeated delivery whose first run left the queue between the checks and the enqueue (see `start`).
    if (input.dedupeRunId !== undefined && (await this.#runs.findById(input.workspaceId, runId)) !== null) {
      if (options.queue !== true) this.starter.kick(record);
      return { runId, duplicate: true };
    }
    this.#waiting?.accepted(counted);
    if (options.queue === true) return { runId };
    return (await this.starter.startNow(record)) === 'queued' ? { runId, queued: true } : { runId };
  }

  /** Read in the order a run moves (held → queue → index; written to the next before it leaves one): never missed. */
  async #findKnown(workspaceId: string, runId: string): Promise<RunRecord | null> {
    return (
      (await this.#held?.findById(workspaceId, runId)) ??
      (await this.#runs.findQueuedById(workspaceId, runId)) ??
      (await this.#runs.findById(workspaceId, runId))
    );
  }

  /**
   * Moves a flow's held runs into the run queue, oldest first, keeping their accept times (so their order, and their
   * place before runs accepted since).  Each batch is queued before it leaves the hold: a crash midway leaves a run in
   * both, and the next release queues it again — one run id, one run (run-starter.ts).  Returns how many moved.
   */
  async releaseHeld(workspaceId: string, flowId: string): Promise<number> {
    const held = this.#held;
    if (!held) return 0;
    let moved = 0;
    for (;;) {
      const batch = await held.oldest(workspaceId, flowId, 100);
      if (batch.length === 0) break;
      await this.#runs.requeue(batch);
      await held.remove(batch.map((run) => run._id));
      // Held runs wait on their flow's resume, not for a worker: they count as waiting from here.
      for (const run of batch) {
        const acceptedAt = acceptedAtOf(run);
        if (acceptedAt !== undefined) this.#waiting?.accepted({ workspaceId, flowId, acceptedAt });
      }
      moved += batch.length;
    }
    if (moved > 0) this.starter.kick();
    return moved;
  }

  /** Held runs of paused flows (listed as queued: accepted, not started), then queued ones; read in that order. */
  async #listNotStarted(workspaceId: string, filter: { flowId?: string | undefined; limit: number }) {
    const held = (await this.#held?.listForRuns(workspaceId, filter)) ?? [];
    const queued = await this.#runs.listQueued(workspaceId, filter);
    const seen = new Set(queued.map((record) => record._id));
    return [...held.filter((record) => !seen.has(record._id)), ...queued];
  }

  heldCount(workspaceId: string, flowId: string): Promise<number> {
    return this.#held?.countForFlow(workspaceId, flowId) ?? Promise.resolve(0);
  }

  /**
   * A page of the workspace's runs.  Filtered by no more than the flow: newest first from the runs index, queued runs
   * among them on the first page.  Filtered by status, version, trigger, time or key: from Temporal's visibility
   * store (runs-search.ts).  `nextCursor` continues either.
   */
  async list(workspaceId: string, query: ListRunsQuery): Promise<RunsPage> {
    if (!isIndexListing(query)) return searchRuns({ client: this.#client, runs: this.#runs }, workspaceId, query);
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 'index');
    const after = cursor?.kind === 'index' ? { startedAt: new Date(cursor.startedAt), id: cursor.id } : undefined;
    const filter = { flowId: query.flowId, limit: query.limit };
    if (after === undefined)
      await recordScheduledRuns({ client: this.#client, runs: this.#runs }, { workspaceId, ...filter });
    // Queued first (read first: a run leaving the queue meanwhile is in the index by then), newest first; queued
    // runs only on the first page (they are the newest).
    const queued = after === undefined ? await this.#listNotStarted(workspaceId, filter) : [];
    const indexed = await this.#runs.list(workspaceId, { ...filter, after, limit: query.limit + 1 });
    const seen = new Set(queued.map((record) => record._id));
    const records = [...queued, ...indexed.filter((record) => !seen.has(record._id))]
      .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() || a._id.localeCompare(b._id))
      .slice(0, query.limit);
    // The next page starts after the last indexed run of this one (queued runs filled it: at the index's start),
    // if the index holds more.
    const lastIndexed = records.findLast((record) => record.queued !== true);
    const listedIndexed = records.length - records.filter((record) => record.queued === true).length;
    const more = indexed.filter((record) => !seen.has(record._id)).length > listedIndexed;
    const nextCursor = more
      ? encodeCursor(
          lastIndexed
            ? { kind: 'index', startedAt: lastIndexed.startedAt.toISOString(), id: lastIndexed._id }
            : { kind: 'index', startedAt: INDEX_START, id: '' },
        )
      : null;
    const items = await Promise.all(
      records.map(async (record) => {
        const { status, endedAt, durationMs } =
          notOnTemporal(record) ?? (await this.#describe(this.#client.workflow.getHandle(record._id), record));
        return { ...toSummaryBase(record), status, endedAt, durationMs };
      }),
    );
    return { items, nextCursor };
  }

  async load(workspaceId: string, id: string): Promise<LoadedRun> {
    const record =
      (await this.#held?.findById(workspaceId, id)) ??
      (await this.#runs.findQueuedById(workspaceId, id)) ??
      (await this.#runs.findById(workspaceId, id)) ??
      (await adoptScheduledRun({ client: this.#client, runs: this.#runs }, workspaceId, id));
    if (!record) throw notFound('Run', id);
    if (record.documentJson !== undefined) return { record, document: parseDocument(record.documentJson) };
    const version = await this.#versions.find(workspaceId, record.flowId, record.version);
    return { record, document: version ? parseDocument(version.documentJson) : null };
  }

  /**
   * A failed run's index record and final state (the details of its Temporal failure), for a retry from the failed
   * step; the state is undefined when the run did not fail on a node (it was refused at start, terminated…).
   */
  async readFailed(workspaceId: string, id: string): Promise<{ record: RunRecord; state?: ParsedRunState }> {
    const { record } = await this.load(workspaceId, id);
    if (notOnTemporal(record)) return { record };
    const handle = this.#client.workflow.getHandle(record._id);
    const { status } = await this.#describe(handle);
    if (status !== 'failed') return { record };
    const { state } = await this.#readOutcome(handle, status);
    return state === undefined ? { record } : { record, state };
  }

  async get(workspaceId: string, id: string): Promise<RunDetail> {
    return this.readDetail(await this.load(workspaceId, id));
  }

  /** The run as it is now: status from Temporal, node states from the `state` query or the closed run's outcome. */
  async readDetail(run: LoadedRun): Promise<RunDetail> {
    // A run seen queued may have been started since (a stream reads the same LoadedRun again and again).
    if (run.record.queued === true) {
      const { workspaceId, _id } = run.record;
      run.record =
        (await this.#held?.findById(workspaceId, _id)) ??
        (await this.#runs.findQueuedById(workspaceId, _id)) ??
        (await this.#runs.findById(workspaceId, _id)) ??
        run.record;
    }
    const before = notOnTemporal(run.record);
    if (before) {
      const error = run.record.startError === undefined ? null : { nodeId: '', message: run.record.startError };
      return { ...toSummaryBase(run.record), ...before, nodes: {}, error, document: run.document };
    }
    const handle = this.#client.workflow.getHandle(run.record._id);
    const { stuckReason, timeoutMs, ...view } = await this.#describe(handle, run.record);
    if (view.status === 'queued')
      return { ...toSummaryBase(run.record), ...view, nodes: {}, error: null, document: run.document };
    const outcome = await this.#readOutcome(handle, view.status);
    let error = outcome.state?.error ?? outcome.error ?? null;
    if (stuckReason !== undefined) error = { nodeId: '', message: stuckReason };
    if (view.status === 'timed_out' && timeoutMs !== undefined) {
      error = { nodeId: '', message: runTimeoutMessage(timeoutMs) };
    }
    return {
      ...toSummaryBase(run.record),
      ...view,
      nodes: outcome.state ? await this.#withResumeUrls(run, toNodeViews(outcome.state)) : {},
      error,
      document: run.document,
    };
  }

  /** Each node waiting for an event gets the signed link that resumes it (not an approval: only approvers decide). */
  async #withResumeUrls(run: LoadedRun, views: Record<string, RunNodeView>): Promise<Record<string, RunNodeView>> {
    const links = this.#resumeLinks;
    if (!links) return views;
    const runId = run.record._id;
    const approvals = new Set<string>(
      (run.document?.nodes ?? []).filter((node) => node.config.mode === 'approval').map((node) => node.id),
    );
    for (const [nodeId, view] of Object.entries(views)) {
      if (view.status === 'waiting' && view.waitingFor !== undefined && !approvals.has(nodeId)) {
        view.resumeUrl = await links.urlForWaitingNode(runId, nodeId, Date.now());
      }
    }
    return views;
  }

  /** `record`: a keyed run that Temporal does not know yet is waiting in its key's line: `queued`, not gone. */
  async #describe(handle: WorkflowHandle, record?: RunRecord): Promise<Described> {
    try {
      const description = await this.#client.connection.withDeadline(Date.now() + READ_DEADLINE_MS, () =>
        handle.describe(),
      );
      const status = STATUS_BY_TEMPORAL[description.status.name] ?? 'running';
      const closed = description.closeTime;
      const view: Described = {
        status,
        endedAt: closed ? closed.toISOString() : null,
        durationMs: closed ? closed.getTime() - description.startTime.getTime() : null,
      };
      const timeout = description.raw.executionConfig?.workflowExecutionTimeout;
      const timeoutMs = timeout ? Number(timeout.seconds ?? 0) * 1000 + Math.round((timeout.nanos ?? 0) / 1e6) : 0;
      if (timeoutMs > 0) view.timeoutMs = timeoutMs;
      const attempt = description.raw.pendingWorkflowTask?.attempt ?? 0;
      if (status === 'running' && attempt >= STUCK_AFTER_ATTEMPTS) {
        view.status = 'stuck';
        view.stuckReason = await this.#stuckReason(handle.workflowId, attempt);
      }
      return view;
    } catch (error) {
      // Temporal no longer knows the run (retention expired, or a throwaway dev server was reset).
      if (error instanceof WorkflowNotFoundError) {
        const waitingInLine = record?.keyCoordinator !== undefined;
        return { status: waitingInLine ? 'queued' : 'terminated', endedAt: null, durationMs: null };
      }
      throw error;
    }
  }

  /**
   * Why a run's workflow task keeps failing: the newest WorkflowTaskFailed (or TimedOut) event of its history.
   * Temporal records only the first failure of a series; later attempts are counted in `pendingWorkflowTask`.
   */
  async #stuckReason(workflowId: string, attempt: number): Promise<string> {
    const prefix = `The run is stuck: its workflow task has failed ${attempt - 1} time${attempt === 2 ? '' : 's'} and is retried`;
    try {
      const { history } = await this.#client.workflowService.getWorkflowExecutionHistoryReverse({
        namespace: this.#client.options.namespace,
        execution: { workflowId },
        maximumPageSize: STUCK_HISTORY_EVENTS,
      });
      for (const event of history?.events ?? []) {
        const failed = event.workflowTaskFailedEventAttributes;
        if (failed) {
          const nonDeterministic = Number(failed.cause) === NON_DETERMINISTIC_CAUSE;
          const message = failed.failure?.message ?? 'no message';
          return `${prefix}${nonDeterministic ? ' (non-determinism: the worker runs code this run was not started with)' : ''}: ${message}`;
        }
        if (event.workflowTaskTimedOutEventAttributes)
          return `${prefix}: the workflow task timed out (a worker crashed or stalled while running it)`;
      }
    } catch {
      // The reason is a courtesy; the status alone is still right.
    }
    return `${prefix}.`;
  }

  async #readOutcome(
    handle: WorkflowHandle,
    status: RunStatusValue,
  ): Promise<{ state?: ParsedRunState | undefined; error?: { nodeId: string; message: string } }> {
    if (status === 'running') {
      try {
        const state = await this.#client.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
          handle.query(stateQuery),
        );
        return { state: asRunState(state) };
      } catch {
        // No worker has picked the run up yet (or it is between tasks): report it running with no node states.
        return {};
      }
    }
    if (status === 'succeeded') return { state: asRunState(await handle.result()) };
    if (status === 'failed') {
      try {
        await handle.result();
      } catch (error) {
        if (error instanceof WorkflowFailedError) {
          const cause = error.cause;
          if (cause instanceof ApplicationFailure && cause.type === FLOW_RUN_FAILED) {
            const state = asRunState(cause.details?.[0]);
            if (state) return { state };
          }
          return { error: { nodeId: '', message: cause?.message ?? error.message } };
        }
        throw error;
      }
    }
    if (status === 'stuck') return {};
    return { error: { nodeId: '', message: `The run was ${status.replace('_', ' ')}` } };
  }
}
