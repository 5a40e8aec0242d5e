// Workflow code (deterministic): one active run per business key (docs/adr/014).
import {
  FLOW_ID,
  FLOW_RUN_FAILED,
  FLOW_VERSION,
  KEYED_EVENT_WORKFLOW,
  type KeyCoordinatorInput,
  type KeyedEventOutcome,
  type KeyedRun,
  keyedRunSignal,
  RUN_FLOW_WORKFLOW,
  RUN_TRIGGER,
  type RunState,
  resumeSignal,
  runStartOptions,
  stateQuery,
  WORKSPACE_ID,
} from '@pipewright/run-contract';
import { type SearchAttributePair, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ApplicationFailure,
  ChildWorkflowFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  ParentClosePolicy,
  setHandler,
  startChild,
  WorkflowIdReusePolicy,
  workflowInfo,
} from '@temporalio/workflow';

/** Run ids remembered across continue-as-new, to recognise a repeated delivery of a run handed over lately. */
const SEEN_KEPT = 1_000;
/** Runs (and dropped or joined events) one execution handles before it continues as new: its history stays small. */
const HANDLED_PER_EXECUTION = 200;

interface ActiveRun {
  runId: string;
  done: boolean;
}

/**
 * The coordinator of one business key (workflow id: `keyCoordinatorWorkflowId`), or of a flow with "at most N runs at
 * once" (`flowCoordinatorWorkflowId`, docs/adr/020), started or signalled by the server with signal-with-start, one
 * `keyedRun` signal per run.  It starts each run as a `runFlow` child whose workflow id is the run id, at most
 * `slots` at a time (a business key: one), in the order the signals arrived.  While a key's run runs, a newer event
 * waits in line (`queue`), is delivered to it as a `resume` signal (`signal`), or is dropped (`drop`); a dropped or
 * joined event's run id gets a `keyedEventOutcome` run that says so.  Ends when nothing is running or waiting; a
 * repeated delivery of a run id is ignored.  Runs are ABANDONed children: ending (or terminating) the coordinator
 * never ends a run.
 *
 * Replay: with one slot (every business key, and every history recorded before docs/adr/020) it issues the same
 * commands in the same order as the one-run-at-a-time coordinator it generalises.
 */
export async function runKeyCoordinator(input: KeyCoordinatorInput = { pending: [], seen: [] }): Promise<void> {
  const arrivals: KeyedRun[] = [...input.pending];
  const seen = new Set(input.seen);
  const line: KeyedRun[] = [];
  /** The runs started and not yet seen closed, oldest first; a closed one leaves in `advance`. */
  let running: ActiveRun[] = [];
  let handled = 0;
  const handledPerExecution = input.handledPerExecution ?? HANDLED_PER_EXECUTION;
  setHandler(keyedRunSignal, (run) => {
    arrivals.push(run);
  });
  const dueToContinue = (): boolean => handled >= handledPerExecution || workflowInfo().continueAsNewSuggested;
  /**
   * Whether `run` may start now.  Due to continue as new, no run starts beside another: the runs in flight close and
   * the execution continues as new carrying the line (with one slot that changes nothing: a run starts only when none
   * runs).
   */
  const mayStart = (run: KeyedRun): boolean =>
    running.length < slotsOf(run) && !(running.length > 0 && dueToContinue());

  /**
   * Closed runs leave; the next in line start while slots are free.  Called before each arrival is looked at, so an
   * event that came in the same workflow task as a run's end (signals are applied before a child's result), or while
   * an outcome was being recorded, is not dropped or joined to a run that has ended.
   */
  const advance = (): void => {
    if (!running.some((run) => run.done)) return;
    running = running.filter((run) => !run.done);
    for (let next = line[0]; next !== undefined && mayStart(next); next = line[0]) {
      line.shift();
      running.push(runInLine(next));
    }
  };

  for (;;) {
    if (running.length > 0 && running.every((run) => run.done)) {
      if (dueToContinue()) {
        // Between runs: nothing of this execution is in flight, so the line and the arrivals are all there is.
        const pending = [...line, ...arrivals];
        // Carried runs are not "seen" in the next execution, or it would skip them as repeats.
        const carried = new Set(pending.map((run) => run.runId));
        const recent = [...seen].filter((runId) => !carried.has(runId)).slice(-SEEN_KEPT);
        await continueAsNew<typeof runKeyCoordinator>({ ...input, pending, seen: recent });
      }
    }
    advance();
    // Invariant: a free slot means nobody in line (unless due to continue as new), so an arrival never overtakes a
    // run waiting in line.
    for (let run = arrivals.shift(); run !== undefined; run = arrivals.shift()) {
      if (seen.has(run.runId)) continue;
      seen.add(run.runId);
      handled += 1;
      advance();
      const active = running[0];
      if (line.length === 0 && mayStart(run)) running.push(runInLine(run));
      else if (run.whenRunning === 'queue' || active === undefined) line.push(run);
      else if (run.whenRunning === 'drop')
        await recordOutcome({ outcome: 'dropped', activeRunId: active.runId, args: run.args });
      else if (!(await joinActive(run, active.runId))) line.push(run);
    }
    if (running.length === 0) {
      // Nothing runs, so nobody is in line (a run leaves `running` only in `advance`, which then starts the line's
      // head): the coordinator's work is done.  Defensive: a run in line is never left behind.
      const next = line.shift();
      if (next === undefined) return;
      running.push(runInLine(next));
    }
    await condition(() => arrivals.length > 0 || running.some((run) => run.done));
  }
}

