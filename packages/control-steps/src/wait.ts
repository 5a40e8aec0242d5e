import type { StepOutputs } from '@pipewright/step-sdk';
import {
  APPROVED_PORT,
  approvalWaitOf as approvalSettingsOf,
  checkApprovalConfig,
  decidedApproval,
  REJECTED_PORT,
} from './approval.ts';
import type {
  ApprovalWait,
  ConfigProblem,
  ControlResult,
  EventWait,
  NodeSurroundings,
  WaitControlStep,
} from './control-step.ts';

export const CORE_WAIT_TYPE = 'core.wait';

/** The port an event wait fires when its timeout passes. */
export const WAIT_TIMEOUT_PORT = 'timeout';

/** Wait's output ports: `out`, plus `timeout` in mode `event`; `approved`, `rejected` and `timeout` in `approval`. */
export const WAIT_OUTPUTS: StepOutputs = {
  byConfigValue: 'mode',
  cases: {
    event: [
      { id: 'out', label: '' },
      { id: WAIT_TIMEOUT_PORT, label: 'Timeout' },
    ],
    approval: [
      { id: APPROVED_PORT, label: 'Approved' },
      { id: REJECTED_PORT, label: 'Rejected' },
      { id: WAIT_TIMEOUT_PORT, label: 'Timeout' },
    ],
  },
  otherwise: [{ id: 'out', label: '' }],
};

const modeOf = (config: Record<string, unknown>): unknown => config.mode ?? 'delay';

function seconds(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${field}: must be a number of seconds, got ${JSON.stringify(value ?? null)}`);
  }
  return value * 1000;
}

function dateOf(value: unknown): number {
  const at = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(at)) {
    throw new Error(
      `until: ${JSON.stringify(value ?? null)} is not a date/time (use ISO 8601, e.g. 2030-01-31T09:00:00Z)`,
    );
  }
  return at;
}

function timerUntil(config: Record<string, unknown>, now: number): number {
  const mode = modeOf(config);
  if (mode === 'delay') return now + seconds(config.durationSeconds, 'durationSeconds');
  if (mode === 'until') return dateOf(config.until);
  throw new Error(`mode: must be delay, until, event or approval, got ${JSON.stringify(mode)}`);
}

const timeoutOf = (config: Record<string, unknown>): number | undefined =>
  config.timeoutSeconds === undefined ? undefined : seconds(config.timeoutSeconds, 'timeoutSeconds');

function eventWaitOf(config: Record<string, unknown>): EventWait {
  const eventName = typeof config.eventName === 'string' && config.eventName !== '' ? config.eventName : undefined;
  return { eventName, timeoutMs: timeoutOf(config) };
}

function approvalTimedOut(wait: ApprovalWait, timeoutConnected: boolean): ControlResult {
  if (timeoutConnected) return { output: { timedOut: true }, ports: [WAIT_TIMEOUT_PORT] };
  throw new Error(
    `nobody approved or rejected within ${(wait.timeoutMs ?? 0) / 1000} s (connect its "timeout" output to continue the run instead)`,
  );
}

function timedOut(wait: EventWait, timeoutConnected: boolean): ControlResult {
  if (timeoutConnected) return { output: { timedOut: true }, ports: [WAIT_TIMEOUT_PORT] };
  const what = wait.eventName === undefined ? 'no resume' : `no "${wait.eventName}" event`;
  throw new Error(
    `${what} arrived within ${(wait.timeoutMs ?? 0) / 1000} s (connect its "timeout" output to continue the run instead)`,
  );
}

/**
 * Rules the schema cannot say (they depend on `mode`, or on where the node sits): each mode has its field; an event
 * Wait has a timeout (a wait nobody answers must end somewhere) and is not inside a loop body.
 */
function checkConfig(config: Record<string, unknown>, surroundings: NodeSurroundings): ConfigProblem[] {
  const { nodeId, connectedPorts, inLoopBody } = surroundings;
  const { mode = 'delay', durationSeconds, until, timeoutSeconds } = config;
  const problems: ConfigProblem[] = [];
  const missing = (field: string, why: string) =>
    problems.push({ code: 'invalid_config', field: `config.${field}`, message: `Wait "${nodeId}": ${why}` });
  if (mode === 'delay' && durationSeconds === undefined) missing('durationSeconds', 'say how long to wait');
  if (mode === 'until' && (until === undefined || until === '')) missing('until', 'say until when to wait');
  if (mode !== 'event' && mode !== 'approval') return problems;
  const what = mode === 'event' ? 'an event' : 'an approval';
  if (mode === 'approval') problems.push(...checkApprovalConfig(config, nodeId));
  if (timeoutSeconds === undefined) {
    problems.push({
      code: 'wait_needs_timeout',
      field: 'config.timeoutSeconds',
      message: connectedPorts.has(WAIT_TIMEOUT_PORT)
        ? `Wait "${nodeId}" has a "timeout" path but no timeout: say after how many seconds to take it`
        : `Wait "${nodeId}" waits for ${what} with no timeout: set one (and connect the "timeout" output, or the run fails when it passes)`,
    });
  }
  if (inLoopBody) {
    problems.push({
      code: 'unsupported_in_loop',
      field: 'config.mode',
      message: `Wait "${nodeId}" waits for ${what} inside a loop body; ${mode === 'event' ? 'resumes' : 'decisions'} address a run, not one iteration — wait before or after the loop`,
    });
  }
  return problems;
}

/** Pauses the run on a durable timer, or until the run is resumed, a member decides, or its timeout passes. */
export const waitControlStep: WaitControlStep = {
  kind: 'wait',
  type: CORE_WAIT_TYPE,
  awaitsOutside: true,
  timeoutPort: WAIT_TIMEOUT_PORT,
  isEventWait: (config) => modeOf(config) === 'event',
  timerUntil,
  timerOutput: (until, now) => ({ waitedUntil: new Date(Math.max(until, now)).toISOString() }),
  eventWaitOf,
  timedOut,
  isApprovalWait: (config) => modeOf(config) === 'approval',
  approvalWaitOf: (config) => approvalSettingsOf(config, timeoutOf(config)),
  decided: decidedApproval,
  approvalTimedOut,
  checkConfig,
};
