import type { FailureActionResult } from '@pipewright/api-contract';
import { Link } from '../routing/Link.tsx';
import { paths } from '../routing/router.ts';
import type { FailureAction } from './failures-api.ts';

const DONE: Record<FailureAction, string> = { retry: 'Retried', rerun: 'Re-run', dismiss: 'Dismissed' };

/** What a bulk action did to each run: the run it started (a link), or why not. */
export function ActionResults({ action, results }: { action: FailureAction; results: FailureActionResult[] }) {
  const started = results.filter((result) => result.ok).length;
  return (
    <section className="card" data-testid="failure-action-results">
      <h3>
        {DONE[action]} {started} of {results.length}
      </h3>
      <ul>
        {results.map((result) => (
          <li key={result.runId} data-testid={`failure-result-${result.runId}`} data-ok={String(result.ok)}>
            <Link to={paths.run(result.runId)}>
              <code className="small">{result.runId}</code>
            </Link>{' '}
            {result.ok ? (
              result.newRunId ? (
                <>
                  → new run{' '}
                  <Link to={paths.run(result.newRunId)} testId={`failure-new-run-${result.runId}`}>
                    <code className="small">{result.newRunId}</code>
                  </Link>
                </>
              ) : (
                'dismissed'
              )
            ) : (
              <span className="field-error">{result.error}</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
