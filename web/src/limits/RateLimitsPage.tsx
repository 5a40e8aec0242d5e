import type { RateLimitPeriod } from '@pipewright/api-contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { errorMessage } from '../api/api.ts';
import { formatDate } from '../ui/format.ts';
import { FairSharePanel } from './FairSharePanel.tsx';
import { rateLimitKeys, rateLimitsApi, useRateLimits } from './rate-limits-api.ts';
import { limitsOf, type RateLimitRow, rowsOf } from './rate-limits-form.ts';
import { WaitingCeilingPanel } from './WaitingCeilingPanel.tsx';

const PERIODS: { value: RateLimitPeriod; label: string }[] = [
  { value: 's', label: 'per second' },
  { value: 'm', label: 'per minute' },
];

/**
 * How many calls the workspace's steps may make to each connector (`http`, `postgres`…; `*` for every other).  Every
 * member sees them (they explain a step's "waited for the rate limit"); admins change them.  Workers apply a change
 * within a few seconds, shared by all of them when they share a Redis.
 */
export function RateLimitsPage({ canEdit }: { canEdit: boolean }) {
  const queryClient = useQueryClient();
  const limits = useRateLimits();
  const [rows, setRows] = useState<RateLimitRow[] | null>(null);
  const [problem, setProblem] = useState<{ row: number; message: string } | null>(null);
  useEffect(() => {
    if (limits.data && rows === null) setRows(rowsOf(limits.data.limits));
  }, [limits.data, rows]);
  const save = useMutation({
    mutationFn: rateLimitsApi.put,
    onSuccess: (saved) => {
      queryClient.setQueryData(rateLimitKeys.all, saved);
      setRows(rowsOf(saved.limits));
    },
  });

  const change = (index: number, patch: Partial<RateLimitRow>) => {
    setProblem(null);
    setRows((current) => (current ?? []).map((row, at) => (at === index ? { ...row, ...patch } : row)));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = limitsOf(rows ?? []);
    if (!checked.ok) {
      setProblem(checked);
      return;
    }
    save.mutate({ limits: checked.limits });
  };

  return (
    <div className="page" data-testid="rate-limits-page">
      <header className="page-header">
        <h1>Rate limits</h1>
      </header>
      <p className="muted">
        Calls this workspace’s steps may make to each connector. A step over its limit waits for the next window (the
        run view says how long) instead of failing. Where none is set here, the workers’ setting applies (100 calls a
        second unless an operator set <code>PIPEWRIGHT_RATE_LIMITS</code>).
      </p>
      {limits.error && <p className="field-error">{errorMessage(limits.error)}</p>}
      {rows && (
        <form className="card" noValidate onSubmit={submit}>
          {rows.length === 0 && (
            <p className="muted" data-testid="rate-limits-empty">
              No limits of this workspace’s own.
            </p>
          )}
          {rows.length > 0 && (
            <table className="table">
              <thead>
                <tr>
                  <th>Connector</th>
                  <th>Calls</th>
                  <th>Window</th>
                  {canEdit && <th />}
                </tr>
              </thead>
              <tbody>
                {rows.map((row, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity until saved; order is stable
                  <tr key={index} data-testid={`rate-limit-row-${index}`}>
                    <td>
                      <input
                        className="input mono"
                        aria-label="Connector"
                        placeholder="http, postgres… or *"
                        data-testid={`rate-limit-connector-${index}`}
                        value={row.connector}
                        disabled={!canEdit}
                        onChange={(event) => change(index, { connector: event.target.value })}
                      />
                    </td>
                    <td>
                      <input
                        className="input"
                        type="number"
                        min={1}
                        step={1}
                        aria-label="Calls"
                        data-testid={`rate-limit-count-${index}`}
                        value={row.count}
                        disabled={!canEdit}
                        onChange={(event) => change(index, { count: event.target.value })}
                      />
                    </td>
                    <td>
                      <select
                        className="input"
                        aria-label="Window"
                        data-testid={`rate-limit-per-${index}`}
                        value={row.per}
                        disabled={!canEdit}
                        onChange={(event) => change(index, { per: event.target.value === 'm' ? 'm' : 's' })}
                      >
                        {PERIODS.map((period) => (
                          <option key={period.value} value={period.value}>
                            {period.label}
                          </option>
                        ))}
                      </select>
                    </td>
                    {canEdit && (
                      <td>
                        <button
                          type="button"
                          className="button"
                          aria-label={`Remove the limit for ${row.connector || 'this row'}`}
                          onClick={() => {
                            setProblem(null);
                            setRows(rows.filter((_, at) => at !== index));
                          }}
                        >
                          Remove
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {problem && (
            <p className="field-error" role="alert" data-testid="rate-limits-problem">
              Row {problem.row + 1}: {problem.message}
            </p>
          )}
          {save.error && (
            <p className="field-error" role="alert" data-testid="rate-limits-error">
              {errorMessage(save.error)}
            </p>
          )}
          {canEdit && (
            <div className="button-row">
              <button
                type="button"
                className="button"
                data-testid="rate-limit-add"
                onClick={() =>
                  setRows([...rows, { connector: rows.length === 0 ? 'http' : '', count: '10', per: 's' }])
                }
              >
                Add a limit
              </button>
              <button type="submit" className="button primary" data-testid="rate-limits-save" disabled={save.isPending}>
                Save
              </button>
            </div>
          )}
          {limits.data?.updatedAt && (
            <p className="muted small" data-testid="rate-limits-updated">
              Last changed {formatDate(limits.data.updatedAt)} by {limits.data.updatedBy}
            </p>
          )}
        </form>
      )}
      <FairSharePanel />
      <WaitingCeilingPanel />
    </div>
  );
}
