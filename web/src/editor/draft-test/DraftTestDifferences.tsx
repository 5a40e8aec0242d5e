import type { DraftTestRunResult } from '@pipewright/api-contract';
import {
  CHANGE_LABELS,
  formatValue,
  groupDifferences,
  type NodeDifference,
  presentFields,
  type ValueField,
} from './draft-test-report.ts';

interface DraftTestDifferencesProps {
  result: DraftTestRunResult;
  /** Node id → the title the builder gave it (nodes of the draft). */
  titles: ReadonlyMap<string, string>;
}

/** One run's detail: why the draft fails on it, its note, and each differing node's before / after, side by side. */
export function DraftTestDifferences({ result, titles }: DraftTestDifferencesProps) {
  const groups = groupDifferences(result.differences);
  return (
    <div className="draft-test-detail" data-testid={`draft-test-detail-${result.runId}`}>
      {result.note && <p className="muted small">{result.note}</p>}
      {result.error && (
        <p className="code error" data-testid={`draft-test-error-${result.runId}`}>
          The draft fails at {titles.get(result.error.nodeId) ?? result.error.nodeId} ({result.error.nodeId}):{' '}
          {result.error.message}
        </p>
      )}
      {groups.length === 0 && <p className="muted small">No node differs.</p>}
      {groups.map((group) => (
        <NodeDifferenceView
          key={group.nodeId}
          runId={result.runId}
          difference={group}
          title={titles.get(group.nodeId) ?? group.nodeId}
        />
      ))}
    </div>
  );
}

interface NodeDifferenceViewProps {
  runId: string;
  difference: NodeDifference;
  title: string;
}

function NodeDifferenceView({ runId, difference, title }: NodeDifferenceViewProps) {
  const testId = `draft-test-diff-${runId}-${difference.nodeId}`;
  const fields = presentFields(difference);
  return (
    <section className="draft-test-diff" data-testid={testId} aria-label={`${title}: differences`}>
      <h4>
        {title} <code className="muted small">{difference.nodeId}</code>{' '}
        <span className="badge" data-testid={`${testId}-change`}>
          {difference.changes.map((change) => CHANGE_LABELS[change]).join(', ')}
        </span>
      </h4>
      {fields.length > 0 && (
        <table className="diff-fields draft-test-values">
          <thead>
            <tr>
              <th scope="col" className="diff-cell">
                Field
              </th>
              <th scope="col" className="diff-cell">
                Before (recorded run)
              </th>
              <th scope="col" className="diff-cell">
                After (draft)
              </th>
            </tr>
          </thead>
          <tbody>
            {fields.map((field) => (
              <ValueRow key={field} testId={testId} difference={difference} field={field} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ValueRow({ testId, difference, field }: { testId: string; difference: NodeDifference; field: ValueField }) {
  const before = formatValue(difference.before, field);
  const after = formatValue(difference.after, field);
  return (
    <tr className={before === after ? undefined : 'draft-test-changed'}>
      <th scope="row" className="mono diff-cell">
        {field}
      </th>
      <td className="diff-cell diff-before">
        <pre className="draft-test-value" data-testid={`${testId}-before-${field}`}>
          {before ?? '—'}
        </pre>
      </td>
      <td className="diff-cell diff-after">
        <pre className="draft-test-value" data-testid={`${testId}-after-${field}`}>
          {after ?? '—'}
        </pre>
      </td>
    </tr>
  );
}
