import type { AlertCondition } from '@pipewright/api-contract';
import type { WaitingSummary } from '@pipewright/operations';
import type { AlertDelivery } from './alert-delivery.ts';
import { decide, type Observation } from './alert-evaluation.ts';
import type { AlertMessage } from './alert-messages.ts';
import type { AlertRuleRecord, AlertRulesRepository } from './alert-rules.repository.ts';
import type { RunActivity } from './run-activity.ts';

/**
 * A run that closed is in Temporal's visibility store a moment later: `run_failed` looks at runs closed up to this
 * long ago, so none is skipped for being late.
 */
export const VISIBILITY_LAG_MS = 3_000;
/** Rules evaluated at once (each costs a few visibility counts). */
const CONCURRENCY = 8;

export interface AlertEvaluatorDeps {
  rules: AlertRulesRepository;
  activity: RunActivity;
  delivery: AlertDelivery;
  /** The flow's name; undefined when it is gone (its rules are skipped). */
  flowName: (workspaceId: string, flowId: string) => Promise<string | undefined>;
  /** The workspace's runs waiting to start (fairness/waiting-runs.ts), for `waiting_age`. */
  waiting?: (workspaceId: string) => Promise<WaitingSummary>;
  /** The flow's runs in the web app, for the alert text. */
  flowLink: (flowId: string) => string | undefined;
  log: (message: string, error: unknown) => void;
  /** The clock (tests move it forward). */
  now?: () => Date;
}

/**
 * Evaluates every enabled rule in a loop (`PIPEWRIGHT_ALERTS_EVERY_MS`, default 30 s) on every server.  A firing is
 * claimed by inserting its event under an id made of the rule and the state version it fired at, so when two
 * servers evaluate a rule at once only one records the alert — and only a recorded alert is sent.  All state is in
 * MongoDB, so a restarted server goes on where the last evaluation left off, and sends what a dead one claimed.
 */