/** How many runs may run at once when `run` starts: its flow's limit, or one (a business key). */
function slotsOf(run: KeyedRun): number {
  return Math.max(1, run.slots ?? 1);
}

/** Starts the run as a child and marks it done when it closes, however it ends. */
function runInLine(run: KeyedRun): ActiveRun {
  const active: ActiveRun = { runId: run.runId, done: false };
  void (async () => {
    try {
      const child = await startChild(RUN_FLOW_WORKFLOW, {
        workflowId: run.runId,
        // The run id is the run's only identity: a run already started (a delivery repeated after this coordinator
        // forgot it) is not started again.
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        parentClosePolicy: ParentClosePolicy.ABANDON,
        ...runStartOptions(run.args.plan, run.args.run.priority),
        args: [run.args],
        typedSearchAttributes: searchAttributesOf(run),
        // Only runs handed over by the worker carry it (docs/adr/020); the server's never did: same commands on replay.
        ...(run.flowName === undefined ? {} : { memo: { flowName: run.flowName } }),
      });
      await child.result();
    } catch (error) {
      // A failed run is the run's own business (its page says why); the line goes on either way.
      if (error instanceof WorkflowExecutionAlreadyStartedError)
        log.info('keyed run was started already', { runId: run.runId });
      else if (!(error instanceof ChildWorkflowFailure))
        log.error('keyed run could not be started', { runId: run.runId, error: String(error) });
    } finally {
      active.done = true;
    }
  })();
  return active;
}

/** Delivers the event to the active run as a `resume` (its event Wait takes it); false if that run has closed. */
async function joinActive(run: KeyedRun, activeRunId: string): Promise<boolean> {
  try {
    await getExternalWorkflowHandle(activeRunId).signal(resumeSignal, { payload: run.args.trigger });
  } catch {
    return false;
  }
  await recordOutcome({ outcome: 'joined', activeRunId, args: run.args });
  return true;
}

/** Gives the event's run id its outcome run, so the event shows among the runs with what became of it. */
async function recordOutcome(outcome: KeyedEventOutcome): Promise<void> {
  const { run, plan } = outcome.args;
  try {
    await startChild(KEYED_EVENT_WORKFLOW, {
      workflowId: run.id,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [outcome],
      typedSearchAttributes: searchAttributesOf({
        index: { workspaceId: run.workspaceId, flowId: plan.flowId, version: plan.version, trigger: run.kind },
      }),
    });
  } catch (error) {
    // Started already: a repeated delivery.  Anything else must not stop the key's line: logged.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError))
      log.error('the outcome of a keyed event could not be recorded', { runId: run.id, error: String(error) });
  }
}

/**
 * A dropped or joined event's run: the trigger node with the event, every other node skipped.  Dropped: fails with
 * the reason (so it is counted and can be re-run from the failed runs); joined: succeeds, the trigger's output naming
 * the run it joined.
 */
export async function keyedEventOutcome(input: KeyedEventOutcome): Promise<RunState> {
  const { plan, trigger } = input.args;
  const now = Date.now();
  const joined = input.outcome === 'joined';
  const nodes: RunState['nodes'] = {};
  for (const node of plan.nodes) {
    nodes[node.id] =
      node.id === plan.triggerNodeId
        ? {
            status: 'succeeded',
            attempts: 1,
            output: joined ? { joinedRun: input.activeRunId, event: trigger } : trigger,
          }
        : { status: 'skipped', attempts: 0 };
  }
  const state: RunState = {
    status: joined ? 'succeeded' : 'failed',
    flowId: plan.flowId,
    version: plan.version,
    startedAt: now,
    endedAt: now,
    nodes,
  };
  setHandler(stateQuery, () => state);
  if (joined) return state;
  const message = `Dropped: run ${input.activeRunId} of the same business key was still running (flow settings → business key: drop)`;
  state.error = { nodeId: '', message };
  throw ApplicationFailure.nonRetryable(message, FLOW_RUN_FAILED, state);
}

function searchAttributesOf(run: Pick<KeyedRun, 'index'>): SearchAttributePair[] {
  const { workspaceId, flowId, version, trigger } = run.index;
  return [
    { key: WORKSPACE_ID, value: workspaceId },
    { key: FLOW_ID, value: flowId },
    { key: FLOW_VERSION, value: version },
    { key: RUN_TRIGGER, value: trigger },
  ];
}
