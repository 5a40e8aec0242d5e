import { controlStepFor } from '@pipewright/control-steps';
import type { FlowDocument } from '@pipewright/flow';

/** A run of a flow that never waits may take this long unless its settings say otherwise: 1 hour. */
export const DEFAULT_RUN_TIMEOUT_MS = 3_600_000;

/**
 * The plan's `runTimeoutMs`: the flow's setting (`null`: no limit), else the default for flows that never wait —
 * none of whose nodes (loop bodies included) waits outside the workflow, as a Wait or a Sub-flow's child run may, for
 * days.
 */
export function runTimeoutOf(doc: FlowDocument): number | undefined {
  const setting = doc.settings?.runTimeoutMs;
  if (setting !== undefined) return setting ?? undefined;
  const waits = doc.nodes.some((node) => controlStepFor(node.type)?.awaitsOutside === true);
  return waits ? undefined : DEFAULT_RUN_TIMEOUT_MS;
}

const UNITS: [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['min', 60_000],
  ['s', 1_000],
];

/**
 * A duration as a builder would write it.
 *
 * @example
 * formatDuration(3_600_000); // '1 h'
 * formatDuration(5_400_000); // '1 h 30 min'
 */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1_000) * 1_000;
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count} ${unit}`);
    rest -= count * size;
  }
  return parts.join(' ');
}

/**
 * What a run that hit its timeout says.
 *
 * @example
 * runTimeoutMessage(3_600_000); // 'run exceeded its 1 h timeout (flow settings → run timeout)'
 */
export function runTimeoutMessage(ms: number): string {
  return `run exceeded its ${formatDuration(ms)} timeout (flow settings → run timeout)`;
}
