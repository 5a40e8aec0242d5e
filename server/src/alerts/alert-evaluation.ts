/**
 * The pure part of alerting: given a rule's state and what was observed now, the next state and whether to send an
 * alert.  No I/O and no clock (times are passed in), so the transitions are unit-tested as a table.
 *
 * One incident sends one alert: a rule fires when its condition starts to hold, then stays `firing` without sending
 * again until the condition is false (recovered: the next breach is a new incident) or its cool-down has passed
 * while the condition still holds (a reminder).
 */

export interface RuleState {
  status: 'ok' | 'firing';
  /** Bumped on every write: the guard of the conditional update that claims a firing (two servers send once). */
  version: number;
  lastFiredAt?: Date | undefined;
  lastEvaluatedAt?: Date | undefined;
  /** `run_failed`: runs that closed up to here were looked at. */
  checkedUntil?: Date | undefined;
  /** `run_failed`: failures seen while firing within the cool-down, told in the next alert. */
  suppressed?: number | undefined;
}

/** A threshold condition (failure rate, DLQ size, no run): does it hold now, and how to say so. */
export interface ThresholdObservation {
  kind: 'threshold';
  breached: boolean;
  summary: string;
}

/**
 * `run_failed`: the runs that closed since `checkedUntil`.  `newestFailed`: whether the newest of them failed
 * (undefined: none closed).
 */
export interface RunsObservation {
  kind: 'runs';
  newFailures: number;
  newestFailed: boolean | undefined;
  /** Describes the newest failure, for the alert text. */
  describe: (count: number) => string;
  /** Runs that closed before this were looked at: the next `checkedUntil`. */
  checkedUntil: Date;
}

export type Observation = ThresholdObservation | RunsObservation;

export interface Decision {
  state: RuleState;
  /** The alert to send, if one is due. */
  alert?: { summary: string } | undefined;
}

export function initialRuleState(): RuleState {
  return { status: 'ok', version: 0 };
}

/** The next state of a rule, and the alert to send, after observing its condition at `now`. */
export function decide(input: { state: RuleState; observation: Observation; cooldownMs: number; now: Date }): Decision {
  const { state, observation, now } = input;
  const base: RuleState = { ...state, version: state.version + 1, lastEvaluatedAt: now };
  const cooledDown = state.lastFiredAt === undefined || now.getTime() - state.lastFiredAt.getTime() >= input.cooldownMs;
  if (observation.kind === 'threshold') {
    if (!observation.breached) return { state: { ...base, status: 'ok' } };
    if (state.status === 'ok' || cooledDown) {
      return { state: { ...base, status: 'firing', lastFiredAt: now }, alert: { summary: observation.summary } };
    }
    return { state: { ...base, status: 'firing' } };
  }
  return decideRuns(state, base, observation, cooledDown, now);
}

/**
 * `run_failed`: one alert per incident, with a count.  A failure while `ok` fires at once; failures while `firing`
 * within the cool-down are counted (`suppressed`) and told in one reminder once it has passed; a succeeding run is
 * the recovery (the next failure is a new incident).
 */
function decideRuns(
  state: RuleState,
  base: RuleState,
  observation: RunsObservation,
  cooledDown: boolean,
  now: Date,
): Decision {
  const checked = { ...base, checkedUntil: observation.checkedUntil };
  const suppressed = state.suppressed ?? 0;
  const statusAfter = observation.newestFailed === false ? 'ok' : state.status;
  if (observation.newFailures > 0) {
    const nextStatus = observation.newestFailed === true ? 'firing' : 'ok';
    if (state.status === 'ok' || cooledDown) {
      const count = observation.newFailures + (state.status === 'firing' ? suppressed : 0);
      return {
        state: { ...checked, status: nextStatus, lastFiredAt: now, suppressed: 0 },
        alert: { summary: observation.describe(count) },
      };
    }
    return {
      state: {
        ...checked,
        status: nextStatus,
        suppressed: nextStatus === 'ok' ? 0 : suppressed + observation.newFailures,
      },
    };
  }
  if (statusAfter === 'firing' && suppressed > 0 && cooledDown) {
    // Failures came in the cool-down and no run has succeeded since: one reminder with their count.
    return {
      state: { ...checked, status: 'firing', lastFiredAt: now, suppressed: 0 },
      alert: { summary: observation.describe(suppressed) },
    };
  }
  return { state: { ...checked, status: statusAfter, suppressed: statusAfter === 'ok' ? 0 : suppressed } };
}
