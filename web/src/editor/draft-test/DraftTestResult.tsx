import type { DraftTestRunResult, DraftTestView } from '@pipewright/api-contract';
import { Fragment, useState } from 'react';
import { Link } from '../../routing/Link.tsx';
import { paths } from '../../routing/router.ts';
import { DraftTestDifferences } from './DraftTestDifferences.tsx';
import { summarizeReport, VERDICT_LABELS } from './draft-test-report.ts';

interface DraftTestResultProps {
  test: DraftTestView;
  titles: ReadonlyMap<string, string>;
}

/** A draft test as it stands: running, failed, or its report (a summary, then one row per run, expandable). */
export function DraftTestResult({ test, titles }: DraftTestResultProps) {
  const started = new Date(test.createdAt).toLocaleString();
  return (
    <section
      className="draft-test-result"
      data-testid="draft-test-result"
      data-status={test.status}
      data-draft-test-id={test.id}
    >
      <p className="muted small" title={`Started by ${test.createdBy}`}>
        Test started {started}
        {test.realCalls.length > 0 &&
          ` — real calls allowed for ${test.realCalls.map((nodeId) => titles.get(nodeId) ?? nodeId).join(', ')}`}
      </p>
      {!test.current && (
        <p className="field-error small" data-testid="draft-test-stale">
          The draft changed since this test: it no longer counts for publishing. Run it again.
        </p>
      )}
      {test.status === 'running' && (
        <p role="status" data-testid="draft-test-progress">
          Testing the draft against {test.runIds.length} {test.runIds.length === 1 ? 'run' : 'runs'}…
        </p>
      )}
      {test.status === 'failed' && (
        <p className="field-error" role="alert" data-testid="draft-test-failed">
          The test could not finish: {test.error ?? 'no reason given'}
        </p>
      )}
      {test.status === 'done' && test.report && (
        <>
          <p
            className={`draft-test-summary ${test.report.passed ? 'passed' : 'broken'}`}
            role="status"
            data-testid="draft-test-summary"
            data-passed={test.report.passed}
          >
            {summarizeReport(test.report)}
          </p>
          <RunTable runs={test.report.runs} titles={titles} />
        </>
      )}
    </section>
  );
}

function RunTable({ runs, titles }: { runs: DraftTestRunResult[]; titles: ReadonlyMap<string, string> }) {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const toggle = (runId: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (!next.delete(runId)) next.add(runId);
      return next;
    });
  if (runs.length === 0) return <p className="muted">No runs were tested.</p>;
  return (
    <table className="table draft-test-runs">
      <caption className="visually-hidden">Runs tested, with what the draft changes on each</caption>
      <thead>
        <tr>
          <th scope="col">Run</th>
          <th scope="col">Version</th>
          <th scope="col">Verdict</th>
          <th scope="col">Ended → would end</th>
          <th scope="col">Differences</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => {
          const open = expanded.has(run.runId);
          const hasDetail = run.differences.length > 0 || run.error !== undefined || run.note !== undefined;
          return (
            <Fragment key={run.runId}>
              <tr data-testid={`draft-test-run-${run.runId}`} data-verdict={run.verdict}>
                <td>
                  <Link to={paths.run(run.runId)} className="mono small" testId={`draft-test-link-${run.runId}`}>
                    {run.runId}
                  </Link>
                </td>
                <td>v{run.version}</td>
                <td>
                  <span
                    className={`badge draft-test-verdict verdict-${run.verdict}`}
                    data-testid={`draft-test-verdict-${run.runId}`}
                  >
                    {VERDICT_LABELS[run.verdict]}
                  </span>
                </td>
                <td className="small">
                  {run.before ?? '—'} → {run.after ?? '—'}
                </td>
                <td>
                  {hasDetail ? (
                    <button
                      type="button"
                      className="link-button"
                      aria-expanded={open}
                      aria-controls={`draft-test-detail-row-${run.runId}`}
                      data-testid={`draft-test-expand-${run.runId}`}
                      onClick={() => toggle(run.runId)}
                    >
                      {open ? 'Hide' : 'Show'} {run.differences.length}{' '}
                      {run.differences.length === 1 ? 'difference' : 'differences'}
                    </button>
                  ) : (
                    <span className="muted small">none</span>
                  )}
                </td>
              </tr>
              {open && (
                <tr id={`draft-test-detail-row-${run.runId}`} className="draft-test-detail-row">
                  <td colSpan={5}>
                    <DraftTestDifferences result={run} titles={titles} />
                  </td>
                </tr>
              )}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}
