import type { RunAttemptView, RunHistoryRow } from '@pipewright/api-contract';
import { defineOwn } from '@pipewright/step-sdk';
import {
  asNumber,
  asRecord,
  asString,
  durationMs,
  type EarlierAttemptRecord,
  eventKind,
  type FailureSummary,
  type HistoryEvent,
  payloadBytes,
  payloadsOf,
  smallJson,
  stepActivityInput,
  stepResultTiming,
  summarizeFailure,
  timeMs,
} from './history-fields.ts';

/** Temporal's marker for a local activity's outcome (core SDK). */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';
/** The activities that run a node's step (step-host run-step.ts). */
const STEP_ACTIVITIES = new Set(['runStep', 'evaluateNode']);

/** What one scheduled activity was, remembered until its later events arrive. */
interface ScheduledActivity {
  type: string;
  nodeId?: string | undefined;
  attemptsBefore: number;
  scheduledAt: number;
  startedAt?: number;
  attempt?: number;
}

export interface MappedHistory {
  rows: RunHistoryRow[];
  attempts: Record<string, RunAttemptView[]>;
}

/**
 * A run's history in words, and every attempt of its steps.  Pure: the events come from the caller.  Payloads are
 * never shown — their sizes are — and failure messages are the ones the worker already scrubbed of secrets.
 */
export function mapRunHistory(events: readonly HistoryEvent[]): MappedHistory {
  const mapper = new HistoryMapper();
  for (const event of events) mapper.add(event);
  return { rows: mapper.rows, attempts: mapper.attemptsByNode() };
}

class HistoryMapper {
  readonly rows: RunHistoryRow[] = [];
  readonly #attempts = new Map<string, Map<number, RunAttemptView>>();
  readonly #activities = new Map<number, ScheduledActivity>();
  readonly #timers = new Map<number, number>();
  readonly #workflowTasks = new Map<number, number>();
  readonly #children = new Map<number, { workflowId: string; at: number }>();
  #runStartedAt: number | undefined;
  /** The last local attempt that failed without naming its node (runs of workers before the stamp). */
  #unattributedLocalFailure: RunAttemptView | undefined;

