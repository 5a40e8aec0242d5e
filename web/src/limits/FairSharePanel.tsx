import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { errorMessage } from '../api/api.ts';
import { fairnessApi, fairnessKeys, useFairness } from '../api/fairness.ts';
import { formatDate } from '../ui/format.ts';

/**
 * The workspace's share of the workers under a backlog (docs/adr/027).  Every member sees it; an admin may lower it,
 * and an instance operator may raise it (the view says how far the signed-in member may go: `maxWeight`).
 */
export function FairSharePanel() {
  const queryClient = useQueryClient();
  const fairness = useFairness();
  const [weight, setWeight] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (fairness.data && weight === null) setWeight(String(fairness.data.weight));
  }, [fairness.data, weight]);
  const save = useMutation({
    mutationFn: fairnessApi.put,
    onSuccess: (saved) => {
      queryClient.setQueryData(fairnessKeys.all, saved);
      setWeight(String(saved.weight));
    },
  });
  const maxWeight = fairness.data?.maxWeight ?? 0;
  const canEdit = maxWeight > 0;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = Number(weight);
    if (weight === null || weight.trim() === '' || !Number.isFinite(value) || value < 0.001 || value > maxWeight) {
      setProblem(`Weight: a number from 0.001 to ${maxWeight}`);
      return;
    }
    setProblem(null);
    save.mutate({ weight: value });
  };

  return (
    <section className="card" data-testid="fair-share">
      <h2>Fair share</h2>
      <p className="muted">
        When runs wait for the workers, each workspace gets a share of them in proportion to its weight, so one
        workspace’s flood never holds the others’ runs back. Runs started from the editor go first, then webhooks and
        broker messages, then schedules and bulk re-runs. 1 is an equal share; an admin may lower it, and only an
        instance operator may raise it.
      </p>
      {fairness.error && <p className="field-error">{errorMessage(fairness.error)}</p>}
      {weight !== null && (
        <form noValidate onSubmit={submit} className="button-row">
          <label>
            Weight{' '}
            <input
              className="input"
              type="number"
              min={0.001}
              max={maxWeight || undefined}
              step="any"
              aria-label="Weight"
              data-testid="fair-share-weight"
              value={weight}
              disabled={!canEdit}
              onChange={(event) => {
                setProblem(null);
                setWeight(event.target.value);
              }}
            />
          </label>
          {canEdit && (
            <button type="submit" className="button primary" data-testid="fair-share-save" disabled={save.isPending}>
              Save
            </button>
          )}
        </form>
      )}
      {(problem ?? save.error) && (
        <p className="field-error" role="alert" data-testid="fair-share-error">
          {problem ?? errorMessage(save.error)}
        </p>
      )}
      {fairness.data?.updatedAt && (
        <p className="muted small" data-testid="fair-share-updated">
          Last changed {formatDate(fairness.data.updatedAt)} by {fairness.data.updatedBy}
        </p>
      )}
    </section>
  );
}
