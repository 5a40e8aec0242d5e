import type { FlowSummary } from '@pipewright/api-contract';
import { useState } from 'react';
import { emptyRunsFilter, RUN_STATUSES, RUN_TRIGGERS, type RunsFilter } from './runs-filter.ts';
import { runsFilterError } from './runs-search.ts';

/** The runs list's filters; applied with the button (or Enter), so typing a key does not query per keystroke. */
export function RunsFilterBar({
  value,
  onApply,
  flows,
}: {
  value: RunsFilter;
  onApply: (filter: RunsFilter) => void;
  /** Given on the all-runs page: a flow picker. */
  flows?: FlowSummary[];
}) {
  const [draft, setDraft] = useState(value);
  const [error, setError] = useState<string | undefined>();
  const set = (field: keyof RunsFilter) => (event: { target: { value: string } }) =>
    setDraft((current) => ({ ...current, [field]: event.target.value }));
  return (
    <form
      className="filter-bar"
      data-testid="runs-filters"
      onSubmit={(event) => {
        event.preventDefault();
        const refused = runsFilterError(draft);
        setError(refused);
        if (refused === undefined) onApply(draft);
      }}
    >
      {flows && (
        <label>
          Flow
          <select className="input" data-testid="runs-filter-flow" value={draft.flowId} onChange={set('flowId')}>
            <option value="">Any flow</option>
            {flows.map((flow) => (
              <option key={flow.id} value={flow.id}>
                {flow.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        Status
        <select className="input" data-testid="runs-filter-status" value={draft.status} onChange={set('status')}>
          <option value="">Any status</option>
          {RUN_STATUSES.map((status) => (
            <option key={status} value={status}>
              {status.replace('_', ' ')}
            </option>
          ))}
        </select>
      </label>
      <label>
        Version
        <input
          className="input narrow"
          data-testid="runs-filter-version"
          inputMode="numeric"
          placeholder="any"
          value={draft.version}
          onChange={set('version')}
        />
      </label>
      <label>
        Trigger
        <select className="input" data-testid="runs-filter-trigger" value={draft.trigger} onChange={set('trigger')}>
          <option value="">Any trigger</option>
          {RUN_TRIGGERS.map((trigger) => (
            <option key={trigger} value={trigger}>
              {trigger}
            </option>
          ))}
        </select>
      </label>
      <label>
        From
        <input
          className="input"
          type="datetime-local"
          data-testid="runs-filter-from"
          value={draft.from}
          onChange={set('from')}
        />
      </label>
      <label>
        To
        <input
          className="input"
          type="datetime-local"
          data-testid="runs-filter-to"
          value={draft.to}
          onChange={set('to')}
        />
      </label>
      <label>
        Key
        <input
          className="input"
          data-testid="runs-filter-key"
          placeholder="orderId=A-1001"
          title="A searchable field the flow declares (flow settings), as name=value"
          value={draft.key}
          onChange={set('key')}
        />
      </label>
      <div className="button-group">
        <button type="submit" className="button primary" data-testid="runs-filter-apply">
          Filter
        </button>
        <button
          type="button"
          className="button"
          data-testid="runs-filter-clear"
          onClick={() => {
            const cleared = emptyRunsFilter(flows ? '' : value.flowId);
            setDraft(cleared);
            onApply(cleared);
          }}
        >
          Clear
        </button>
      </div>
      {error && (
        <p className="field-error" data-testid="runs-filter-error">
          {error}
        </p>
      )}
    </form>
  );
}
