import type { ApiErrorBody, FlowScheduleView } from '@pipewright/api-contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useEditor } from '../../canvas/editor-context.ts';
import { previewSchedule } from './schedule-preview.ts';

const scheduleKey = (flowId: string) => ['flows', flowId, 'schedule'] as const;

async function scheduleRequest(method: 'GET' | 'POST', path: string): Promise<FlowScheduleView> {
  const response = await fetch(`/api${path}`, { method, headers: { accept: 'application/json' } });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const message = (body as ApiErrorBody | null)?.error?.message;
    throw new Error(message ?? `${method} /api${path} failed with ${response.status}`);
  }
  // The server builds this body from the shared contract type.
  return body as FlowScheduleView;
}

function formatIn(iso: string, timeZone: string | undefined): string {
  return new Date(iso).toLocaleString(undefined, {
    timeZone,
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  });
}

/** The next five fire times of the schedule as drawn, computed here as Temporal will once it is published. */
function DraftFireTimes({ config }: { config: Record<string, unknown> }) {
  const { mode, cron, timezone, intervalSeconds } = config;
  const preview = useMemo(
    () => previewSchedule({ mode, cron, timezone, intervalSeconds }, new Date()),
    [mode, cron, timezone, intervalSeconds],
  );
  return (
    <div data-testid="schedule-draft-runs" data-ok={preview.ok ? 'true' : 'false'}>
      <p className="muted small">As drawn (once published):</p>
      {preview.ok ? (
        <ol className="schedule-next-runs">
          {preview.times.map((time) => (
            <li key={time.toISOString()}>
              <time dateTime={time.toISOString()}>{formatIn(time.toISOString(), preview.timezone)}</time>
            </li>
          ))}
        </ol>
      ) : (
        <p className="field-error">{preview.problem}</p>
      )}
    </div>
  );
}

/**
 * The schedule as drawn (its next five fire times, computed in the browser, so an unpublished or edited schedule
 * shows when it would fire) and the live schedule of the flow's published version: state, the next five fire times
 * (from Temporal) and pause/resume.
 */
export function ScheduleNextRuns({ config }: { config: Record<string, unknown> }) {
  const flowId = useEditor((state) => state.document.flowId);
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: scheduleKey(flowId),
    queryFn: () => scheduleRequest('GET', `/flows/${encodeURIComponent(flowId)}/schedule`),
    refetchInterval: 30_000,
  });
  const toggle = useMutation({
    mutationFn: (action: 'pause' | 'resume') =>
      scheduleRequest('POST', `/flows/${encodeURIComponent(flowId)}/schedule/${action}`),
    onSuccess: (view) => queryClient.setQueryData(scheduleKey(flowId), view),
  });
  const view = query.data;
  const timeZone = view?.spec?.timezone;
  return (
    <section className="settings-section" data-testid="schedule-next-runs" data-state={view?.state ?? 'loading'}>
      <h3>Next runs</h3>
      <DraftFireTimes config={config} />
      {query.isError && <p className="field-error">{query.error.message}</p>}
      {view?.state === 'none' && <p className="muted small">Publish the flow to start its schedule.</p>}
      {view && view.state !== 'none' && (
        <>
          <p className="muted small">
            {view.state === 'paused' ? 'Paused' : 'Active'} (published version, from Temporal)
            {view.note && view.state === 'paused' ? ` — ${view.note}` : ''}
          </p>
          <ol className="schedule-next-runs">
            {view.nextRuns.map((iso) => (
              <li key={iso}>
                <time dateTime={iso}>{formatIn(iso, timeZone)}</time>
              </li>
            ))}
          </ol>
          <button
            type="button"
            className="button"
            data-testid="schedule-toggle"
            disabled={toggle.isPending}
            onClick={() => toggle.mutate(view.state === 'paused' ? 'resume' : 'pause')}
          >
            {view.state === 'paused' ? 'Resume schedule' : 'Pause schedule'}
          </button>
          {toggle.isError && <p className="field-error">{toggle.error.message}</p>}
        </>
      )}
    </section>
  );
}