  add(event: HistoryEvent): void {
    const { type, attributes: a } = eventKind(event);
    const eventId = asNumber(event.eventId) ?? 0;
    const at = timeMs(event.eventTime) ?? 0;
    const row: RunHistoryRow = { eventId, time: new Date(at).toISOString(), type, text: words(type) };
    if (this.#describe(row, type, a, eventId, at) === false) return;
    this.rows.push(row);
  }

  /** Fills the row's text; false: the event is bookkeeping the run view leaves out. */
  #describe(
    row: RunHistoryRow,
    type: string,
    a: Record<string, unknown>,
    eventId: number,
    at: number,
  ): false | undefined {
    switch (type) {
      case 'WorkflowExecutionStarted':
        this.#runStartedAt = at;
        row.text = `Run started (input ${sizeText(payloadBytes(a.input))})`;
        sized(row, a.input);
        return;
      case 'WorkflowTaskScheduled':
        return false;
      case 'WorkflowTaskStarted':
        this.#workflowTasks.set(asNumber(a.scheduledEventId) ?? 0, at);
        return false;
      case 'WorkflowTaskCompleted': {
        const started = this.#workflowTasks.get(asNumber(a.scheduledEventId) ?? 0);
        row.text = 'Workflow task completed';
        if (started !== undefined) took(row, at - started);
        return;
      }
      case 'WorkflowTaskFailed':
        row.failed = true;
        row.text = `Workflow task failed: ${summarizeFailure(a.failure)?.message ?? 'no message'}`;
        return;
      case 'WorkflowTaskTimedOut':
        row.failed = true;
        row.text = 'Workflow task timed out (a worker stopped or stalled while running it)';
        return;
      case 'MarkerRecorded':
        this.#marker(row, a, at);
        return;
      case 'ActivityTaskScheduled':
        this.#activityScheduled(row, a, eventId, at);
        return;
      case 'ActivityTaskStarted':
        this.#activityStarted(row, a, at);
        return;
      case 'ActivityTaskCompleted':
      case 'ActivityTaskFailed':
      case 'ActivityTaskTimedOut':
      case 'ActivityTaskCanceled':
        this.#activityEnded(row, type, a, at);
        return;
      case 'ActivityTaskCancelRequested':
        row.text = `${this.#activityLabel(asNumber(a.scheduledEventId))} cancel requested`;
        return;
      case 'TimerStarted': {
        this.#timers.set(eventId, at);
        const ms = durationMs(a.startToFireTimeout);
        row.text = `Timer ${ms === undefined ? '' : `${durationText(ms)} `}started`;
        return;
      }
      case 'TimerFired':
      case 'TimerCanceled': {
        const started = this.#timers.get(asNumber(a.startedEventId) ?? 0);
        row.text = type === 'TimerFired' ? 'Timer fired' : 'Timer cancelled';
        if (started !== undefined) took(row, at - started);
        return;
      }
      case 'WorkflowExecutionSignaled':
        row.text = `Signal ${asString(a.signalName) ?? '?'} received (${sizeText(payloadBytes(a.input))})`;
        sized(row, a.input);
        return;
      case 'WorkflowExecutionUpdateAccepted': {
        const name = asString(asRecord(asRecord(a.acceptedRequest)?.input)?.name);
        row.text = name === undefined ? 'Update accepted' : `Update ${name} accepted`;
        return;
      }
      case 'WorkflowExecutionUpdateCompleted':
        row.text = 'Update completed';
        return;
      case 'StartChildWorkflowExecutionInitiated': {
        const workflowId = asString(a.workflowId) ?? '?';
        this.#children.set(eventId, { workflowId, at });
        row.text = `Child flow ${workflowId} starting (input ${sizeText(payloadBytes(a.input))})`;
        sized(row, a.input);
        return;
      }
      case 'ChildWorkflowExecutionStarted':
      case 'ChildWorkflowExecutionCompleted':
      case 'ChildWorkflowExecutionFailed':
      case 'ChildWorkflowExecutionTimedOut':
      case 'ChildWorkflowExecutionCanceled':
      case 'ChildWorkflowExecutionTerminated':
      case 'StartChildWorkflowExecutionFailed':
        this.#child(row, type, a, at);
        return;
      case 'UpsertWorkflowSearchAttributes':
        row.text = 'Search attributes updated';
        return;
      case 'WorkflowExecutionCompleted':
        row.text = `Run completed (result ${sizeText(payloadBytes(a.result))})`;
        this.#runTook(row, at);
        sized(row, a.result);
        return;
      case 'WorkflowExecutionFailed':
        row.failed = true;
        row.text = `Run failed: ${summarizeFailure(a.failure)?.message ?? 'no message'}`;
        this.#runTook(row, at);
        return;
      case 'WorkflowExecutionTimedOut':
        row.failed = true;
        row.text = 'Run timed out';
        this.#runTook(row, at);
        return;
      case 'WorkflowExecutionTerminated':
        row.failed = true;
        row.text = `Run terminated${asString(a.reason) ? `: ${asString(a.reason)}` : ''}`;
        this.#runTook(row, at);
        return;
      case 'WorkflowExecutionCanceled':
        row.text = 'Run cancelled';
        this.#runTook(row, at);
        return;
      case 'WorkflowExecutionCancelRequested':
        row.text = 'Cancellation requested';
        return;
      case 'WorkflowExecutionContinuedAsNew':
        row.text = 'Run continued as new';
        return;
      default:
        return;
    }
  }

  #runTook(row: RunHistoryRow, at: number): void {
    if (this.#runStartedAt !== undefined) took(row, at - this.#runStartedAt);
  }

