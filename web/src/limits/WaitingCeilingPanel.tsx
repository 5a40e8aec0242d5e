import { MAX_WAITING_RUNS_LIMIT } from '@pipewright/flow';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/api.ts';
import { fairnessApi, fairnessKeys, useFairness } from '../api/fairness.ts';

/**
 * The workspace's ceiling of runs waiting to start (admission control, docs/adr/027): past it, its webhooks are
 * answered 429 with Retry-After instead of growing a backlog.  The instance's ceiling applies; an admin may set a
 * lower one for the workspace (empty: the instance's).
 */
export function WaitingCeilingPanel() {
  const queryClient = useQueryClient();
  const fairness = useFairness();
  /** What is being typed; null: showing the saved ceiling. */
  const [draft, setDraft] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: fairnessApi.put,
    onSuccess: (saved) => {
      queryClient.setQueryData(fairnessKeys.all, saved);
      setDraft(null);
    },
  });
  const data = fairness.data;
  if (!data) return null;
  const instance = data.instanceMaxWaitingRuns;
  const highest = instance > 0 ? instance : MAX_WAITING_RUNS_LIMIT;
  const canEdit = data.maxWeight > 0;
  const text = draft ?? (data.maxWaitingRuns === null ? '' : String(data.maxWaitingRuns));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = text.trim();
    const value = Number(trimmed);
    if (trimmed !== '' && (!Number.isInteger(value) || value < 1 || value > highest)) {
      setProblem(`Ceiling: a whole number from 1 to ${highest}, or empty for the instance's`);
      return;
    }
    setProblem(null);
    save.mutate({ maxWaitingRuns: trimmed === '' ? null : value });
  };

  return (
    <section className="card" data-testid="waiting-ceiling">
      <h2>Runs waiting to start</h2>
      <p className="muted">
        When more of this workspace’s runs wait for the workers than its ceiling, its webhooks are answered 429 with
        Retry-After, so a sender slows down instead of the backlog growing without bound. The instance’s ceiling is{' '}
        {instance > 0 ? instance : 'none'}; a lower one can be set here, and each flow can set its own in its settings.
      </p>
      <form noValidate onSubmit={submit} className="button-row">
        <label>
          Ceiling{' '}
          <input
            className="input"
            type="number"
            min={1}
            max={highest}
            step={1}
            placeholder={instance > 0 ? String(instance) : '∞'}
            aria-label="Ceiling of runs waiting to start (empty: the instance's)"
            data-testid="waiting-ceiling-input"
            value={text}
            disabled={!canEdit}
            onChange={(event) => {
              setProblem(null);
              setDraft(event.target.value);
            }}
          />
        </label>
        {canEdit && (
          <button type="submit" className="button primary" data-testid="waiting-ceiling-save" disabled={save.isPending}>
            Save
          </button>
        )}
      </form>
      {(problem ?? save.error) && (
        <p className="field-error" role="alert" data-testid="waiting-ceiling-error">
          {problem ?? errorMessage(save.error)}
        </p>
      )}
    </section>
  );
}
