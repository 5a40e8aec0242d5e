import {
  DEFAULT_FAIRNESS_WEIGHT,
  FLOW_ID,
  FLOW_VERSION,
  KEY_COORDINATOR_WORKFLOW,
  type KeyCoordinatorInput,
  type KeyedRun,
  keyedRunSignal,
  LANE_PRIORITY_KEY,
  RUN_FLOW_WORKFLOW,
  RUN_TRIGGER,
  type RunFlowInput,
  type runStartOptions,
  WORKSPACE_ID,
} from '@pipewright/run-contract';
import { outsideAnyTrace, withTraceParent } from '@pipewright/tracing';
import { type Client, isGrpcServiceError, ServiceError } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { DEFAULT_PRIORITY_KEY, type FairItem, FairQueue } from '../fairness/fair-queue.ts';
import type { QueuedRun, RunRecord, RunsRepository } from './runs.repository.ts';

interface WaitingRun extends FairItem {
  record: QueuedRun;
}

export interface RunStarterOptions {
  runs: RunsRepository;
  temporal: Client;
  taskQueue: string;
  /** Start options of every run (runs.service.ts `runStartOptions`). */
  startOptions: (args: RunFlowInput) => ReturnType<typeof runStartOptions>;
  log: (message: string, error: unknown) => void;
  /** How often the queue is looked at without being told (runs another server queued, a restart, an outage). */
  sweepMs?: number;
  /** Starts in flight at once. */
  concurrency?: number;
  /**
   * How long one start may take before it counts as "Temporal unreachable" and the run stays queued (the client's
   * own retries would otherwise hold a waiting caller for a minute).  A start that did land meanwhile is refused as
   * a duplicate on the next try, which counts as started.
   */
  startDeadlineMs?: number;
  /** Told of each run whose start failed for good (it is indexed as failed and will never begin). */
  onNeverStarted?: (record: QueuedRun) => void;
}

export type StartOutcome = 'started' | 'queued' | 'failed';

const BATCH = 100;
/** gRPC codes that say the start itself is wrong (too large, malformed): trying again cannot help. */
const PERMANENT_CODES = new Set([3 /* INVALID_ARGUMENT */, 9 /* FAILED_PRECONDITION */]);

/**
 * Drains the run queue into Temporal.  A run is written to the queue first, with its start arguments (the durable
 * accept: its sender may get a 202 at once); the starter then starts it with the run id as workflow id and
 * REJECT_DUPLICATE, writes its index record, and takes it out of the queue.  Whatever dies in between, no run is
 * lost (a queued run is started by the next sweep, of this server or another) and none runs twice (a second start
 * of the same id is refused, and counts as started).  While Temporal is unreachable, runs wait in the queue and
 * show as `queued`.
 */
