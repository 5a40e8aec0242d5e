import type {
  DraftTestChange,
  DraftTestDifference,
  DraftTestReport,
  DraftTestValue,
  DraftTestVerdict,
} from '@pipewright/api-contract';
import type { FlowNode } from '@pipewright/flow';
import type { StepManifest } from '@pipewright/step-sdk';

/** A verdict as the builder reads it. */
export const VERDICT_LABELS: Record<DraftTestVerdict, string> = {
  same: 'same',
  differs: 'differs',
  now_fails: 'now fails',
  now_succeeds: 'now succeeds',
  incomplete: 'incomplete',
  not_tested: 'not tested',
};

/** The order counts are listed in: what breaks first. */
const VERDICT_ORDER: readonly DraftTestVerdict[] = [
  'now_fails',
  'incomplete',
  'differs',
  'now_succeeds',
  'same',
  'not_tested',
];

export const CHANGE_LABELS: Record<DraftTestChange, string> = {
  output: 'output differs',
  input: 'input differs',
  status: 'status differs',
  added: 'added in the draft',
  removed: 'removed in the draft',
  not_run: 'not run (no recording answers it and real calls are off)',
};

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** "Passed — 3 runs tested: 3 differs" / "Would break 1 run — 4 runs tested: 1 now fails, 3 same". */
export function summarizeReport(report: DraftTestReport): string {
  const counts = VERDICT_ORDER.filter((verdict) => (report.counts[verdict] ?? 0) > 0).map(
    (verdict) => `${report.counts[verdict]} ${VERDICT_LABELS[verdict]}`,
  );
  const outcome = report.passed ? 'Passed' : `Would break ${plural(report.counts.now_fails ?? 0, 'run')}`;
  const tested = `${plural(report.runs.length, 'run')} tested${counts.length > 0 ? `: ${counts.join(', ')}` : ''}`;
  const calls = report.realCalls > 0 ? ` (${plural(report.realCalls, 'real call')} made)` : '';
  return `${outcome} — ${tested}${calls}`;
}

/**
 * The draft's nodes that do I/O (the catalog's `action` steps): the ones a test answers from recordings, and may let
 * call out for real.  Triggers and control steps (transform, if, switch, merge, loop, wait, sub-flow) are `trigger`
 * or `transform` kinds; a node whose type the catalog does not know is left out.
 */
export function listIoNodes(
  nodes: readonly FlowNode[],
  catalog: ReadonlyMap<string, StepManifest>,
): { id: string; title: string }[] {
  return nodes.flatMap((node) => {
    const manifest = catalog.get(node.type);
    if (manifest?.kind !== 'action') return [];
    return [{ id: node.id, title: node.title ?? manifest.title }];
  });
}

/** One node's differences in a run: a node may differ in more than one way (its input and its output). */
export interface NodeDifference {
  nodeId: string;
  changes: DraftTestChange[];
  before?: DraftTestValue;
  after?: DraftTestValue;
}

export function groupDifferences(differences: readonly DraftTestDifference[]): NodeDifference[] {
  const byNode = new Map<string, NodeDifference>();
  for (const difference of differences) {
    const group = byNode.get(difference.nodeId) ?? { nodeId: difference.nodeId, changes: [] };
    if (!group.changes.includes(difference.change)) group.changes.push(difference.change);
    if (group.before === undefined && difference.before !== undefined) group.before = difference.before;
    if (group.after === undefined && difference.after !== undefined) group.after = difference.after;
    byNode.set(difference.nodeId, group);
  }
  return [...byNode.values()];
}

export const VALUE_FIELDS = ['status', 'input', 'output', 'error'] as const;
export type ValueField = (typeof VALUE_FIELDS)[number];

/**
 * A value as the report shows it: JSON pretty-printed; a truncated input/output is the start of its JSON, shown as
 * text and marked; absent is `undefined`.
 */
export function formatValue(value: DraftTestValue | undefined, field: ValueField): string | undefined {
  if (value === undefined) return undefined;
  const raw: unknown = value[field];
  if (raw === undefined) return undefined;
  if (field === 'status' || field === 'error') return String(raw);
  if (value.truncated && typeof raw === 'string') return `${raw}… (truncated)`;
  return JSON.stringify(raw, null, 2) ?? String(raw);
}

/** The fields worth a row: present on either side. */
export function presentFields(difference: NodeDifference): ValueField[] {
  return VALUE_FIELDS.filter(
    (field) =>
      formatValue(difference.before, field) !== undefined || formatValue(difference.after, field) !== undefined,
  );
}
