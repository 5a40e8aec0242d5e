import type { FailureActionBody, FailureGroupView } from '@pipewright/api-contract';
import { useState } from 'react';
import { errorMessage } from '../api/api.ts';
import { Link } from '../routing/Link.tsx';
import { paths } from '../routing/router.ts';
import { formatDate } from '../ui/format.ts';
import { ActionResults } from './ActionResults.tsx';
import { type FailureAction, useFailureAction, useGroupFailures } from './failures-api.ts';

const ACTIONS: { action: FailureAction; label: string; title: string }[] = [
  {
    action: 'retry',
    label: 'Retry from failed step',
    title: 'A new run on the same version, reusing the steps that succeeded',
  },
  {
    action: 'rerun',
    label: 'Re-run on current version',
    title: 'A new run of the same trigger data, every step again',
  },
  { action: 'dismiss', label: 'Dismiss', title: 'Take the runs out of the queue without running them again' },
];

/** One cause's failed runs: select some (or the whole group) and retry, re-run or dismiss them. */
export function GroupRuns({ group, flowNames }: { group: FailureGroupView; flowNames: Map<string, string> }) {
  const failures = useGroupFailures(group.errorGroup);
  const act = useFailureAction();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [last, setLast] = useState<FailureAction>('retry');
  const items = failures.data?.pages.flatMap((page) => page.items) ?? [];
  const allSelected = items.length > 0 && items.every((item) => selected.has(item.runId));
  const toggle = (runId: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(runId)) next.delete(runId);
      else next.add(runId);
      return next;
    });
  const run = (action: FailureAction, body: FailureActionBody) => {
    setLast(action);
    act.mutate({ action, body }, { onSuccess: () => setSelected(new Set()) });
  };

  return (
    <section className="card" data-testid={`failure-group-runs-${group.errorGroup}`}>
      <h2>{group.sample.errorMessage}</h2>
      <div className="button-group">
        {ACTIONS.map(({ action, label, title }) => (
          <button
            key={action}
            type="button"
            className={`button ${action === 'retry' ? 'primary' : ''}`}
            title={title}
            data-testid={`failures-${action}-selected`}
            disabled={selected.size === 0 || act.isPending}
            onClick={() => run(action, { runIds: [...selected] })}
          >
            {label} ({selected.size})
          </button>
        ))}
        <button
          type="button"
          className="button"
          data-testid="failures-retry-group"
          disabled={act.isPending}
          title="Retry up to 100 of this group's oldest failed runs"
          onClick={() => run('retry', { errorGroup: group.errorGroup })}
        >
          Retry whole group
        </button>
      </div>
      {act.error && <p className="field-error">{errorMessage(act.error)}</p>}
      {act.data && <ActionResults action={last} results={act.data.results} />}
      {failures.error && <p className="field-error">{errorMessage(failures.error)}</p>}
      <table className="table" data-testid="failure-runs">
        <thead>
          <tr>
            <th>
              <input
                type="checkbox"
                aria-label="Select all"
                data-testid="failures-select-all"
                checked={allSelected}
                onChange={() => setSelected(allSelected ? new Set() : new Set(items.map((item) => item.runId)))}
              />
            </th>
            <th>Run</th>
            <th>Flow</th>
            <th>Step</th>
            <th>Failed</th>
            <th>Error</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.runId} data-testid={`failure-row-${item.runId}`}>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Select ${item.runId}`}
                  data-testid={`failure-select-${item.runId}`}
                  checked={selected.has(item.runId)}
                  onChange={() => toggle(item.runId)}
                />
              </td>
              <td>
                <Link to={paths.run(item.runId)}>
                  <code className="small">{item.runId}</code>
                </Link>
              </td>
              <td>
                {flowNames.get(item.flowId) ?? item.flowId} v{item.version}
              </td>
              <td>{item.nodeTitle || item.nodeId}</td>
              <td>{formatDate(item.failedAt)}</td>
              <td className="small">{item.errorMessage}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {failures.hasNextPage && (
        <button
          type="button"
          className="button"
          data-testid="failures-load-more"
          disabled={failures.isFetchingNextPage}
          onClick={() => void failures.fetchNextPage()}
        >
          Load more
        </button>
      )}
    </section>
  );
}