export class RunStarter {
  readonly #options: Required<Omit<RunStarterOptions, 'onNeverStarted'>> & Pick<RunStarterOptions, 'onNeverStarted'>;
  readonly #inFlight = new Map<string, Promise<StartOutcome>>();
  /** Per business key coordinator: the last hand-over of a run of that key, which the next one waits for. */
  readonly #keyLines = new Map<string, Promise<StartOutcome>>();
  #draining: Promise<void> | undefined;
  #again = false;
  /**
   * Runs waiting to be started by this server: those it accepted (started without reading the queue back) and those
   * a sweep read, handed out by lane and fair share (fairness/fair-queue.ts).
   */
  readonly #waiting = new FairQueue<WaitingRun>();
  /** Start arguments parsed once per run, when it joins `#waiting` (the start uses them again). */
  readonly #args = new WeakMap<QueuedRun, RunFlowInput>();
  /** The queue itself must be read: a sweep, or a kick without a record. */
  #sweepWanted = false;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: RunStarterOptions) {
    this.#options = { sweepMs: 1_000, concurrency: 16, startDeadlineMs: 3_000, ...options };
  }

  /** Sweeps the queue every `sweepMs` from now on (and once at once). */
  startSweeping(): void {
    this.#timer ??= setInterval(() => this.kick(), this.#options.sweepMs);
    this.#timer.unref();
    this.kick();
  }

  stopSweeping(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Something was queued: drain soon (one drain at a time; a kick during one makes it go round again).  `accepted`:
   * the run this server just queued, started from memory; without it the queue is read (a sweep).
   */
  kick(accepted?: QueuedRun): void {
    if (accepted) this.#wait(accepted);
    else this.#sweepWanted = true;
    if (this.#draining) {
      this.#again = true;
      return;
    }
    // The drain serves every request's runs: each start continues its own run's trace (withTraceParent below).
    this.#draining = outsideAnyTrace(() => this.#drain()).finally(() => {
      this.#draining = undefined;
    });
  }

  /** Starts one queued run now (a caller that answers with the started run); never two starts of one run at once. */
  startNow(record: QueuedRun): Promise<StartOutcome> {
    let started = this.#inFlight.get(record._id);
    if (!started) {
      started = this.#inKeyLine(record).finally(() => this.#inFlight.delete(record._id));
      this.#inFlight.set(record._id, started);
    }
    return started;
  }

  /**
   * A run with a business key is handed to its coordinator only after the previous run of that key this server
   * handed over (docs/adr/014): so they reach the coordinator in the order they were started here — the drain's lanes
   * and waiting callers would otherwise race.  When the previous one could not be handed over (Temporal unreachable),
   * this one stays queued too, and the next sweep hands both over in queue order.
   */
  #inKeyLine(record: QueuedRun): Promise<StartOutcome> {
    const key = record.keyCoordinator;
    if (key === undefined) return this.#start(record);
    const previous = this.#keyLines.get(key);
    const mine = previous
      ? previous.then(
          (outcome) => (outcome === 'queued' ? outcome : this.#start(record)),
          () => this.#start(record),
        )
      : this.#start(record);
    this.#keyLines.set(key, mine);
    const forget = () => {
      if (this.#keyLines.get(key) === mine) this.#keyLines.delete(key);
    };
    mine.then(forget, forget);
    return mine;
  }

  /** Puts a run in line for a start, by its lane and workspace (a run in line already stays where it is). */
  #wait(record: QueuedRun): void {
    if (this.#waiting.has(record._id)) return;
    let args: RunFlowInput | undefined;
    try {
      args = JSON.parse(record.pendingStartJson) as RunFlowInput;
      this.#args.set(record, args);
    } catch {
      // Unreadable start arguments: its start fails as permanent, and says why (#startOnTemporal).
    }
    const priority = args?.run.priority;
    this.#waiting.add({
      id: record._id,
      // A business key's runs keep their arrival order whatever their lane: they share the events lane here.
      priorityKey:
        record.keyCoordinator === undefined
          ? (priority?.priorityKey ?? DEFAULT_PRIORITY_KEY)
          : LANE_PRIORITY_KEY.events,
      // A run without a Priority (lanes off, PIPEWRIGHT_FAIRNESS): one line for all, first in, first out.
      fairnessKey: priority?.fairnessKey ?? '',
      weight: priority?.fairnessWeight ?? DEFAULT_FAIRNESS_WEIGHT,
      record,
    });
  }

  async #drain(): Promise<void> {
    do {
      this.#again = false;
      if (this.#waiting.size === 0 && this.#sweepWanted) {
        // A run listed here and read back from the queue too is started once (startNow), or refused as a duplicate.
        this.#sweepWanted = false;
        let found: QueuedRun[];
        try {
          found = await this.#options.runs.findQueued(BATCH);
        } catch (error) {
          this.#options.log('could not read the queue of runs to start', error);
          return;
        }
        for (const record of found) this.#wait(record);
        if (found.length === BATCH) this.#sweepWanted = true;
      }
      // Nothing to start; a kick that came while the queue was read has set `#again`.
      if (this.#waiting.size === 0) continue;
      let unreachable = false;
      // Each lane takes the next run in line when it is free: a run accepted meanwhile is in line at once.
      const lane = async () => {
        while (!unreachable) {
          const next = this.#waiting.take();
          if (next === undefined) return;
          if ((await this.startNow(next.record)) === 'queued') unreachable = true;
        }
      };
      await Promise.all(Array.from({ length: this.#options.concurrency }, lane));
      // Temporal is unreachable: the next sweep tries again (the queue holds every run), rather than hammering it now.
      if (unreachable) {
        this.#waiting.clear();
        this.#sweepWanted = true;
        return;
      }
      if (this.#waiting.size > 0 || this.#sweepWanted) this.#again = true;
    } while (this.#again);
  }

  /** A run that is not listed (a step test): started at once; any failure is the caller's. */
  async startWithoutRecord(record: QueuedRun): Promise<void> {
    const outcome = await this.#startOnTemporal(record);
    if (outcome !== 'started') throw outcome.error;
  }

  async #start(record: QueuedRun): Promise<StartOutcome> {
    const { log } = this.#options;
    const outcome = await this.#startOnTemporal(record);
    try {
      if (outcome === 'started') await this.#index(record);
      else if (outcome.permanent) {
        const { error } = outcome;
        await this.#index(
          record,
          `the run could not be started: ${error instanceof Error ? error.message : String(error)}`,
        );
        this.#options.onNeverStarted?.(record);
        return 'failed';
      } else {
        log(`run ${record._id} stays queued: Temporal did not take its start`, outcome.error);
        return 'queued';
      }
    } catch (error) {
      // The next sweep finds it queued still; its start is then refused as a duplicate and it leaves the queue.
      log(`run ${record._id}: could not record how its start went`, error);
      return 'queued';
    }
    return 'started';
  }

  /** Writes the run's index record (again, after a crash: idempotent), then takes it out of the queue. */
  async #index(queued: QueuedRun, startError?: string): Promise<void> {
    const { queued: _queued, pendingStartJson: _start, traceParent: _trace, ...record } = queued;
    const indexed: RunRecord = startError === undefined ? record : { ...record, startError };
    await this.#options.runs.indexAndDequeue(indexed);
  }

  async #startOnTemporal(record: QueuedRun): Promise<'started' | { error: unknown; permanent: boolean }> {
    const { temporal, taskQueue, startOptions, startDeadlineMs } = this.#options;
    try {
      const args = this.#args.get(record) ?? (JSON.parse(record.pendingStartJson) as RunFlowInput);
      const coordinator = record.keyCoordinator;
      if (coordinator !== undefined) {
        await withTraceParent(record.traceParent, () =>
          temporal.connection.withDeadline(Date.now() + startDeadlineMs, () =>
            this.#handToCoordinator(record, coordinator, args),
          ),
        );
        return 'started';
      }
      // Under the accepting request's span: the trace runs from the webhook through the workflow (when traced).
      await withTraceParent(record.traceParent, () =>
        temporal.connection.withDeadline(Date.now() + startDeadlineMs, () =>
          temporal.workflow.start(RUN_FLOW_WORKFLOW, {
            taskQueue,
            workflowId: record._id,
            // The run id is the run's only identity: a second start of it is a run already started.
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            ...startOptions(args),
            args: [args],
            typedSearchAttributes: [
              { key: WORKSPACE_ID, value: record.workspaceId },
              { key: FLOW_ID, value: record.flowId },
              { key: FLOW_VERSION, value: record.version },
              { key: RUN_TRIGGER, value: record.trigger },
            ],
          }),
        ),
      );
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) return { error, permanent: isPermanent(error) };
    }
    return 'started';
  }

  /**
   * Hands a keyed run to its key's coordinator (signal-with-start: started if it is not running).  Idempotent: the
   * coordinator ignores a run id it has seen, and a run id Temporal has already is never started again.
   */
  async #handToCoordinator(record: QueuedRun, coordinatorId: string, args: RunFlowInput): Promise<void> {
    const { temporal, taskQueue } = this.#options;
    const run: KeyedRun = {
      runId: record._id,
      whenRunning: args.plan.businessKey?.whenRunning ?? 'queue',
      // Flow settings → at most N runs at once (docs/adr/020): the flow's coordinator runs this many side by side.
      ...(args.plan.maxConcurrentRuns === undefined ? {} : { slots: args.plan.maxConcurrentRuns }),
      args,
      index: {
        workspaceId: record.workspaceId,
        flowId: record.flowId,
        version: record.version,
        trigger: record.trigger,
      },
    };
    const input: KeyCoordinatorInput = { pending: [], seen: [] };
    // No search attributes: the coordinator is no run, and must not be listed among them.
    await temporal.workflow.signalWithStart(KEY_COORDINATOR_WORKFLOW, {
      taskQueue,
      workflowId: coordinatorId,
      // The coordinator's own tasks go in the lane of the run that started it (it starts each run in that run's).
      ...(args.run.priority === undefined ? {} : { priority: args.run.priority }),
      args: [input],
      signal: keyedRunSignal,
      signalArgs: [run],
    });
  }
}

function isPermanent(error: unknown): boolean {
  const cause = error instanceof ServiceError ? error.cause : error;
  return isGrpcServiceError(cause) && PERMANENT_CODES.has(cause.code);
}
