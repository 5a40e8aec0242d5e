import type { FlowRolloutSummary, RolloutVersionStats } from '@pipewright/api-contract';
import { formatDuration } from '../../ui/format.ts';

/** The rollout dialog's percent field: its label, which names it in the validation message too. */
export const PERCENT_LABEL = 'Percent of new runs';
export const DEFAULT_ROLLOUT_PERCENT = 10;

/** The percent field's text → the share to start with, or why it is not one (naming the field). */
export function parseRolloutPercent(text: string): { percent: number } | { problem: string } {
  const trimmed = text.trim();
  const percent = Number(trimmed);
  if (trimmed === '' || !Number.isInteger(percent) || percent < 1 || percent > 99) {
    return { problem: `${PERCENT_LABEL} must be a whole number from 1 to 99` };
  }
  return { percent };
}

/** "Version 2 on 10 % of new runs, since 07/12/2026, 09:30:00" (`since` is already formatted for the reader). */
export function describeRollout(rollout: Pick<FlowRolloutSummary, 'version' | 'percent'>, since: string): string {
  return `Version ${rollout.version} on ${rollout.percent} % of new runs, since ${since}`;
}

/** 0..1 → "97.5 %" (one decimal at most); "—" before any run ended. */
export function formatSuccessRate(rate: number | null): string {
  if (rate === null) return '—';
  return `${Math.round(rate * 1000) / 10} %`;
}

export interface ComparisonRow {
  role: 'stable' | 'candidate';
  /** "Version 1 (current)", "Version 2 (new)". */
  label: string;
  runs: number;
  succeeded: number;
  failed: number;
  running: number;
  successRate: string;
  p50: string;
  p95: string;
}

function toRow(role: ComparisonRow['role'], stats: RolloutVersionStats): ComparisonRow {
  return {
    role,
    label: `Version ${stats.version} (${role === 'stable' ? 'current' : 'new'})`,
    runs: stats.runs,
    succeeded: stats.succeeded,
    failed: stats.failed,
    running: stats.running,
    successRate: formatSuccessRate(stats.successRate),
    p50: formatDuration(stats.p50Ms),
    p95: formatDuration(stats.p95Ms),
  };
}

/** The comparison table's rows: the current version first, then the one being rolled out. */
export function comparisonRows(view: { stable: RolloutVersionStats; candidate: RolloutVersionStats }): ComparisonRow[] {
  return [toRow('stable', view.stable), toRow('candidate', view.candidate)];
}