export class AlertEvaluator {
  readonly #deps: AlertEvaluatorDeps;
  readonly #now: () => Date;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(deps: AlertEvaluatorDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  /** Evaluates every `everyMs` until stopped; a round that fails is logged and the next one comes anyway. */
  start(everyMs: number): void {
    this.#stopped = false;
    const round = () => {
      this.#running = this.evaluateOnce()
        .catch((error: unknown) => this.#deps.log('alert evaluation failed', error))
        .finally(() => {
          if (this.#stopped) return;
          this.#timer = setTimeout(round, everyMs);
          this.#timer.unref();
        });
    };
    this.#timer = setTimeout(round, everyMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** One round: hands over alerts claimed and not yet sent, evaluates each enabled rule, watches open deliveries. */
  async evaluateOnce(): Promise<void> {
    await this.#deps.delivery.handOverLeftovers();
    const queue = await this.#deps.rules.listForEvaluation();
    const worker = async () => {
      for (let rule = queue.shift(); rule !== undefined; rule = queue.shift()) {
        try {
          await this.#evaluate(rule);
        } catch (error) {
          this.#deps.log(`evaluating alert rule ${rule._id} failed`, error);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await this.#deps.delivery.watchPending();
  }

  async #evaluate(rule: AlertRuleRecord): Promise<void> {
    const flowName = await this.#deps.flowName(rule.workspaceId, rule.flowId);
    if (flowName === undefined) return;
    const now = this.#now();
    const observation = await this.#observe(rule, flowName, now);
    const decision = decide({ state: rule.state, observation, cooldownMs: rule.cooldownMinutes * 60_000, now });
    if (!decision.alert) {
      await this.#deps.rules.saveState(rule._id, rule.state.version, decision.state);
      return;
    }
    const message: AlertMessage = {
      workspaceId: rule.workspaceId,
      ruleId: rule._id,
      ruleName: rule.name,
      kind: rule.condition.kind,
      flowId: rule.flowId,
      flowName,
      summary: decision.alert.summary,
      at: now,
      test: false,
      link: this.#deps.flowLink(rule.flowId),
    };
    const { delivery } = this.#deps;
    const event = delivery.newEvent({
      eventId: `${rule._id}.${decision.state.version}`,
      kind: 'fired',
      channels: rule.channels,
      message,
    });
    // Recorded first: a crash after this leaves it to the next round (handOverLeftovers).  Not recorded: another
    // server claimed this very firing, and writes the same state.
    const claimed = await delivery.record(event);
    await this.#deps.rules.saveState(rule._id, rule.state.version, decision.state);
    if (claimed) await delivery.handOver(event);
  }

  async #observe(rule: AlertRuleRecord, flowName: string, now: Date): Promise<Observation> {
    const { activity } = this.#deps;
    const { workspaceId, flowId } = rule;
    const condition: AlertCondition = rule.condition;
    switch (condition.kind) {
      case 'failure_rate': {
        const from = new Date(now.getTime() - condition.windowMinutes * 60_000);
        const { finished, failed } = await activity.finishedBetween(workspaceId, flowId, from, now);
        const percent = finished === 0 ? 0 : (failed / finished) * 100;
        return {
          kind: 'threshold',
          breached: finished >= condition.minRuns && percent > condition.thresholdPercent,
          summary: `${failed} of ${finished} runs of "${flowName}" failed in the last ${condition.windowMinutes} min (${percent.toFixed(0)} %, over ${condition.thresholdPercent} %)`,
        };
      }
      case 'dlq_size': {
        const backlog = await activity.unresolvedFailures(workspaceId, flowId);
        return {
          kind: 'threshold',
          breached: backlog > condition.threshold,
          summary: `${backlog} failed runs of "${flowName}" wait in the failed-runs queue (more than ${condition.threshold})`,
        };
      }
      case 'no_run': {
        const from = new Date(now.getTime() - condition.idleMinutes * 60_000);
        // Watched for less than the idle time: too early to call the trigger dead.
        if (rule.activeSince > from) return { kind: 'threshold', breached: false, summary: '' };
        const started = await activity.startedBetween(workspaceId, flowId, from, now);
        return {
          kind: 'threshold',
          breached: started === 0,
          summary: `No run of "${flowName}" started in the last ${condition.idleMinutes} min: is its trigger still working?`,
        };
      }
      case 'waiting_age': {
        const flow = (await this.#deps.waiting?.(workspaceId))?.flows.find((entry) => entry.flowId === flowId);
        const ageMs = flow?.oldestAcceptedAt === undefined ? 0 : now.getTime() - flow.oldestAcceptedAt;
        return {
          kind: 'threshold',
          breached: ageMs > condition.minutes * 60_000,
          summary: `${flow?.waiting ?? 0} runs of "${flowName}" wait to start; the oldest for ${Math.floor(ageMs / 60_000)} min (more than ${condition.minutes})`,
        };
      }
      case 'run_failed':
        return this.#observeRuns(rule, flowName, now);
    }
  }

  async #observeRuns(rule: AlertRuleRecord, flowName: string, now: Date): Promise<Observation> {
    const from = rule.state.checkedUntil ?? rule.activeSince;
    const to = new Date(Math.max(from.getTime(), now.getTime() - VISIBILITY_LAG_MS));
    const closed = to > from ? await this.#deps.activity.closedBetween(rule.workspaceId, rule.flowId, from, to) : [];
    const failed = closed.filter((run) => run.failed);
    const newest = failed.at(-1);
    const detail = newest ? await this.#deps.activity.describeFailure(rule.workspaceId, newest.runId) : undefined;
    return {
      kind: 'runs',
      newFailures: failed.length,
      newestFailed: closed.at(-1)?.failed,
      checkedUntil: to,
      describe: (count) =>
        [
          count === 1 ? `A run of "${flowName}" failed` : `${count} runs of "${flowName}" failed`,
          newest ? ` — the latest, ${newest.runId}${detail ? `: ${detail}` : ''}` : ' (since the last alert)',
        ].join(''),
    };
  }
}
