import type { RunDetail } from '@pipewright/api-contract';
import { Link } from '../routing/Link.tsx';
import { paths } from '../routing/router.ts';

/** Where a run came from in the failed-runs queue: the failed run it retries or re-runs. */
export function RunLinks({ run }: { run: Pick<RunDetail, 'retryOf' | 'rerunOf'> }) {
  if (run.retryOf) {
    return (
      <span className="muted small" data-testid="run-retry-of">
        retry from the failed step of{' '}
        <Link to={paths.run(run.retryOf)}>
          <code>{run.retryOf}</code>
        </Link>
      </span>
    );
  }
  if (run.rerunOf) {
    return (
      <span className="muted small" data-testid="run-rerun-of">
        re-run of{' '}
        <Link to={paths.run(run.rerunOf)}>
          <code>{run.rerunOf}</code>
        </Link>
      </span>
    );
  }
  return null;
}
