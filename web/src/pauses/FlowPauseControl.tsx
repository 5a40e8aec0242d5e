import type { FlowPauseMode } from '@pipewright/api-contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../api/api.ts';
import { queryKeys } from '../api/queries.ts';
import { pauseKeys, pausesApi, useFlowPause } from './pauses-api.ts';

const MODE_LABEL: Record<FlowPauseMode, string> = {
  reject: 'refuse webhooks (503)',
  queue: 'hold webhook runs until resumed',
};

/**
 * Pause / Resume of a flow in the editor's toolbar.  While paused its webhooks answer 503 or hold their runs (the
 * count is shown), its schedule and polls stop; ▶ Run still starts runs by hand.
 */
export function FlowPauseControl({ flowId }: { flowId: string }) {
  const queryClient = useQueryClient();
  const state = useFlowPause(flowId);
  const [mode, setMode] = useState<FlowPauseMode>('reject');
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: pauseKeys.all });
    await queryClient.invalidateQueries({ queryKey: queryKeys.flows });
  };
  const pause = useMutation({ mutationFn: () => pausesApi.pauseFlow(flowId, mode), onSuccess: refresh });
  const resume = useMutation({ mutationFn: () => pausesApi.resumeFlow(flowId), onSuccess: refresh });
  const busy = pause.isPending || resume.isPending;
  const error = pause.error ?? resume.error ?? state.error;
  const paused = state.data?.paused;

  return (
    <span className="flow-pause" data-testid="flow-pause">
      {paused ? (
        <>
          <span className="badge" data-testid="flow-paused-badge" title={paused.reason ?? ''}>
            Paused — {MODE_LABEL[paused.mode]}
          </span>
          {paused.mode === 'queue' || (state.data?.heldRuns ?? 0) > 0 ? (
            <span className="muted small" data-testid="flow-held-runs">
              {state.data?.heldRuns ?? 0} held
            </span>
          ) : null}
          <span className="muted small">▶ Run still works by hand</span>
          <button
            type="button"
            className="button"
            data-testid="flow-resume-button"
            disabled={busy}
            onClick={() => resume.mutate()}
          >
            {resume.isPending ? 'Resuming…' : 'Resume'}
          </button>
        </>
      ) : (
        <>
          <select
            className="input"
            aria-label="While paused"
            data-testid="flow-pause-mode"
            value={mode}
            onChange={(event) => setMode(event.target.value === 'queue' ? 'queue' : 'reject')}
          >
            <option value="reject">Pause: {MODE_LABEL.reject}</option>
            <option value="queue">Pause: {MODE_LABEL.queue}</option>
          </select>
          <button
            type="button"
            className="button"
            data-testid="flow-pause-button"
            disabled={busy || state.isPending}
            onClick={() => pause.mutate()}
          >
            {pause.isPending ? 'Pausing…' : 'Pause'}
          </button>
        </>
      )}
      {error && <span className="field-error">{errorMessage(error)}</span>}
    </span>
  );
}
