import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, errorMessage } from '../api/api.ts';
import { navigate, paths } from '../routing/router.ts';

/** Starts the run's flow again on its current published version with this run's trigger output, then opens it. */
export function RerunButton({ runId }: { runId: string }) {
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const rerun = async () => {
    setBusy(true);
    setError(null);
    try {
      const started = await api.rerunRun(runId);
      void queryClient.invalidateQueries({ queryKey: ['runs', 'list'] });
      navigate(paths.run(started.runId));
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      {error && (
        <span className="field-error" data-testid="rerun-error">
          {error}
        </span>
      )}
      <button
        type="button"
        className="button"
        data-testid="rerun-button"
        disabled={busy}
        title="Start a new run of the latest published version with this run's trigger data"
        onClick={() => void rerun()}
      >
        {busy ? 'Starting…' : '↻ Re-run on current version'}
      </button>
    </>
  );
}
