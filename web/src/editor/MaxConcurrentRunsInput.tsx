import { MAX_CONCURRENT_RUNS_LIMIT } from '@pipewright/flow';
import { useEditor } from '../canvas/editor-context.ts';
import { FlowLimitInput } from './FlowLimitInput.tsx';

/**
 * "At most N runs at once" (`settings.maxConcurrentRuns`, docs/adr/020): more runs of the flow wait in line and start
 * as running ones end.
 */
export function MaxConcurrentRunsInput() {
  const conflicts = useEditor(
    (state) =>
      state.document.doc.settings?.maxConcurrentRuns !== undefined &&
      state.document.doc.settings.businessKey !== undefined,
  );
  return (
    <FlowLimitInput
      setting="maxConcurrentRuns"
      max={MAX_CONCURRENT_RUNS_LIMIT}
      before="At most"
      after="runs at once"
      ariaLabel="At most this many runs at once (empty: no limit)"
      testId="max-concurrent-runs"
      className="max-concurrent-runs"
      note={conflicts && <span className="field-error small"> (not with a business key: remove one of the two)</span>}
    />
  );
}