  /** A local activity: a step's first attempt, run inside the workflow task (docs/adr/009). */
  #marker(row: RunHistoryRow, a: Record<string, unknown>, at: number): void {
    const name = asString(a.markerName) ?? '?';
    const details = asRecord(a.details) ?? {};
    if (name !== LOCAL_ACTIVITY_MARKER) {
      row.text = `Marker ${name} recorded`;
      return;
    }
    const data = asRecord(smallJson(payloadsOf(details.data)[0]));
    const activityType = asString(data?.activity_type) ?? 'activity';
    const failure = summarizeFailure(a.failure);
    const timing = failure ?? stepResultTiming(details.result);
    const nodeId = timing.nodeId;
    const isStep = STEP_ACTIVITIES.has(activityType);
    const attempt = failure?.attempt ?? asNumber(data?.attempt) ?? 1;
    const label = isStep ? stepLabel(nodeId) : `Activity ${activityType}`;
    if (nodeId !== undefined) row.nodeId = nodeId;
    if (isStep) row.attempt = attempt;
    if (timing.durationMs !== undefined) took(row, timing.durationMs);
    if (failure) {
      row.failed = true;
      row.text = `${label} ran locally (attempt ${attempt}) and failed: ${failure.message}`;
    } else {
      row.text = `${label} ran locally (attempt ${attempt})`;
      sized(row, details.result);
    }
    if (!isStep) return;
    const view: RunAttemptView = { attempt, outcome: failure ? 'failed' : 'succeeded', local: true };
    const startedAt = timing.startedAt ?? (timing.durationMs === undefined ? undefined : at - timing.durationMs);
    if (startedAt !== undefined) view.startedAt = new Date(startedAt).toISOString();
    if (timing.durationMs !== undefined) view.durationMs = timing.durationMs;
    if (failure) view.error = errorOf(failure);
    if (nodeId !== undefined) this.#record(nodeId, view);
    // A worker older than the node stamp: the retry it is followed by names the node (#activityScheduled).
    else if (failure) this.#unattributedLocalFailure = view;
  }

  #activityScheduled(row: RunHistoryRow, a: Record<string, unknown>, eventId: number, at: number): void {
    const type = asString(asRecord(a.activityType)?.name) ?? '?';
    const scheduled: ScheduledActivity = { type, attemptsBefore: 0, scheduledAt: at };
    if (STEP_ACTIVITIES.has(type)) Object.assign(scheduled, stepActivityInput(a.input));
    this.#activities.set(eventId, scheduled);
    if (scheduled.nodeId !== undefined) row.nodeId = scheduled.nodeId;
    const local = this.#unattributedLocalFailure;
    if (local && scheduled.nodeId !== undefined && scheduled.attemptsBefore === local.attempt) {
      this.#record(scheduled.nodeId, local);
      this.#unattributedLocalFailure = undefined;
    }
    const label = this.#activityLabel(eventId);
    row.text = `${label} scheduled (input ${sizeText(payloadBytes(a.input))})`;
    sized(row, a.input);
  }

  #activityStarted(row: RunHistoryRow, a: Record<string, unknown>, at: number): void {
    const scheduled = this.#activities.get(asNumber(a.scheduledEventId) ?? 0);
    const activityAttempt = asNumber(a.attempt) ?? 1;
    const attempt = (scheduled?.attemptsBefore ?? 0) + activityAttempt;
    if (scheduled) Object.assign(scheduled, { startedAt: at, attempt });
    const label = this.#activityLabel(asNumber(a.scheduledEventId));
    if (scheduled?.nodeId !== undefined) row.nodeId = scheduled.nodeId;
    row.attempt = attempt;
    const lastFailure = summarizeFailure(a.lastFailure);
    row.text = `${label} started (attempt ${attempt})`;
    if (lastFailure) row.text += ` after attempt ${attempt - 1} failed: ${lastFailure.message}`;
    const nodeId = scheduled?.nodeId;
    if (nodeId === undefined || !scheduled || !STEP_ACTIVITIES.has(scheduled.type)) return;
    // Temporal keeps a retried activity's last failure only: the attempts before it are known by number alone.
    const first = scheduled.attemptsBefore + 1;
    for (let earlier = first; earlier < attempt - 1; earlier++) {
      this.#record(nodeId, { attempt: earlier, outcome: 'failed', kept: false });
    }
    this.#recordTrail(nodeId, lastFailure?.earlier);
    if (lastFailure && attempt - 1 >= first) {
      const view: RunAttemptView = { attempt: attempt - 1, outcome: 'failed', error: errorOf(lastFailure) };
      if (lastFailure.startedAt !== undefined) view.startedAt = new Date(lastFailure.startedAt).toISOString();
      if (lastFailure.durationMs !== undefined) view.durationMs = lastFailure.durationMs;
      this.#record(nodeId, view);
    }
    this.#record(nodeId, { attempt, outcome: 'running', startedAt: new Date(at).toISOString() });
  }

  #activityEnded(row: RunHistoryRow, type: string, a: Record<string, unknown>, at: number): void {
    const scheduled = this.#activities.get(asNumber(a.scheduledEventId) ?? 0);
    const label = this.#activityLabel(asNumber(a.scheduledEventId));
    const attempt = scheduled?.attempt;
    if (scheduled?.nodeId !== undefined) row.nodeId = scheduled.nodeId;
    if (attempt !== undefined) row.attempt = attempt;
    const ms = scheduled?.startedAt === undefined ? undefined : at - scheduled.startedAt;
    if (ms !== undefined) took(row, ms);
    const onAttempt = attempt === undefined ? '' : ` (attempt ${attempt})`;
    let failure: FailureSummary | undefined;
    if (type === 'ActivityTaskCompleted') {
      row.text = `${label} completed${onAttempt}, result ${sizeText(payloadBytes(a.result))}`;
      sized(row, a.result);
    } else if (type === 'ActivityTaskFailed') {
      failure = summarizeFailure(a.failure) ?? { message: 'no message', retryable: false };
      row.text = `${label} failed${onAttempt}: ${failure.message}`;
    } else if (type === 'ActivityTaskTimedOut') {
      failure = summarizeFailure(a.failure) ?? { message: 'timed out', retryable: true };
      row.text = `${label} timed out${onAttempt}: ${failure.message}`;
    } else {
      failure = { message: 'cancelled', retryable: false };
      row.text = `${label} cancelled${onAttempt}`;
    }
    if (failure) row.failed = true;
    const nodeId = scheduled?.nodeId;
    if (nodeId === undefined || attempt === undefined || !STEP_ACTIVITIES.has(scheduled?.type ?? '')) return;
    this.#recordTrail(nodeId, failure ? failure.earlier : stepResultTiming(a.result).earlier);
    const view: RunAttemptView = { attempt, outcome: failure ? 'failed' : 'succeeded' };
    if (scheduled?.startedAt !== undefined) view.startedAt = new Date(scheduled.startedAt).toISOString();
    if (ms !== undefined) view.durationMs = ms;
    if (failure) view.error = errorOf(failure);
    this.#record(nodeId, view);
  }

  #child(row: RunHistoryRow, type: string, a: Record<string, unknown>, at: number): void {
    const child = this.#children.get(asNumber(a.initiatedEventId) ?? 0);
    const name = `Child flow ${child?.workflowId ?? asString(asRecord(a.workflowExecution)?.workflowId) ?? '?'}`;
    const verb = words(type.replace('ChildWorkflowExecution', '').replace('StartChildWorkflowExecution', 'Start'));
    if (type === 'ChildWorkflowExecutionStarted') {
      row.text = `${name} started`;
      return;
    }
    if (child) took(row, at - child.at);
    if (type === 'ChildWorkflowExecutionCompleted') {
      row.text = `${name} completed (result ${sizeText(payloadBytes(a.result))})`;
      sized(row, a.result);
      return;
    }
    row.failed = true;
    const failure = summarizeFailure(a.failure);
    row.text = `${name} ${verb.toLowerCase()}${failure ? `: ${failure.message}` : ''}`;
  }

  #activityLabel(scheduledEventId: number | undefined): string {
    const scheduled = this.#activities.get(scheduledEventId ?? 0);
    if (!scheduled) return 'Activity';
    return STEP_ACTIVITIES.has(scheduled.type) ? stepLabel(scheduled.nodeId) : `Activity ${scheduled.type}`;
  }

  /** The failed attempts a later attempt of the same activity carried: they fill what Temporal did not keep. */
  #recordTrail(nodeId: string, earlier: readonly EarlierAttemptRecord[] | undefined): void {
    for (const record of earlier ?? []) {
      this.#record(nodeId, {
        attempt: record.attempt,
        outcome: 'failed',
        startedAt: new Date(record.startedAt).toISOString(),
        durationMs: record.durationMs,
        error: errorOf(record),
      });
    }
  }

  #record(nodeId: string, view: RunAttemptView): void {
    let byAttempt = this.#attempts.get(nodeId);
    if (!byAttempt) {
      byAttempt = new Map();
      this.#attempts.set(nodeId, byAttempt);
    }
    byAttempt.set(view.attempt, view);
  }

  attemptsByNode(): Record<string, RunAttemptView[]> {
    const result: Record<string, RunAttemptView[]> = {};
    for (const [nodeId, byAttempt] of this.#attempts) {
      defineOwn(
        result,
        nodeId,
        [...byAttempt.values()].sort((x, y) => x.attempt - y.attempt),
      );
    }
    return result;
  }
}

