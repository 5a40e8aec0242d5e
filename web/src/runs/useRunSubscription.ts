import { isOpenRunStatus, type RunDetail } from '@pipewright/api-contract';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from '../api/api.ts';
import type { EditorStore } from '../canvas/editor.store.ts';

const POLL_MS = 500;

/**
 * Feeds the store's run slice from the server: Server-Sent Events while the run is live, falling back to polling
 * GET /api/runs/:id every 500 ms if the stream fails.  The only writer of the run slice.
 */
export function useRunSubscription(store: EditorStore, runId: string | null) {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!runId) return;
    let stopped = false;
    let finished = false;
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const apply = (detail: RunDetail) => {
      if (stopped) return;
      store.getState().actions.setRunDetail(detail);
      // A stuck run is still open (a fixed worker may pick it up again): keep watching it.
      if (!isOpenRunStatus(detail.status) && !finished) {
        finished = true;
        source?.close();
        queryClient.setQueryData(['runs', 'detail', runId], detail);
        void queryClient.invalidateQueries({ queryKey: ['runs', 'list'] });
      }
    };
    const poll = async () => {
      if (stopped || finished) return;
      try {
        apply(await api.getRun(runId));
      } catch {
        // transient: keep polling
      }
      if (!stopped && !finished) timer = setTimeout(() => void poll(), POLL_MS);
    };

    if (typeof EventSource === 'undefined') void poll();
    else {
      source = new EventSource(api.runEventsUrl(runId));
      source.onmessage = (event: MessageEvent<string>) => {
        try {
          apply(JSON.parse(event.data) as RunDetail);
        } catch {
          // a malformed event is skipped; the next one carries the full state again
        }
      };
      source.addEventListener('end', () => source?.close());
      source.onerror = () => {
        source?.close();
        if (!finished) void poll();
      };
    }
    return () => {
      stopped = true;
      source?.close();
      clearTimeout(timer);
    };
  }, [store, runId, queryClient]);
}