const stepLabel = (nodeId: string | undefined): string => (nodeId === undefined ? 'A step' : `Step ${nodeId}`);

function errorOf(
  failure: Pick<FailureSummary, 'message' | 'type' | 'retryable'>,
): NonNullable<RunAttemptView['error']> {
  return failure.type === undefined
    ? { message: failure.message, retryable: failure.retryable }
    : { message: failure.message, type: failure.type, retryable: failure.retryable };
}

function took(row: RunHistoryRow, ms: number): void {
  if (ms >= 0) row.durationMs = ms;
}

function sized(row: RunHistoryRow, payloads: unknown): void {
  const bytes = payloadBytes(payloads);
  if (bytes > 0) row.bytes = bytes;
}

/** `ActivityTaskStarted` → `Activity task started`. */
export function words(type: string): string {
  const spaced = type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function durationText(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))} s`;
  if (ms < 3_600_000) return `${Number((ms / 60_000).toFixed(1))} min`;
  return `${Number((ms / 3_600_000).toFixed(1))} h`;
}

/** A page of rows after event id `after`; `nextAfter` continues it, null at the end. */
export function pageRows(
  rows: readonly RunHistoryRow[],
  after: number,
  limit: number,
): { events: RunHistoryRow[]; nextAfter: number | null } {
  const rest = rows.filter((row) => row.eventId > after);
  const events = rest.slice(0, limit);
  const last = events.at(-1);
  return { events, nextAfter: rest.length > limit && last ? last.eventId : null };
}
